"""The city's internal ranking of its districts and counties: from the imported tables, with the same
双亮牌 and distances as the 16-city ranking, in a fixed number of queries; and the preview page of an
import in a wide layout (layout, long table, options)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liangping.core.models import Org, OrgKind
from liangping.indicators.models import DistrictValue, Indicator, RankBy
from liangping.indicators.services import district_ranking
from liangping.sheets.models import ImportJob, JobStatus
from tests.sheets.builders import write_csv

pytestmark = pytest.mark.django_db
NAMES = ("市中区", "薛城区", "峄城区", "台儿庄区", "山亭区", "滕州市", "枣庄高新区")


@pytest.fixture
def places(cast):
    city = Org.objects.get(kind=OrgKind.CITY)
    for name in NAMES:
        Org.objects.get_or_create(name=name, kind=OrgKind.DISTRICT, defaults={"parent": city})
    return {o.name: o for o in Org.objects.filter(kind=OrgKind.DISTRICT)}


def put(places, indicator, year, month, growths, values=None):
    ind = Indicator.objects.get(name=indicator)
    for i, (name, growth) in enumerate(zip(NAMES, growths, strict=True)):
        DistrictValue.objects.create(
            indicator=ind,
            place=places[name],
            year=year,
            month=month,
            growth=Decimal(growth),
            value=None if values is None else Decimal(values[i]),
        )


def test_districts_rank_with_cards_and_distances(places):
    put(places, "地区生产总值", 2023, 3, ["5.0", "4.0", "3.0", "2.0", "1.0", "6.0", "7.0"])
    put(places, "地区生产总值", 2023, 6, ["5.0", "6.5", "3.0", "3.0", "1.0", "6.0", "0.5"])
    board = district_ranking(2023, 6)[0]
    assert [(r.city, r.rank, r.change) for r in board.rows] == [
        ("薛城区", 1, 3),
        ("滕州市", 2, 0),
        ("市中区", 3, 0),
        ("峄城区", 4, 1),
        ("台儿庄区", 4, 2),
        ("山亭区", 6, 1),
        ("枣庄高新区", 7, -6),
    ]
    shanting = places["山亭区"].pk
    assert board.all_distances[shanting][5] == Decimal("2.0") and board.all_distances[shanting][3] == Decimal(
        "4.0"
    )
    assert board.all_distances[places["薛城区"].pk][3] == Decimal("-1.5")


def test_ranked_by_total_when_the_catalogue_says_so(places):
    Indicator.objects.filter(name="地区生产总值").update(rank_by=RankBy.VALUE)
    put(places, "地区生产总值", 2023, 6, ["1"] * 7, values=["300", "200", "100", "90", "80", "1000", "50"])
    board = district_ranking(2023, 6)[0]
    assert [r.city for r in board.rows][:2] == ["滕州市", "市中区"] and board.rank_by == "value"
    assert set(board.all_distances[places["山亭区"].pk].values()) == {None}  # not points of growth


def test_the_page_in_a_fixed_number_of_queries(places, client, cast, django_assert_max_num_queries):
    client.force_login(cast.district)
    empty = client.get(reverse("indicators:districts"))
    assert empty.status_code == 200 and "还没有各区（市）的指标数据" in empty.content.decode()
    put(places, "地区生产总值", 2023, 3, ["5.0", "4.0", "3.0", "2.0", "1.0", "6.0", "7.0"])
    put(places, "税收收入", 2023, 3, ["5.0", "4.0", "3.0", "2.0", "1.0", "6.0", "7.0"])
    client.get(reverse("indicators:districts"))
    put(places, "地区生产总值", 2023, 6, ["5.0", "6.5", "3.0", "3.0", "1.0", "6.0", "0.5"])
    put(places, "税收收入", 2023, 6, ["5.0", "6.5", "3.0", "3.0", "1.0", "6.0", "0.5"])
    put(places, "固定资产投资", 2023, 6, ["5.0", "6.5", "3.0", "3.0", "1.0", "6.0", "0.5"])
    other = Org.objects.create(name="济南市", kind=OrgKind.CITY)  # another city's 市中区 is not ours
    lixia = Org.objects.create(name="历下区", kind=OrgKind.DISTRICT, parent=other)
    DistrictValue.objects.create(
        indicator=Indicator.objects.get(name="地区生产总值"), place=lixia, year=2023, month=6, growth=9
    )
    with django_assert_max_num_queries(12):
        page = client.get(reverse("indicators:districts"), {"period": "2023-06"})
    text = page.content.decode()
    assert "历下区" not in text and text.count("<tr>") == 3 * 8  # three indicators, a header and 7 rows
    assert page.status_code == 200 and "2023年1-6月" in text and "↑3 进位" in text and "↓6 退位" in text
    assert "距第五" in text and "距第十" not in text  # seven places: no 10th to measure against
    assert client.get(reverse("indicators:districts"), {"period": "2019-06"}).status_code == 404
    assert client.get(reverse("indicators:districts"), {"period": "胡写"}).status_code == 404


def test_the_preview_page_shows_the_layout_the_long_table_and_takes_options(
    places, client, cast, settings, tmp_path
):
    settings.LIANGPING_IMPORT_SYNC = True
    client.force_login(cast.supervisor)
    rows = [
        ["各区（市）主要指标"],
        ["年份/季度", "市中区（亿元）", "薛城区（亿元）", "滕州（亿元）"],
        ["2023年一季度", "85.1", "66.2", "300.3"],
        ["二季度", "170.1", "130.2", "600.3"],
    ]
    path = write_csv(tmp_path / "d.csv", rows, encoding="gbk")
    upload = SimpleUploadedFile("区市季度.csv", path.read_bytes(), content_type="text/csv")
    client.post(reverse("sheets:import"), {"kind": "indicators", "file": upload})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.layout == "（d）期间为行、地区为列"
    page = client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "识别的版式" in page and "标题中没有找到指标名称" in page and "按所选重新预览" in page
    client.post(reverse("sheets:job_options", args=[job.pk]), {"indicator": "GDP", "layout": ""})
    job.refresh_from_db()
    assert job.status == JobStatus.PREVIEWED and job.options == {"indicator": "GDP"}
    assert job.preview["total"] == 6 and job.preview["rows"][0]["place"] in NAMES
    page = client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert (
        "读取的数据（共 6 条）" in page
        and "“二季度”没有写年份，按上方的“2023年一季度”取为2023年1-6月" in page
    )
    client.post(reverse("sheets:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and DistrictValue.objects.count() == 6
