"""Sign-in, sign-out and the role-aware start page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from liangping.core.access import roles_required
from liangping.core.dashboard import home_for
from liangping.core.forms import LoginForm
from liangping.core.models import ADMIN_ROLES
from liangping.core.queues import queues_for


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anyone out."""


@roles_required()
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    context = {
        "home": home_for(user, today),
        "queues": queues_for(user, today),
        "is_admin": user.role in ADMIN_ROLES,
    }
    return render(request, "core/home.html", context)
