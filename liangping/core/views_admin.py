"""参数设置 and 节假日调整: the system administrator's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.core import holidays
from liangping.core.access import roles_required
from liangping.core.auditlog import describe
from liangping.core.config import (
    DEFAULTS,
    SOURCE_CITY,
    SOURCE_PROVINCE,
    SettingRefused,
    all_settings,
    audit_id,
    city_may_set,
    clear_setting,
    set_setting,
)
from liangping.core.forms import CalendarDayForm, CalendarYearForm, DeadlineForm, SettingForm, weekday
from liangping.core.ids import IdOutOfRange, parse_id
from liangping.core.models import AuditLog, CalendarDay, CalendarYear, Role
from liangping.core.tenancy import inherited, own_level


def _setting_form(key: str, data: Any = None, value: Any = None) -> SettingForm:
    default = DEFAULTS[key][0]
    if isinstance(default, bool):
        value = None if value is None else ("1" if value else "0")
    form = SettingForm(data, initial={"value": value}, prefix=key)
    if isinstance(default, bool):
        form.fields["value"] = forms.TypedChoiceField(
            label="新值", choices=[("1", "是"), ("0", "否")], coerce=lambda v: v == "1"
        )
    elif not isinstance(default, int):
        form.fields["value"] = forms.CharField(label="新值", max_length=200)
    return form


def _shown(value: Any) -> Any:
    return ("是" if value else "否") if isinstance(value, bool) else value


def _last_changes(tenant: int | None) -> dict[str, AuditLog]:
    """The latest audit entry of each setting at the level in force for the tenant (its city's own,
    else the installation's), never another city's: two queries."""
    ids = [*DEFAULTS, *(audit_id(k, tenant) for k in DEFAULTS)]
    latest = (
        AuditLog.objects.filter(action="setting.update", object_type="core.setting", object_id__in=ids)
        .order_by()
        .values("object_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    entries = AuditLog.objects.filter(pk__in=list(latest))
    return {e.object_id: e for e in entries}


def _last_of(last: dict[str, AuditLog], key: str, tenant: int | None, source: str) -> AuditLog | None:
    if source == SOURCE_CITY:
        return last.get(audit_id(key, tenant))
    return last.get(key) if source == SOURCE_PROVINCE else None


@roles_required(Role.SYSADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    tenant = own_level(request.user)  # a city's administrator sets the city's values
    posted_key = request.POST.get("key", "") if request.method == "POST" else ""
    bound = None
    if posted_key in DEFAULTS and request.POST.get("action") == "inherit":
        if clear_setting(request.user, posted_key, request.POST.get("reason", "")):  # type: ignore[arg-type]
            messages.success(request, f"“{DEFAULTS[posted_key][1]}”已恢复为全省统一设置")
        return redirect("core:settings")
    if posted_key in DEFAULTS:
        bound = _setting_form(posted_key, request.POST)
        if bound.is_valid():
            value = bound.cleaned_data["value"]
            try:
                set_setting(request.user, posted_key, value, reason=bound.cleaned_data["reason"])  # type: ignore[arg-type]
            except SettingRefused as refused:
                bound.add_error("value", str(refused))
            else:
                messages.success(request, f"已修改“{DEFAULTS[posted_key][1]}”为 {_shown(value)}")
                return redirect("core:settings")
    last = _last_changes(tenant)
    rows = []
    for item in all_settings(tenant):
        key = item["key"]
        entry = _last_of(last, key, tenant, item["source"])
        rows.append(
            {
                **item,
                "value_text": _shown(item["value"]),
                "default_text": _shown(item["default"]),
                "inherited_text": _shown(item["inherited"]),
                "form": bound
                if key == posted_key and bound is not None
                else _setting_form(key, value=item["value"]),
                "settable": city_may_set(key, tenant),
                "last": entry,
                "last_changes": describe(entry) if entry else [],
            }
        )
    return render(request, "core/settings.html", {"rows": rows, "city": tenant is not None})


@roles_required(Role.SYSADMIN)
def calendar_page(request: HttpRequest) -> HttpResponse:
    day_form = CalendarDayForm(prefix="day")
    year_form = CalendarYearForm(prefix="year")
    if request.method == "POST":
        user = request.user
        if "day-date" in request.POST:
            day_form = CalendarDayForm(request.POST, prefix="day")
            if day_form.is_valid():
                data = day_form.cleaned_data
                holidays.set_day(user, data["date"], data["is_workday"], data["note"])  # type: ignore[arg-type]
                messages.success(request, f"已保存 {data['date']:%Y-%m-%d} 的节假日调整")
                return redirect("core:calendar")
        else:
            year_form = CalendarYearForm(request.POST, prefix="year")
            if year_form.is_valid():
                data = year_form.cleaned_data
                try:
                    holidays.add_year(user, data["year"], data["note"])  # type: ignore[arg-type]
                except holidays.CalendarError as exc:
                    year_form.add_error("year", str(exc))
                else:
                    messages.success(request, f"已登记 {data['year']} 年的节假日数据")
                    return redirect("core:calendar")
    tenant = own_level(request.user)
    tool = DeadlineForm(request.GET if "start" in request.GET else None)
    result = holidays.compute_deadline(**tool.cleaned_data, tenant=tenant) if tool.is_valid() else None
    year = request.GET.get("year", "")
    # the installation's overrides and the city's own (which win on the same date)
    days = CalendarDay.objects.filter(inherited(tenant))
    if (number := parse_id(year)) is not None:
        if number > 9999:
            raise IdOutOfRange(year)
        days = days.filter(date__year=number)
    return render(
        request,
        "core/calendar.html",
        {
            "days": [(d, weekday(d.date)) for d in days],
            "years": CalendarYear.objects.filter(inherited(tenant)),
            "tenant": tenant,
            "year": year,
            "day_form": day_form,
            "year_form": year_form,
            "tool": tool,
            "result": result,
            "bundled": holidays.bundled_range(),
        },
    )


@roles_required(Role.SYSADMIN)
@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay.objects.filter(tenant_id=own_level(request.user)), pk=pk)
    holidays.delete_day(request.user, day)  # type: ignore[arg-type]
    messages.success(request, f"已删除 {day.date:%Y-%m-%d} 的节假日调整")
    return redirect("core:calendar")


@roles_required(Role.SYSADMIN)
@require_POST
def calendar_year_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CalendarYear.objects.filter(tenant_id=own_level(request.user)), pk=pk)
    holidays.delete_year(request.user, entry)  # type: ignore[arg-type]
    messages.success(request, f"已删除 {entry.year} 年的登记")
    return redirect("core:calendar")
