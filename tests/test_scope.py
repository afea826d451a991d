"""Who sees which project: the scope of DOMAIN §3 for the whole cast."""

from __future__ import annotations

import pytest

from liangping.cases import services as cases
from liangping.cases.models import Case
from liangping.projects.models import Project

EXPECTED = {
    "supervisor": {"inside", "outside"},
    "leader": {"inside"},
    "department": {"inside"},
    "district": {"inside"},
    "specialist": {"inside"},
    "owner": {"inside"},
    "outsider": set(),
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_project_scope(cast, who):
    names = {cast.inside.pk: "inside", cast.outside.pk: "outside"}
    seen = {names[pk] for pk in Project.objects.visible_to(getattr(cast, who)).values_list("pk", flat=True)}
    assert seen == EXPECTED[who]


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_case_scope_follows_subject(cast, who):
    inside = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    outside = cases.register(cast.supervisor, "施工许可未办理", subject=cast.outside)
    # assigned: the lead units' orgs hang under the city, where leaders and admins sit too
    cases.assign(cast.supervisor, inside, cast.fagai)
    cases.assign(cast.supervisor, outside, cast.gongxin, [cast.shizhong])
    names = {inside.pk: "inside", outside.pk: "outside"}
    seen = {names[pk] for pk in Case.objects.visible_to(getattr(cast, who)).values_list("pk", flat=True)}
    assert seen == EXPECTED[who]


@pytest.mark.django_db
def test_anonymous_sees_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not Project.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_units_see_the_cases_they_lead_or_co_handle(cast):
    case = cases.register(cast.supervisor, "供水管网迁改", subject=cast.outside)
    cases.assign(cast.supervisor, case, cast.gongxin, [cast.tengzhou])
    assert list(Case.objects.visible_to(cast.district)) == [case]  # 滕州市 co-handles
    assert not Case.objects.visible_to(cast.department).exists()  # 市发展改革委 is not involved
    assert not Case.objects.visible_to(cast.leader).exists()


@pytest.mark.django_db
def test_menu_marks_the_longest_matching_entry(cast, rf):
    from liangping.core.context import menu

    request = rf.get("/projects/visits/stats/")
    request.user = cast.supervisor
    active = [i["label"] for i in menu(request)["menu_items"] if i["active"]]
    assert active == ["走访统计"]
