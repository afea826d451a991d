"""What the project, report and visit pages share: who may open them, and page helpers.

The pages themselves live in views_projects.py, views_reports.py and views_visits.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Role, User

LEDGER_ROLES = tuple(r for r in Role.values if r not in ADMIN_ROLES)
VISIT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT, Role.SPECIALIST)
PAGE_SIZE = 50

ledger_page = roles_required(*LEDGER_ROLES)
visit_page = roles_required(*VISIT_ROLES)
supervisor_page = roles_required(Role.SUPERVISOR)


def actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the role guards have let only signed-in users through
    return user


# Filters that may be given several times (?grade=red&grade=yellow): their values are joined by commas.
MULTI_PARAMS = ("grade",)


def params(request: HttpRequest) -> dict[str, str]:
    """The query string as one value per name (the last one wins; MULTI_PARAMS: all, comma-joined)."""
    values = {k: str(v) for k, v in request.GET.items()}
    for name in MULTI_PARAMS:
        if len(request.GET.getlist(name)) > 1:
            values[name] = ",".join(v for v in request.GET.getlist(name) if v)
    return values


def paginate(qs: QuerySet[Any], request: HttpRequest) -> tuple[Page, list[Any]]:
    """The requested page (50 rows) and the page numbers to show, with … for the gaps."""
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, numbers


def paginate_list(items: list[Any], request: HttpRequest, size: int) -> tuple[Page, list[Any]]:
    """A page of an already built list (`size` per page) and its page numbers."""
    paginator = Paginator(items, size)
    page = paginator.get_page(request.GET.get("page"))
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, numbers


def query_without(values: Mapping[str, str], *names: str) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in values.items() if k not in names and v})


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants only the part of the page it swaps."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
