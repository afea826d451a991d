from django.apps import AppConfig


class ScreenConfig(AppConfig):
    name = "liangping.screen"
    label = "screen"
    verbose_name = "亮屏"
