from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "liangping.sheets"
    label = "sheets"
    verbose_name = "表格导入导出"

    def ready(self) -> None:
        from liangping.sheets import journal

        journal.connect_signals()
