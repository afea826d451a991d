"""Personal data: phone and ID numbers masked for those who do not need them, shown in full only through
an audited 显示 action (等保2.0 个人信息保护)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from liangping.core.models import AuditLog
from liangping.core.privacy import mask_id_number, mask_phone, may_see_full_phone
from liangping.projects.exports import export_projects
from liangping.projects.models import Project

FULL = "13800138000"
MASKED = "138****8000"
FULL_ROLES = ["supervisor", "specialist", "owner"]
MASKED_ROLES = ["leader", "department", "district"]

digits = st.text(alphabet="0123456789", min_size=0, max_size=20)
phoneish = st.text(alphabet="0123456789-+() 转", min_size=0, max_size=24)


def test_the_examples_of_the_brief():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_id_number("110105194912310123") == "110105********0123"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("0632-3311234") == "063*-***1234"
    assert mask_phone("") == "" and mask_id_number(None) == ""


@given(phoneish)
def test_phone_masking_keeps_shape_and_hides_the_middle(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    for a, b in zip(value, masked, strict=True):  # only digits change, and only into *
        assert a == b or (a.isdigit() and b == "*")
    n = sum(c.isdigit() for c in value)
    shown = sum(c.isdigit() for c in masked)
    assert shown <= 7 and (n >= 11 or shown <= n // 4)
    if n >= 11:
        assert shown == 7
    assert mask_phone(masked) == masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_number_always_reads_as_138_stars_8000(value):
    assert mask_phone(value) == value[:3] + "****" + value[-4:]


@given(digits, st.sampled_from(["", "X", "x"]))
def test_id_masking_keeps_region_and_tail_only(body, check):
    value = body + check
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    if len(value) >= 15:
        assert masked[:6] == value[:6] and masked[-4:] == value[-4:]
        assert set(masked[6:-4]) <= {"*"}
    else:
        assert set(masked) <= {"*"}


@given(st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True))
def test_masking_is_idempotent_and_never_reveals_birth_date(value):
    masked = mask_id_number(value)
    assert mask_id_number(masked) == masked
    assert value[6:14] not in masked


# --- per role: detail page, export, API ----------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", FULL_ROLES + MASKED_ROLES)
def test_detail_page_per_role(cast, role):
    html = (
        client_for(getattr(cast, role))
        .get(reverse("projects:detail", args=[cast.inside.pk]))
        .content.decode()
    )
    if role in FULL_ROLES:
        assert FULL in html and "显示</button>" not in html
    else:
        assert FULL not in html and MASKED in html and "显示</button>" in html
    assert not AuditLog.objects.filter(action="project.show").exists()


@pytest.mark.django_db
def test_show_returns_the_full_number_and_is_audited(cast):
    client = client_for(cast.leader)
    url = reverse("projects:show", args=[cast.inside.pk, "contact_phone"])
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content.decode() == FULL
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditLog.objects.get(action="project.show")
    assert entry.actor == cast.leader and entry.object_id == str(cast.inside.pk)
    assert entry.changes == {"field": "联系电话"} and FULL not in json.dumps(entry.changes)
    # out of scope, unknown field, no ledger role: 404, nothing logged
    assert client.post(reverse("projects:show", args=[cast.outside.pk, "contact_phone"])).status_code == 404
    assert client.post(reverse("projects:show", args=[cast.inside.pk, "password"])).status_code == 404
    admin = client_for(cast.sysadmin).post(url)
    assert admin.status_code in (403, 404)
    assert AuditLog.objects.filter(action="project.show").count() == 1


@pytest.mark.django_db
def test_the_specialists_phone_is_masked_too(cast):
    cast.specialist.phone = "13912345678"
    cast.specialist.save()
    html = client_for(cast.district).get(reverse("projects:detail", args=[cast.inside.pk])).content.decode()
    assert "13912345678" not in html and "139****5678" in html
    shown = client_for(cast.district).post(
        reverse("projects:show", args=[cast.inside.pk, "specialist_phone"])
    )
    assert shown.content.decode() == "13912345678"


def exported_phones(user) -> dict[str, str]:
    out = io.BytesIO()
    export_projects(user, {}, out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    col = rows[0].index("联系电话")
    return {r[0]: r[col] for r in rows[1:]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", FULL_ROLES + MASKED_ROLES)
def test_export_per_role(cast, role):
    phones = exported_phones(getattr(cast, role))
    assert phones[cast.inside.code] == (FULL if role in FULL_ROLES else MASKED)


@pytest.mark.django_db
def test_the_specialist_sees_full_numbers_only_of_their_own_items(cast):
    Project.objects.filter(pk=cast.outside.pk).update(contact_phone="13700001111")
    phones = exported_phones(cast.supervisor)
    assert phones[cast.outside.code] == "13700001111"
    assert may_see_full_phone(cast.specialist, own_users=[cast.specialist2.pk]) is False
    assert may_see_full_phone(cast.specialist, own_users=[cast.specialist.pk]) is True
    assert may_see_full_phone(None) is False


@pytest.mark.django_db
@pytest.mark.parametrize("role", FULL_ROLES + MASKED_ROLES)
def test_api_per_role(cast, role):
    client = client_for(getattr(cast, role))
    detail = client.get(f"/api/v1/projects/{cast.inside.pk}").json()
    listing = client.get("/api/v1/projects").json()
    items = listing["items"] if isinstance(listing, dict) else listing
    in_list = next(p for p in items if p["id"] == cast.inside.pk)
    expected = FULL if role in FULL_ROLES else MASKED
    assert detail["contact_phone"] == expected and in_list["contact_phone"] == expected


@pytest.mark.django_db
def test_the_public_screen_and_disclosure_never_carry_phone_numbers(cast):
    from django.core.cache import cache

    from tests.screen.world import build_world

    cache.clear()
    Project.objects.update(contact_phone=FULL)
    cast.specialist.phone = "13912345678"
    cast.specialist.save()
    build_world(cast)  # the snapshots are taken with the phone numbers in the ledger
    body = Client().get(reverse("screen:data")).content.decode()
    assert '"overview"' in body
    for needle in (FULL, MASKED, "13912345678", "139****5678"):
        assert needle not in body
    page = client_for(cast.leader).get(reverse("disclosure:report", args=["2025Q2"])).content.decode()
    assert FULL not in page and MASKED not in page
    cache.clear()
