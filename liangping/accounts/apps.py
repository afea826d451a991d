from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liangping.accounts"
    label = "accounts"
    verbose_name = "账号安全"

    def ready(self) -> None:
        from liangping.accounts import checks, signals  # noqa: F401  (registers checks and receivers)
