from django.urls import include, path

from liangping.accounts import views as accounts_views
from liangping.api import api
from liangping.core import views as core_views
from liangping.core import views_site

urlpatterns = [
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("liangping.accounts.urls")),
    path("", core_views.home, name="home"),
    path("favicon.ico", views_site.favicon, name="favicon"),
    path("", include("liangping.core.urls")),
    path("projects/", include("liangping.projects.urls")),
    path("cases/", include("liangping.cases.urls")),
    path("appeals/", include("liangping.appeals.urls")),
    path("open311/v2/", include("liangping.appeals.open311_urls")),
    path("tasks/", include("liangping.tasks.urls")),
    path("sheets/", include("liangping.sheets.urls")),
    path("grading/", include("liangping.grading.urls")),
    path("evaluation/", include("liangping.evaluation.urls")),
    path("deputies/", include("liangping.deputies.urls")),
    path("events/", include("liangping.events.urls")),
    path("indicators/", include("liangping.indicators.urls")),
    path("chains/", include("liangping.chains.urls")),
    path("firms/", include("liangping.firms.urls")),
    path("stability/", include("liangping.stability.urls")),
    path("foodsafety/", include("liangping.foodsafety.urls")),
    path("services/", include("liangping.services.urls")),
    path("screen/appeals/", include("liangping.appeals.screen_urls")),
    path("screen/", include("liangping.screen.urls")),
    path("disclosure/", include("liangping.disclosure.urls")),
    path("notices/", include("liangping.notices.urls")),
    path("emergency/", include("liangping.emergency.urls")),
    path("province/", include("liangping.province.urls")),
    path("api/v1/", api.urls),
]

# Chinese pages (and JSON under /api/) instead of Django's: liangping.core.errors
handler403 = "liangping.core.errors.permission_denied"
handler404 = "liangping.core.errors.page_not_found"
handler500 = "liangping.core.errors.server_error"
