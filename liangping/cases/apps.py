from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "liangping.cases"
    label = "cases"
    verbose_name = "问题闭环"
