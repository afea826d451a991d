from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "liangping.tasks"
    label = "tasks"
    verbose_name = "攻坚事项"
