"""A transition may offer part of the satisfaction scale (`scale`): 满意/基本满意/不满意 for a
proposal. The form offers only those levels, the engine refuses the others, the reopen still holds."""

from __future__ import annotations

import pytest

from liangping.cases import engine
from liangping.cases.forms import ActForm
from liangping.cases.kindload import load_text
from liangping.kinds.spec import KindConfigError, load_spec

RATED = """
code = "rated"
name = "测评件"
version = 1
initial = "answered"
[parties]
dispatcher = ["role:supervisor"]
[scope]
dispatcher = "all"
[[limits]]
finish = { days = 30 }
[[states]]
code = "answered"
label = "已答复"
[[states]]
code = "redo"
label = "重新办理"
[[states]]
code = "done"
label = "已办结"
open = false
[[transitions]]
action = "rate"
label = "满意度测评"
from = ["answered"]
to = "done"
by = ["dispatcher"]
needs = ["rating"]
scale = ["satisfied", "basic", "unsatisfied"]
reopen = { ratings = ["unsatisfied"], to = "redo", max = 1 }
effects = ["close"]
[[transitions]]
action = "again"
label = "再次答复"
from = ["redo"]
to = "answered"
by = ["dispatcher"]
"""


def test_the_scale_must_be_levels_of_the_judgement():
    assert [c for c, _ in load_spec(RATED).transition("rate").choices] == [
        "satisfied",
        "basic",
        "unsatisfied",
    ]
    with pytest.raises(KindConfigError, match="scale"):
        load_spec(RATED.replace('"basic", "unsatisfied"]', '"basic", "so_so"]'))


@pytest.mark.django_db
def test_only_the_offered_levels_and_unsatisfied_reopens_once(cast):
    load_text(RATED)
    case = engine.register("rated", actor=cast.supervisor, title="测评一件")
    form = ActForm(spec=case.spec, transition=case.spec.transition("rate"))
    assert [c for c, _ in form.fields["rating"].choices] == ["satisfied", "basic", "unsatisfied"]
    with pytest.raises(engine.CaseFieldError, match="满意、基本满意、不满意"):
        engine.act(case, "rate", actor=cast.supervisor, rating="very_satisfied")
    engine.act(case, "rate", actor=cast.supervisor, rating="unsatisfied")
    assert case.status == "redo" and case.reopen_count == 1
    engine.act(case, "again", actor=cast.supervisor)
    engine.act(case, "rate", actor=cast.supervisor, rating="unsatisfied")
    assert case.status == "done"
