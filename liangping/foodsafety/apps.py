from django.apps import AppConfig


class FoodsafetyConfig(AppConfig):
    name = "liangping.foodsafety"
    label = "foodsafety"
    verbose_name = "食品安全专项行动"

    def ready(self) -> None:
        from liangping.cases.scope import register_subject_scope
        from liangping.foodsafety.models import Campaign

        register_subject_scope(Campaign, lambda user: Campaign.objects.visible_to(user).values("pk"))
