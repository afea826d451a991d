from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "liangping.emergency"
    label = "emergency"
    verbose_name = "防汛叫应与应急值守"

    def ready(self) -> None:
        from liangping.emergency import imports
        from liangping.emergency.config import register_defaults

        register_defaults()
        imports.register()
