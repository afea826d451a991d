"""The campaign's actions: starting it (a leader-led task with its milestones), adding firms and
targets, recording inspections, and registering the hazards they find as `food_hazard` cases. Every
action runs in one transaction and is audited. A hazard on a firm outside the campaign is refused."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, User
from liangping.core.orgs import OrgIndex
from liangping.foodsafety.models import (
    Campaign,
    CampaignFirm,
    CampaignTarget,
    FirmCategory,
    Inspection,
    InspectionResult,
)
from liangping.tasks import services as tasks
from liangping.tasks.permissions import TaskError

KIND = "food_hazard"
# The campaign's milestones, as shares of its length (动员部署, 排查整治, 攻坚提升, 总结验收).
MILESTONES = (("动员部署", 0.07), ("排查整治", 0.6), ("攻坚提升", 0.9), ("总结验收", 1.0))
SPLIT = re.compile(r"[，,、\t]+")
CATEGORY_WORDS = {label: code for code, label in FirmCategory.choices} | {"农村": FirmCategory.RURAL}


class CampaignError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class FirmLine:
    name: str
    town: Org
    category: str
    credit_code: str = ""


def parse_firms(text: str, towns: Sequence[Org]) -> list[FirmLine]:
    """参与企业, one per line: 企业名称，镇街，业态[，统一社会信用代码]. Errors name the line."""
    index = {t.name: t for t in towns}
    short = OrgIndex([OrgKind.TOWN])
    out: list[FirmLine] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in SPLIT.split(line.strip())]
        if len(parts) < 3:
            raise CampaignError("firms", f"参与企业第{n}行：请写成“企业名称，镇街，业态”")
        name, town_text, category_text = parts[:3]
        town = index.get(town_text)
        if town is None:
            found = short.find(town_text)
            town = found if found is not None and found in towns else None
        if town is None:
            raise CampaignError("firms", f"参与企业第{n}行：镇街“{town_text}”不是本次行动的参与镇街")
        category = CATEGORY_WORDS.get(category_text)
        if category is None:
            raise CampaignError(
                "firms", f"参与企业第{n}行：业态“{category_text}”只能是生产、流通、餐饮或农村假冒伪劣食品"
            )
        if name in seen:
            raise CampaignError("firms", f"参与企业第{n}行：企业“{name}”重复")
        seen.add(name)
        out.append(FirmLine(name[:120], town, category, parts[3][:18] if len(parts) > 3 else ""))
    return out


def parse_targets(text: str, towns: Sequence[Org]) -> dict[int, int]:
    """检查目标, one per line: 镇街，家次. Errors name the line."""
    index = {t.name: t for t in towns}
    out: dict[int, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in SPLIT.split(line.strip())]
        if len(parts) != 2 or parts[0] not in index:
            raise CampaignError("targets", f"检查目标第{n}行：请写成“参与镇街，家次”，如“龙阳街道，40”")
        if not parts[1].removesuffix("家次").removesuffix("家").isdigit():
            raise CampaignError("targets", f"检查目标第{n}行：家次“{parts[1]}”应为非负整数")
        out[index[parts[0]].pk] = int(parts[1].removesuffix("家次").removesuffix("家"))
    return out


@transaction.atomic
def start_campaign(
    actor: User,
    *,
    name: str,
    start_date: dt.date | None,
    days: int | None,
    towns: Sequence[Org],
    departments: Sequence[Org] = (),
    leader: User | None,
    lead_department: Org | None,
    firms_text: str = "",
    targets_text: str = "",
    note: str = "",
    sample: bool = False,
) -> Campaign:
    name = name.strip()
    if not name:
        raise CampaignError("name", "请填写专项行动名称")
    if start_date is None:
        raise CampaignError("start_date", "请填写开始日期")
    if not days or days < 1 or days > 366:
        raise CampaignError("days", "行动天数应为 1–366 之间的整数")
    if not towns:
        raise CampaignError("towns", "请选择参与的镇街")
    wrong = [t.name for t in towns if t.kind != OrgKind.TOWN]
    if wrong:
        raise CampaignError("towns", f"参与镇街只能是镇（街道）：{'、'.join(wrong)}")
    if actor.org is None:
        raise CampaignError("name", "您的账号没有所属单位，不能组织专项行动")
    firms = parse_firms(firms_text, towns)
    targets = parse_targets(targets_text, towns)
    campaign = Campaign.objects.create(
        name=name[:100],
        owner=actor.org,
        start_date=start_date,
        days=days,
        note=note,
        sample=sample,
        created_by=actor,
    )
    campaign.towns.set(towns)
    campaign.departments.set(departments)
    for f in firms:
        CampaignFirm.objects.create(
            campaign=campaign, name=f.name, town=f.town, category=f.category, credit_code=f.credit_code
        )
    for town_id, target in targets.items():
        CampaignTarget.objects.create(campaign=campaign, town_id=town_id, target=target)
    end = campaign.end_date
    try:
        task = tasks.create_task(
            actor,
            {
                "code": f"SPXD-{start_date:%Y%m%d}-{campaign.pk}",
                "title": name[:200],
                "year": end.year,
                "leader": leader,
                "lead_department": lead_department,
                "goal": note.strip() or f"{days}天内完成参与企业检查，发现的隐患全部整改销号",
                "target_value": None,
                "target_unit": "",
            },
            [d for d in departments if d.kind == OrgKind.DEPARTMENT and d != lead_department],
            [
                (title, start_date + dt.timedelta(days=max(0, round(days * share) - 1)))
                for title, share in MILESTONES
            ],
        )
    except TaskError as exc:
        raise CampaignError(getattr(exc, "field", "") or "leader", str(exc)) from exc
    campaign.task = task
    campaign.save(update_fields=["task"])
    record(
        actor,
        "campaign.start",
        campaign,
        changes={
            "专项行动": [None, campaign.name],
            "开始日期": [None, start_date.isoformat()],
            "行动天数": [None, days],
            "参与企业": [None, len(firms)],
        },
    )
    return campaign


def campaign_firm(campaign: Campaign, written: str) -> CampaignFirm:
    """The campaign's firm of that name, or CampaignError naming the field (a firm outside it)."""
    name = written.strip()
    if not name:
        raise CampaignError("firm", "请填写企业名称")
    firm = CampaignFirm.objects.filter(campaign=campaign, name=name).select_related("town").first()
    if firm is None:
        raise CampaignError("firm", f"企业“{name}”不是本次专项行动的参与企业，不能登记检查或隐患")
    return firm


@transaction.atomic
def record_inspection(
    actor: User,
    campaign: Campaign,
    *,
    firm_name: str,
    date: dt.date | None,
    inspector: str,
    result: str,
    note: str = "",
    photos: Iterable[engine.Upload] = (),
    hazard_title: str = "",
    at: dt.datetime | None = None,
    sample: bool = False,
) -> Inspection:
    """An inspection, and when it found a hazard the hazard (a food_hazard case of the campaign)."""
    firm = campaign_firm(campaign, firm_name)
    today = timezone.localdate(at) if at else timezone.localdate()
    if date is None:
        raise CampaignError("date", "请填写检查日期")
    if date > today:
        raise CampaignError("date", "检查日期不能晚于今天")
    if date < campaign.start_date or date > campaign.end_date:
        raise CampaignError(
            "date",
            f"检查日期须在行动期内（{campaign.start_date.isoformat()} 至 {campaign.end_date.isoformat()}）",
        )
    if not inspector.strip():
        raise CampaignError("inspector", "请填写检查人员")
    if result not in InspectionResult.values:
        raise CampaignError("result", "请选择检查结果")
    photos = list(photos)
    checked = engine.check_uploads(photos)
    if any(kind.content_type not in ("image/jpeg", "image/png") for _, _, kind in checked):
        raise CampaignError("photos", "现场照片只能是 JPG 或 PNG 图片")
    inspection = Inspection(
        campaign=campaign,
        firm=firm,
        date=date,
        inspector=inspector.strip()[:50],
        result=result,
        note=note.strip(),
        recorded_by=actor,
        sample=sample,
    )
    if checked:
        _name, data, kind = checked[0]
        inspection.photo.save(f"inspection.{kind.extensions[0]}", ContentFile(data), save=False)
    if result == InspectionResult.HAZARD:
        if not hazard_title.strip():
            raise CampaignError("hazard_title", "发现隐患时请填写隐患内容")
        moment = at or timezone.make_aware(dt.datetime.combine(date, dt.time(12)))
        if date == today and at is None:
            moment = timezone.now()
        inspection.hazard = register_hazard(
            actor,
            campaign,
            firm,
            hazard_title,
            description=note,
            inspector=inspection.inspector,
            photos=photos,
            at=moment,
        )
    inspection.save()
    record(
        actor,
        "inspection.record",
        inspection,
        changes={"企业": [None, firm.name], "检查结果": [None, inspection.get_result_display()]},
    )
    return inspection


def register_hazard(
    actor: User,
    campaign: Campaign,
    firm: CampaignFirm,
    title: str,
    *,
    description: str = "",
    inspector: str = "",
    photos: Iterable[engine.Upload] = (),
    at: dt.datetime | None = None,
) -> Case:
    if firm.campaign_id != campaign.pk:
        raise CampaignError("firm", f"企业“{firm.name}”不是本次专项行动的参与企业，不能登记隐患")
    data: dict[str, Any] = {"firm": firm.name, "town": firm.town_id}
    if firm.credit_code:
        data["firm_code"] = firm.credit_code
    if inspector:
        data["inspector"] = inspector
    return engine.register(
        KIND,
        actor=actor,
        title=title,
        description=description,
        category=firm.category,
        data=data,
        place_org=firm.town,
        subject=campaign,
        attachments=photos,
        at=at,
        source="inspection",
    )
