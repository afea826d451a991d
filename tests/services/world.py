"""A small services world on top of the cast: a town and a village of 滕州市 with their halls, four
departments, a catalogue of matters, the halls' 主管 accounts and a 一件事 of four departments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from liangping.core.models import Org, OrgKind, Role, User
from liangping.services import bundles, points
from liangping.services.models import Matter, MatterList, MatterType, PointKind, Post, ServicePoint
from tests.cast import Cast, make_user

LISTED = dt.date(2025, 1, 1)


@dataclass
class World:
    cast: Cast
    town: Org
    village: Org
    depts: dict[str, Org]
    matters: dict[str, Matter]
    city_hall: ServicePoint
    district_hall: ServicePoint
    town_hall: ServicePoint
    village_hall: ServicePoint
    mall: ServicePoint
    village_lead: User
    town_lead: User
    tax_user: User
    bundle: Any = None


def matter(cast: Cast, code: str, name: str, dept: Org | None, days: int = 5, fields: Any = ()) -> Matter:
    return Matter.objects.create(
        tenant=cast.city,
        code=code,
        name=name,
        department=dept,
        type=MatterType.LICENCE,
        legal_days=days * 2,
        promised_days=days,
        levels="district,town,village",
        listed_on=LISTED,
        fields=list(fields),
    )


def build(cast: Cast) -> World:
    town = Org.objects.create(name="示例镇", kind=OrgKind.TOWN, parent=cast.tengzhou)
    village = Org.objects.create(name="示例村", kind=OrgKind.VILLAGE, parent=town)
    depts = {
        "tax": Org.objects.create(name="市税务局", kind=OrgKind.DEPARTMENT, parent=cast.city),
        "trade": Org.objects.create(name="市商务局", kind=OrgKind.DEPARTMENT, parent=cast.city),
        "vehicle": Org.objects.create(name="市车管所", kind=OrgKind.DEPARTMENT, parent=cast.city),
        "customs": Org.objects.create(name="枣庄海关", kind=OrgKind.DEPARTMENT, parent=cast.city),
    }
    name = {"f": "企业名称", "v": "车辆识别代号"}
    ms = {
        "M001": matter(cast, "M001", "小餐饮登记", cast.fagai, 5),
        "M002": matter(cast, "M002", "个体工商户登记注册", cast.fagai, 3),
        "M003": matter(cast, "M003", "食品经营许可", cast.gongxin, 10),
        "E1": matter(
            cast,
            "E1",
            "机动车转让待出口登记",
            depts["vehicle"],
            1,
            [{"code": "vin", "label": name["v"]}, {"code": "firm", "label": name["f"]}],
        ),
        "E2": matter(
            cast,
            "E2",
            "二手车出口许可证申领",
            depts["trade"],
            1,
            [{"code": "firm", "label": name["f"]}, {"code": "country", "label": "出口国家"}],
        ),
        "E3": matter(cast, "E3", "出口货物报关", depts["customs"], 3, [{"code": "vin", "label": name["v"]}]),
        "E4": matter(cast, "E4", "出口退税申报", depts["tax"], 3, [{"code": "firm", "label": name["f"]}]),
        "X": matter(cast, "X", "无部门事项", None, 5),
    }
    guide = MatterList.objects.create(tenant=cast.city, code="town_guide", name="审批不出镇指导目录")
    guide.matters.set([ms["M001"], ms["M002"], ms["M003"]])
    city_hall = points.create_point(None, name="市政务服务中心", org=cast.city)
    district_hall = points.create_point(None, name="滕州市政务服务中心", org=cast.tengzhou)
    town_hall = points.create_point(None, name="示例镇便民服务中心", org=town, pilot=True, guide=guide)
    village_hall = points.create_point(None, name="示例村便民服务站", org=village)
    mall = points.create_point(None, name="示例便民站", org=cast.tengzhou, kind=PointKind.MALL)
    village_lead = make_user("cun_zhuguan", Role.DISTRICT, village, "村主管")
    town_lead = make_user("zhen_zhuguan", Role.DISTRICT, town, "镇主管")
    tax_user = make_user("tax_user", Role.DEPARTMENT, depts["tax"], "税务科长")
    points.add_staff(None, district_hall, name="区主管", post=Post.LEAD)
    points.add_staff(None, town_hall, name="镇主管", post=Post.LEAD, user=town_lead)
    points.add_staff(None, village_hall, name="村主管", post=Post.LEAD, user=village_lead)
    points.set_matters(None, town_hall, [points.Listed("M001"), points.Listed("M002")])
    points.set_matters(
        None, mall, [points.Listed("M002", "个体工商户登记"), points.Listed("M003", "食品经营许可")]
    )
    w = World(
        cast,
        town,
        village,
        depts,
        ms,
        city_hall,
        district_hall,
        town_hall,
        village_hall,
        mall,
        village_lead,
        town_lead,
        tax_user,
    )
    w.bundle = bundles.define_bundle(
        None,
        tenant=cast.city,
        code="car_export",
        name="二手车出口一件事",
        point=district_hall,
        items=[
            bundles.Item("E1", 3, 1),
            bundles.Item("E2", 3, 1),
            bundles.Item("E3", 10, 3),
            bundles.Item("E4", 20, 3),
        ],
        reformed_on=dt.date(2025, 6, 1),
    )
    return w


MATRIX_POINT, MATRIX_MATTER = "矩阵服务点", "MX1"


def matrix_point(cast: Cast) -> ServicePoint:
    """A hall of 滕州市 with one matter: what the API matrix posts handled cases to (created once)."""
    point = ServicePoint.objects.filter(name=MATRIX_POINT).first()
    if point is None:
        point = points.create_point(None, name=MATRIX_POINT, org=cast.tengzhou)
    if not Matter.objects.filter(code=MATRIX_MATTER).exists():
        matter(cast, MATRIX_MATTER, "矩阵事项", cast.fagai)
    return point


def handled_body(cast: Cast, ledger: Any, _item: Any) -> dict[str, Any]:
    from liangping.services.models import HandledCase

    point = matrix_point(cast)
    n = HandledCase.objects.count() + 1
    return {
        "ref": f"MX-{n}",
        "point": point.pk,
        "matter": MATRIX_MATTER,
        "received_at": "2025-09-10T09:00:00+08:00",
    }


@dataclass
class SecurityServices:
    """Inside the cast's district user's scope (滕州市) and outside it (市中区)."""

    world: World
    point_in: ServicePoint
    point_out: ServicePoint
    assist_in: Any
    assist_out: Any
    application: Any


def build_security(cast: Cast) -> SecurityServices:
    from liangping.services import assist

    w = build(cast)
    matrix_point(cast)
    outside = points.create_point(None, name="市中区政务服务中心", org=cast.shizhong)
    points.set_matters(None, outside, [points.Listed("M001")])
    shizhong_user = make_user("szq_zhuguan", Role.DISTRICT, cast.shizhong, "市中区主管")
    inside_case = assist.register_request(
        w.village_lead, w.village_hall, matter="M001", applicant_type="person", applicant="帮办申请人甲"
    )
    outside_case = assist.register_request(
        shizhong_user, outside, matter="M001", applicant_type="person", applicant="帮办申请人乙"
    )
    application = bundles.submit(
        cast.district,
        w.bundle,
        {"applicant": "矩阵汽车公司", "vin": "V1", "firm": "矩阵汽车公司", "country": "阿塞拜疆"},
    )
    return SecurityServices(w, w.town_hall, outside, inside_case, outside_case, application)


def city_items(city: Org, district: Org) -> dict[str, Any]:
    """Another city's service point and 帮办代办 request (the tenant matrix asks for them)."""
    from liangping.services import assist

    Matter.objects.create(
        tenant=city,
        code="JN001",
        name="济南示例事项",
        department=None,
        type=MatterType.LICENCE,
        listed_on=LISTED,
    )
    # Set up by the system (no actor): its audit entries still name 济南 (AuditLog.tenant), so 枣庄's
    # auditor does not read them (the matrix's list pages).
    point = points.create_point(None, name="济南示例政务服务中心", org=district)
    points.set_matters(None, point, [points.Listed("JN001")])
    lead = make_user("jn_zhuguan", Role.DISTRICT, district, "济南主管")
    case = assist.register_request(
        lead, point, matter="JN001", applicant_type="person", applicant="济南申请人"
    )
    return {"svc_point": point, "svc_assist": case}
