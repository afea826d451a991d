from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "liangping.grading"
    label = "grading"
    verbose_name = "红黄蓝分级"

    def ready(self) -> None:
        from liangping.grading import exports, project_view

        exports.register()
        project_view.register()
