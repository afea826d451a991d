"""Generic engine rules, on toy kinds loaded from strings: a hand-up that must go to the parent of the
current lead unit (lead_org = "parent"), and a fan_out into child cases joined only when every child
is closed (when = "children_closed")."""

from __future__ import annotations

import pytest

from liangping.cases import engine
from liangping.cases.kindload import load_text
from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind, Role
from liangping.kinds.spec import KindConfigError, load_spec
from tests.cast import make_user

LADDER = """
code = "toy_ladder"
name = "逐级上交示例"
version = 1
initial = "open"
unit_kinds = ["city", "district", "town", "village"]
[[states]]
code = "open"
label = "办理中"
[[states]]
code = "done"
label = "已办结"
open = false
[[transitions]]
action = "up"
label = "上交上级"
from = ["open"]
to = "open"
by = ["lead_unit"]
needs = ["lead_org"]
lead_org = "parent"
effects = ["transfer"]
[[transitions]]
action = "finish"
label = "办结"
from = ["open"]
to = "done"
by = ["lead_unit"]
effects = ["close"]
"""

PART = """
code = "toy_part"
name = "分项示例"
version = 1
initial = "doing"
unit_kinds = ["department"]
[[fields]]
code = "item"
label = "分项"
type = "text"
[[states]]
code = "doing"
label = "分项办理中"
[[states]]
code = "done"
label = "分项已办结"
open = false
[[transitions]]
action = "finish"
label = "分项办结"
from = ["doing"]
to = "done"
by = ["lead_unit"]
effects = ["close"]
"""

BUNDLE = """
code = "toy_bundle"
name = "联办示例"
version = 1
initial = "new"
[[states]]
code = "new"
label = "待分办"
[[states]]
code = "split"
label = "分办中"
[[states]]
code = "joined"
label = "已汇总"
open = false
[[transitions]]
action = "split"
label = "分办"
from = ["new"]
to = "split"
by = ["registrar"]
needs = ["co_orgs"]
effects = ["fan_out"]
child_kind = "toy_part"
[[transitions]]
action = "join"
label = "汇总办结"
from = ["split"]
to = "joined"
by = ["registrar"]
when = "children_closed"
effects = ["close"]
"""


@pytest.fixture
def ladder_orgs(cast):
    town = Org.objects.create(name="示例镇", kind=OrgKind.TOWN, parent=cast.tengzhou)
    village = Org.objects.create(name="示例村", kind=OrgKind.VILLAGE, parent=town)
    return town, village


@pytest.mark.django_db
def test_hand_up_only_to_the_parent(cast, ladder_orgs):
    town, village = ladder_orgs
    load_text(LADDER)
    v_user = make_user("cun", Role.DISTRICT, village, "村主管")
    t_user = make_user("zhen", Role.DISTRICT, town, "镇主管")
    case = engine.register("toy_ladder", actor=cast.supervisor, title="代办营业执照", lead_org=village)
    assert case.lead_org == village and engine.allowed_actions(v_user, case) == ["up", "finish"]
    with pytest.raises(engine.CaseFieldError, match="只能交给上一级单位（示例镇）") as err:
        engine.act(case, "up", actor=v_user, lead_org=cast.tengzhou)
    assert err.value.field == "lead_org"
    assert Case.objects.get(pk=case.pk).lead_org == village  # nothing changed
    engine.act(case, "up", actor=v_user, lead_org=town)
    assert case.lead_org == town and engine.allowed_actions(v_user, case) == []
    engine.act(case, "up", actor=t_user, lead_org=cast.tengzhou)
    city_user = make_user("shi", Role.DISTRICT, cast.city, "市主管")
    engine.act(case, "up", actor=city_user, lead_org=cast.city)
    with pytest.raises(engine.CaseFieldError, match="当前单位已无上级"):
        engine.act(case, "up", actor=city_user, lead_org=cast.city)
    # the case page's form offers the parent only
    from liangping.cases.forms import ActForm

    form = ActForm(spec=case.spec, transition=case.spec.transition("up"), lead=town)
    assert list(form.fields["lead_org"].queryset) == [cast.tengzhou]


@pytest.mark.django_db
def test_fan_out_and_join_when_every_child_is_closed(cast):
    load_text(PART)
    load_text(BUNDLE)
    fagai_user, gongxin_user = cast.department, make_user("gx", Role.DEPARTMENT, cast.gongxin, "工信")
    parent = engine.register("toy_bundle", actor=cast.supervisor, title="联办申请")
    assert "join" not in engine.allowed_actions(cast.supervisor, parent)
    with pytest.raises(engine.CaseFieldError, match="至少一个办理单位"):
        engine.act(parent, "split", actor=cast.supervisor)
    engine.act(
        parent,
        "split",
        actor=cast.supervisor,
        children=[
            {"lead_org": cast.fagai, "title": "分项一", "data": {"item": "一"}},
            {"lead_org": cast.gongxin, "title": "分项二"},
        ],
    )
    kids = engine.children(parent)
    assert [(k.kind, k.lead_org, k.title, k.status) for k in kids] == [
        ("toy_part", cast.fagai, "分项一", "doing"),
        ("toy_part", cast.gongxin, "分项二", "doing"),
    ]
    assert kids[0].data == {"item": "一"} and kids[0].subject == parent
    assert kids[0].registered_by == cast.supervisor and kids[0].steps.get().action == "register"
    assert set(parent.co_orgs.all()) == {cast.fagai, cast.gongxin}  # the units it went to see it
    assert "join" not in engine.allowed_actions(cast.supervisor, parent)
    with pytest.raises(engine.CaseError, match="子事项尚未全部办结"):
        engine.act(parent, "join", actor=cast.supervisor)
    engine.act(kids[0], "finish", actor=fagai_user)
    assert "join" not in engine.allowed_actions(cast.supervisor, parent)
    engine.act(kids[1], "finish", actor=gongxin_user)
    assert engine.allowed_actions(cast.supervisor, parent) == ["join"]
    engine.act(parent, "join", actor=cast.supervisor)
    assert parent.status == "joined" and parent.closed_at is not None


@pytest.mark.django_db
def test_fan_out_to_the_chosen_co_units(cast):
    load_text(PART)
    load_text(BUNDLE)
    parent = engine.register("toy_bundle", actor=cast.supervisor, title="联办申请")
    engine.act(parent, "split", actor=cast.supervisor, co_orgs=[cast.fagai, cast.gongxin])
    assert [k.lead_org for k in engine.children(parent)] == [cast.fagai, cast.gongxin]


def test_the_new_keys_are_checked():
    with pytest.raises(KindConfigError, match="lead_org 只能是 parent"):
        load_spec(LADDER.replace('lead_org = "parent"', 'lead_org = "sibling"'))
    with pytest.raises(KindConfigError, match="须在 needs 中写 lead_org"):
        load_spec(
            LADDER.replace('needs = ["lead_org"]\nlead_org', "lead_org").replace('effects = ["transfer"]', "")
        )
    with pytest.raises(KindConfigError, match="when 只能是 children_closed"):
        load_spec(BUNDLE.replace('"children_closed"', '"always"'))
    with pytest.raises(KindConfigError, match="fan_out 须与 child_kind"):
        load_spec(BUNDLE.replace('child_kind = "toy_part"', ""))
    spec = load_spec(BUNDLE)
    assert spec.transition("split").child_kind == "toy_part"
    assert spec.transition("join").when == "children_closed"
