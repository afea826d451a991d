from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "liangping.evaluation"
    label = "evaluation"
    verbose_name = "五比五看评价"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from liangping.evaluation import summons

        summons.register()
