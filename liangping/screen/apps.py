from django.apps import AppConfig


class ScreenConfig(AppConfig):
    name = "liangping.screen"
    label = "screen"
    verbose_name = "亮屏"

    def ready(self) -> None:
        from liangping.core.hooks import on
        from liangping.screen.fastpath import write_published_document

        on("period.published", write_published_document)  # the screen document, written once
