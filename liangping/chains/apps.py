from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "liangping.chains"
    label = "chains"
    verbose_name = "产业链"

    def ready(self) -> None:
        from liangping.chains.sheets import register

        register()
