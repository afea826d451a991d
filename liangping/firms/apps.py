from django.apps import AppConfig


class FirmsConfig(AppConfig):
    name = "liangping.firms"
    label = "firms"
    verbose_name = "企业服务"

    def ready(self) -> None:
        from liangping.cases.queries import SUBJECT_LABELS, SUBJECT_URLS
        from liangping.cases.scope import register_subject_scope
        from liangping.firms.models import Firm
        from liangping.firms.sheets import register

        register_subject_scope(Firm, lambda user: Firm.objects.visible_to(user).values("pk"))
        SUBJECT_URLS["firms.firm"] = "firms:detail"
        SUBJECT_LABELS["firms.firm"] = "企业"
        register()
