"""帮办代办 requests (kind `assist`): registered at a service point, led by the point's division (its
帮办代办主管 acts for it), handed up a level or to a department's 科长, closed 办成. One owner at a time:
the current lead unit and the 主管 of its hall."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from liangping.cases import engine
from liangping.cases.models import Case, CaseStep
from liangping.core.models import User
from liangping.services.models import Matter, ServicePoint

KIND = "assist"


def find_matter(point: ServicePoint, written: str) -> Matter | None:
    written = written.strip()
    qs = Matter.objects.filter(tenant_id=point.tenant_id, withdrawn_on__isnull=True)
    return qs.filter(code=written).first() or qs.filter(name=written).first()


def register_request(
    actor: User, point: ServicePoint, *, matter: str, applicant_type: str, applicant: str, phone: str = "",
    description: str = "",
) -> Case:  # fmt: skip
    """A request at a point; the matter must be in the catalogue (field "matter")."""
    found = find_matter(point, matter)
    if found is None:
        raise engine.CaseFieldError("matter", f"“{matter.strip()}”不在事项目录中，请填写事项编码或事项全称")
    return engine.register(
        KIND,
        actor=actor,
        title=f"帮办代办：{found.name}"[:200],
        description=description,
        data={
            "matter": f"{found.code} {found.name}",
            "applicant_type": applicant_type,
            "applicant": applicant,
            "phone": phone,
        },
        subject=point,
        place_org=point.org,
        lead_org=point.org,
        contact_phone=phone,
    )


def trail(case: Case) -> list[dict[str, Any]]:
    """Who held the request, in turn: each lead unit with when it got it (register and hand-overs)."""
    out = []
    for step in case.steps.filter(Q(action="register") | Q(lead_org__isnull=False)).select_related(
        "lead_org", "actor"
    ):
        if step.lead_org is None:
            continue
        out.append({"org": step.lead_org, "at": step.at, "action": case.spec.action_label(step.action),
                    "actor": step.actor.name if step.actor else "系统", "note": step.note})  # fmt: skip
    return out


def steps_of(case: Case) -> list[CaseStep]:
    return list(case.steps.select_related("actor", "lead_org").order_by("at", "id"))
