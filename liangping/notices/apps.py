from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "liangping.notices"
    label = "notices"
    verbose_name = "提醒与升级"

    def ready(self) -> None:
        from liangping.notices import case_events
        from liangping.notices.config import register_defaults

        register_defaults()
        case_events.register()
