"""Monthly reports and site visits through the API: submit, resubmit, review, photos."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from liangping.cases.models import Case
from liangping.projects import services
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.api.conftest import png_bytes

REPORT = {"month": "2025-04", "month_investment": "1200.5", "ytd_investment": "8000", "progress": "主体施工"}


@pytest.mark.django_db
def test_submit_then_resubmit_with_version(api_as, cast):
    client = api_as("owner")
    created = client.post(f"/projects/{cast.inside.pk}/reports", REPORT)
    assert created.status_code == 201, created.content.decode()
    body = created.json()
    assert body["month"] == "2025-04" and body["month_investment"] == "1200.50"
    assert body["ytd_investment"] == "8000.00" and body["status"] == "submitted"
    assert body["submitted_by"]["name"] == "企业甲"

    again = client.post(f"/projects/{cast.inside.pk}/reports", {**REPORT, "ytd_investment": "9000"})
    assert again.status_code == 409, "a resubmission without the version read is a conflict"
    assert "未保存" in again.json()["detail"]

    fixed = client.post(
        f"/projects/{cast.inside.pk}/reports",
        {**REPORT, "ytd_investment": "9000", "version": body["version"]},
    )
    assert fixed.status_code == 200 and fixed.json()["ytd_investment"] == "9000.00"
    stale = client.post(
        f"/projects/{cast.inside.pk}/reports",
        {**REPORT, "ytd_investment": "9500", "version": body["version"]},
    )
    assert stale.status_code == 409
    assert MonthlyReport.objects.get(project=cast.inside).ytd_investment == 9000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"month": "2025/04"}, "month", "应为 YYYY-MM"),
        ({"month": "2025-13"}, "month", "应为 YYYY-MM"),
        ({"month_investment": "-5"}, "month_investment", "本月完成投资不能为负数"),
        ({"ytd_investment": "100"}, "ytd_investment", "累计完成投资不能小于本月完成投资"),
        ({"month": "2999-01"}, "month", "不能报送未来月份"),
        ({"month_investment": 1e400}, "month_investment", "应为"),
    ],
)
def test_report_validation(api_as, cast, change, field, message):
    response = api_as("owner").post(f"/projects/{cast.inside.pk}/reports", {**REPORT, **change})
    assert response.status_code == 422, response.content.decode()
    assert any(e["field"] == field and message in e["message"] for e in response.json()["detail"])


@pytest.mark.django_db
def test_problems_in_a_report_open_a_case(api_as, cast):
    api_as("owner").post(f"/projects/{cast.inside.pk}/reports", {**REPORT, "problems": "电力增容审批未完成"})
    assert Case.objects.filter(title="电力增容审批未完成").exists()


@pytest.mark.django_db
def test_report_list_filters(api_as, cast, ledger):
    services.submit_report(cast.owner, cast.inside, dt.date(2025, 3, 1), month_investment=1, ytd_investment=2)
    client = api_as("supervisor")
    assert client.get("/reports").json()["count"] == 3
    may = client.get("/reports", month="2025-05").json()
    assert may["count"] == 2 and {r["month"] for r in may["items"]} == {"2025-05"}
    assert client.get("/reports", project=cast.inside.pk).json()["count"] == 2
    assert client.get("/reports", status="approved").json()["count"] == 0
    bad = client.get("/reports", month="五月")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "month"
    assert "YYYY-MM" in bad.json()["detail"][0]["message"]
    [error] = client.get("/reports", status="nope").json()["detail"]
    assert error == {"field": "status", "message": "状态取值无效，可选：submitted、approved、returned"}


@pytest.mark.django_db
def test_review_approve_return_and_conflicts(api_as, cast, ledger):
    client = api_as("supervisor")
    report = ledger.report_in
    url = f"/reports/{report.pk}/review"
    no_note = client.post(url, {"approve": False, "note": " ", "version": report.version})
    assert no_note.status_code == 422 and no_note.json()["detail"][0] == {
        "field": "note",
        "message": "退回必须写明原因",
    }
    stale = client.post(url, {"approve": True, "version": report.version + 5})
    assert stale.status_code == 409
    done = client.post(url, {"approve": True, "note": "数据核实无误", "version": report.version})
    assert done.status_code == 200 and done.json()["status"] == ReportStatus.APPROVED
    assert done.json()["reviewed_by"]["name"] == "督查员甲"
    twice = client.post(url, {"approve": False, "note": "再审", "version": done.json()["version"]})
    assert twice.status_code == 409 and "不能再次审核" in twice.json()["detail"]
    # The project unit cannot overwrite an approved report.
    resubmit = api_as("owner").post(
        f"/projects/{cast.inside.pk}/reports",
        {
            "month": "2025-05",
            "month_investment": "1",
            "ytd_investment": "1",
            "version": done.json()["version"],
        },
    )
    assert resubmit.status_code == 409 and "已审核通过" in resubmit.json()["detail"]


@pytest.mark.django_db
def test_record_a_visit_with_photos_and_download_them(api_as, cast):
    client = api_as("specialist")
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    response = client.multipart(
        f"/projects/{cast.inside.pk}/visits",
        {"date": "2025-05-21", "findings": "塔吊安装完成", "photos": [photo]},
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["specialist"]["name"] == "专员甲" and body["date"] == "2025-05-21"
    [meta] = body["photos"]
    assert meta["name"] == "现场.png" and meta["content_type"] == "image/png"
    download = client.client.get(meta["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    stored = Image.open(io.BytesIO(b"".join(download.streaming_content)))  # re-saved without metadata
    assert stored.format == "PNG" and stored.tobytes() == Image.open(io.BytesIO(png_bytes())).tobytes()
    assert api_as("outsider").client.get(meta["url"]).status_code == 404


@pytest.mark.django_db
def test_visit_without_photos_and_visit_errors(api_as, cast):
    client = api_as("specialist")
    url = f"/projects/{cast.inside.pk}/visits"
    assert client.multipart(url, {"date": "2025-05-21", "findings": "正常"}).status_code == 201
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    bad_photo = client.multipart(url, {"date": "2025-05-21", "findings": "正常", "photos": [fake]})
    assert bad_photo.status_code == 422 and bad_photo.json()["detail"][0]["field"] == "photos"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.multipart(url, {"date": tomorrow, "findings": "正常"})
    assert future.status_code == 422 and future.json()["detail"][0]["field"] == "date"
    missing = client.multipart(url, {"date": "2025-05-21"})
    assert missing.json()["detail"] == [{"field": "findings", "message": "走访情况为必填项"}]
    blank = client.multipart(url, {"date": "2025-05-21", "findings": "  "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["message"] == "请填写走访情况"
    bad_date = client.multipart(url, {"date": "5月21日", "findings": "正常"})
    assert bad_date.json()["detail"][0]["field"] == "date"


@pytest.mark.django_db
def test_visit_list_is_constant_in_queries(api_as, cast, ledger):
    client = api_as("supervisor")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/visits").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(10):
        services.record_visit(
            cast.specialist, cast.inside, dt.date(2025, 5, 2), "复查", [("p.png", png_bytes())]
        )
    assert count() == small
    assert client.get("/visits", project=cast.outside.pk).json()["count"] == 1
    assert client.get("/visits", since="2025-05-10").json()["count"] == 2
