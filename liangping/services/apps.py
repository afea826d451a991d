from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "liangping.services"
    label = "services"
    verbose_name = "政务服务"

    def ready(self) -> None:
        from liangping.services.sheets import register

        register()
