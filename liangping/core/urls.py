from django.urls import path

from liangping.core import views_admin, views_audit, views_tokens, views_users

app_name = "core"
urlpatterns = [
    path("users/", views_users.users, name="users"),
    path("users/new/", views_users.user_new, name="user_new"),
    path("users/<int:pk>/", views_users.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views_users.user_password, name="user_password"),
    path("users/changes/", views_users.account_changes, name="account_changes"),
    path("users/changes/<int:pk>/decide/", views_users.account_change_decide, name="account_change_decide"),
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("orgs/", views_users.orgs, name="orgs"),
    path("settings/", views_admin.settings_page, name="settings"),
    path("calendar/", views_admin.calendar_page, name="calendar"),
    path("calendar/days/<int:pk>/delete/", views_admin.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/years/<int:pk>/delete/", views_admin.calendar_year_delete, name="calendar_year_delete"),
    path("audit/", views_audit.audit, name="audit"),
    path("audit/checkpoint/", views_audit.audit_checkpoint, name="audit_checkpoint"),
]
