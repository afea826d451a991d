from django.urls import path

from liangping.accounts import views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/setup/", views.setup, name="setup"),
    path("2fa/verify/", views.verify, name="verify"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("users/<int:pk>/2fa-reset/", views.otp_reset, name="otp_reset"),
]
