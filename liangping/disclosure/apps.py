from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "liangping.disclosure"
    label = "disclosure"
    verbose_name = "双公开"
