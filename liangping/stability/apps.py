from django.apps import AppConfig


class StabilityConfig(AppConfig):
    name = "liangping.stability"
    label = "stability"
    verbose_name = "稳定风险台账"

    def ready(self) -> None:
        from liangping.stability.sheets import register

        register()
