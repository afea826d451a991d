from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "liangping.deputies"
    label = "deputies"
    verbose_name = "代表委员"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from liangping.deputies import timeline

        timeline.register()
