from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    name = "liangping.province"
    label = "province"
    verbose_name = "全省"

    def ready(self) -> None:
        from liangping.province.orgimport import register

        register()
