from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "liangping.demo"
    label = "demo"
    verbose_name = "示例城市"
