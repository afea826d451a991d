from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "liangping.appeals"
    label = "appeals"
    verbose_name = "群众诉求（枣解决·枣满意）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from liangping.appeals import imports

        imports.register()
