from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "liangping.core"
    label = "core"
    verbose_name = "组织、用户与审计"
