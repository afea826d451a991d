from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "liangping.grading"
    label = "grading"
    verbose_name = "红黄蓝分级"

    def ready(self) -> None:
        from liangping.grading.exports import register

        register()
