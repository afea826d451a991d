from django.apps import AppConfig


class CaseSheetsConfig(AppConfig):
    name = "liangping.casesheets"
    label = "casesheets"
    verbose_name = "事项表格"

    def ready(self) -> None:
        from liangping.casesheets import categories, exports

        exports.register()
        categories.register()
