"""现场走访 pages: recording a visit with photos checked by content and size, the scoped photo view,
the visit list, and the weekly statistics per specialist."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from liangping.cases.models import Case
from liangping.core.config import set_setting
from liangping.core.models import Role
from liangping.projects import services
from liangping.projects.models import Visit, VisitPhoto
from liangping.projects.queries_visits import week_starts
from tests.cast import Cast, make_user
from tests.web.test_projects_scope import png_bytes


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def noisy_jpeg(side: int) -> bytes:
    """A real JPEG that does not compress well."""
    import os

    img = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95)
    return out.getvalue()


def post_visit(client: Client, cast: Cast, photos: list[SimpleUploadedFile], **data: str):  # type: ignore[no-untyped-def]
    values = {"date": "2026-11-20", "findings": "设备进场，施工正常", "photos": photos, **data}
    return client.post(f"/projects/{cast.inside.pk}/visits/new/", values, follow=True)


@pytest.mark.django_db
def test_form_has_multiple_image_input(client: Client, cast: Cast) -> None:
    client.force_login(cast.specialist)
    html = client.get(f"/projects/{cast.inside.pk}/visits/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="photos"[^>]*accept="image/\*"[^>]*multiple', html)
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html


@pytest.mark.django_db
def test_real_png_photos_are_accepted_and_served_only_in_scope(client: Client, cast: Cast) -> None:
    client.force_login(cast.specialist)
    response = post_visit(
        client, cast, [upload("现场1.png", png_bytes()), upload("现场2.png", png_bytes((4, 4)))]
    )
    visit = Visit.objects.get()
    assert response.redirect_chain[-1][0] == f"/projects/visits/{visit.pk}/"
    html = response.content.decode()
    assert "已登记走访，附照片 2 张" in html and "设备进场，施工正常" in html
    photos = list(VisitPhoto.objects.filter(visit=visit).order_by("id"))
    assert [(p.content_type, p.original_name) for p in photos] == [
        ("image/png", "现场1.png"),
        ("image/png", "现场2.png"),
    ]
    assert f'src="/projects/visits/photo/{photos[0].pk}/"' in html and "/media/" not in html
    got = client.get(f"/projects/visits/photo/{photos[0].pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content).startswith(b"\x89PNG")
    assert "private" in got["Cache-Control"]
    for who, status in [("leader", 200), ("owner", 404), ("specialist2", 404), ("leader2", 404)]:
        c = Client()
        c.force_login(getattr(cast, who))
        assert c.get(f"/projects/visits/photo/{photos[0].pk}/").status_code == status, who
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_text_pretending_to_be_a_jpeg_is_refused(client: Client, cast: Cast) -> None:
    client.force_login(cast.specialist)
    fake = upload("现场.jpg", "这不是照片，只是一段文字".encode() * 20, "image/jpeg")
    html = post_visit(client, cast, [upload("ok.png", png_bytes()), fake]).content.decode()
    assert "文件“现场.jpg”不是有效的图片，请上传 JPG、PNG 或 WEBP 照片" in html
    assert "设备进场，施工正常" in html  # what was typed is kept
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


@pytest.mark.django_db
def test_oversize_photo_is_refused(client: Client, cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIANGPING_MAX_PHOTO_MB = 1
    big = noisy_jpeg(1000)
    assert len(big) > 1024 * 1024
    client.force_login(cast.specialist)
    html = post_visit(client, cast, [upload("大图.jpg", big, "image/jpeg")]).content.decode()
    assert "照片“大图.jpg”超过 1 MB，请压缩后再上传" in html
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_other_field_errors_and_raise_problem(client: Client, cast: Cast) -> None:
    client.force_login(cast.specialist)
    html = post_visit(client, cast, [], findings=" ", date="2099-01-01").content.decode()
    assert "请填写走访情况" in html and "走访日期不能晚于今天" in html
    post_visit(client, cast, [], findings="企业反映电力增容未落实", raise_problem="on")
    visit = Visit.objects.get()
    case = Case.objects.get(source_ref=f"visit:{visit.pk}")
    assert case.title == "企业反映电力增容未落实" and case.subject == cast.inside


@pytest.mark.django_db
def test_visit_list_is_scoped(client: Client, cast: Cast) -> None:
    services.record_visit(cast.specialist, cast.inside, dt.date(2026, 11, 2), "甲项目走访")
    services.record_visit(cast.specialist2, cast.outside, dt.date(2026, 11, 3), "乙项目走访")
    client.force_login(cast.specialist)
    html = client.get("/projects/visits/").content.decode()
    assert "示例动力电池项目" in html and "示例智慧物流项目" not in html
    assert f'href="/projects/{cast.inside.pk}/visits/new/"' in html  # 我负责的项目
    client.force_login(cast.supervisor)
    html = client.get("/projects/visits/").content.decode()
    assert "示例动力电池项目" in html and "示例智慧物流项目" in html
    html = client.get("/projects/visits/", {"specialist": cast.specialist2.pk}).content.decode()
    assert "示例动力电池项目" not in html and "示例智慧物流项目" in html
    html = client.get("/projects/visits/", {"q": "ZZ-2025-001"}).content.decode()
    assert "示例动力电池项目" in html and "示例智慧物流项目" not in html


def stats_rows(html: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name, projects = re.findall(r"<td(?: class=\"num\")?>([^<]*)</td>", row)[:2]
        cells = re.findall(r'<span class="badge (\w+)">(\d+)</span>', row)
        out.append((name, projects, cells))
    return out


@pytest.mark.django_db
def test_visit_stats_colours_order_and_scope(client: Client, cast: Cast) -> None:
    lazy = make_user("specialist3", Role.SPECIALIST, cast.office, "专员丙")  # never visits, no projects
    mondays = week_starts(timezone.localdate())
    last_week = mondays[-2]
    for i in range(3):  # 专员甲 reaches the target last week
        services.record_visit(cast.specialist, cast.inside, last_week + dt.timedelta(days=i), f"走访{i}")
    services.record_visit(cast.specialist2, cast.outside, last_week, "走访")  # 专员乙 once
    services.record_visit(cast.specialist2, cast.outside, mondays[0] - dt.timedelta(days=1), "太早，不计")
    client.force_login(cast.supervisor)
    html = client.get("/projects/visits/stats/").content.decode()
    assert "每周走访目标 3 次" in html and ">本周<" in html
    rows = stats_rows(html)
    assert [r[0] for r in rows] == ["专员丙", "专员乙", "专员甲"]  # those who never go first
    by_name = {r[0]: r for r in rows}
    assert by_name["专员丙"][1] == "0" and by_name["专员甲"][1] == "1"
    assert by_name["专员甲"][2][-2] == ("blue", "3") and by_name["专员乙"][2][-2] == ("yellow", "1")
    assert by_name["专员丙"][2][0] == ("red", "0") and by_name["专员丙"][2][-1] == ("grey", "0")
    assert len(by_name["专员甲"][2]) == 8
    assert lazy.pk
    set_setting(cast.sysadmin, "visit_target_per_week", 4)
    rows = stats_rows(client.get("/projects/visits/stats/").content.decode())
    assert {r[0]: r for r in rows}["专员甲"][2][-2] == ("yellow", "3")

    client.force_login(cast.specialist2)
    rows = stats_rows(client.get("/projects/visits/stats/").content.decode())
    assert [r[0] for r in rows] == ["专员乙"]


@pytest.mark.django_db
def test_visit_stats_constant_queries(client: Client, cast: Cast) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/projects/visits/stats/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(cast.supervisor)
    count()
    few = count()
    for i in range(30):
        make_user(f"sp{i}", Role.SPECIALIST, cast.office, f"专员{i:02d}")
    services.record_visit(cast.specialist, cast.inside, timezone.localdate(), "走访")
    assert count() == few
