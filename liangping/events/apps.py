from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "liangping.events"
    label = "events"
    verbose_name = "赛事活动"
