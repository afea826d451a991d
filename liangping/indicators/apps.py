from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "liangping.indicators"
    label = "indicators"
    verbose_name = "经济指标"

    def ready(self) -> None:
        from liangping.indicators.imports import register

        register()
