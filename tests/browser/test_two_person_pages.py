"""The two-person rule and the token page in a real browser: a request, its approval by a second
administrator, the auditor's highlighted log; a token shown once."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from liangping.core.models import ApiToken, AuditLog

NEW = "Zaozhuang#2026"


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def test_a_privileged_reset_is_approved_by_a_second_administrator(
    page, live_server, cast, login, shot, offline, console_errors
):
    login(page, "secadmin")
    page.goto(f"{live_server.url}/users/{cast.supervisor.pk}/")
    assert page.locator(".badge.red", has_text="特权账号").is_visible()
    page.fill("#id_password1", NEW)
    page.fill("#id_password2", NEW)
    page.click("button:has-text('重置密码')")
    page.wait_for_load_state("networkidle")
    assert "待另一位管理员批准后生效" in page.content()
    page.goto(f"{live_server.url}/users/changes/")
    assert page.locator("button:has-text('撤回申请')").is_visible()
    assert page.locator("button:has-text('批准')").count() == 0
    shot(page, "two-person-requester")

    sign_out(page)
    login(page, "sysadmin")
    page.goto(f"{live_server.url}/users/changes/")
    page.fill("input[name=note]", "已电话核实")
    shot(page, "two-person-approver")
    page.click("button:has-text('批准')")
    page.wait_for_load_state("networkidle")
    assert "没有待批准的申请" in page.content() and "已电话核实" in page.content()
    cast.supervisor.refresh_from_db()
    assert cast.supervisor.check_password(NEW)

    sign_out(page)
    login(page, "auditor")
    page.goto(f"{live_server.url}/audit/")
    marked = page.locator("tr.privileged")
    assert marked.count() == AuditLog.objects.filter(action__startswith="user.change_").count() + 1
    page.check("#id_privileged")
    page.click("button:has-text('筛选')")
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == marked.count()
    shot(page, "audit-privileged")
    assert not console_errors


def test_the_token_is_shown_once(page, live_server, cast, login, shot, offline, console_errors):
    login(page, "secadmin")
    page.locator("a", has_text="接口令牌").first.click()
    page.wait_for_load_state("networkidle")
    page.select_option("#id_user", str(cast.district.pk))
    page.fill("#id_name", "大屏对接")
    page.select_option("#id_scope", "read")
    page.fill("#id_until", (timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.click("button:has-text('签发')")
    page.wait_for_load_state("networkidle")
    raw = page.locator("code.token-value").inner_text()
    assert re.fullmatch(r"lp_[\w-]{40,}", raw)
    assert ApiToken.objects.get().scope == "read"
    shot(page, "tokens-issued")
    page.goto(f"{live_server.url}/tokens/")
    assert raw not in page.content() and "大屏对接" in page.content()
    page.fill("input[name=reason]", "停用大屏")
    page.click("button:has-text('吊销')")
    page.wait_for_load_state("networkidle")
    assert ApiToken.objects.get().revoked
    shot(page, "tokens-revoked")
    assert not console_errors
