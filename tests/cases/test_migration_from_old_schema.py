"""cases 0004/0005: project problems written before the engine become the project_problem kind,
history kept, and go on under the engine exactly as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from liangping.cases import services
from liangping.cases.models import Case, CaseKind, CaseTimeLimit
from liangping.core.models import Setting
from tests.cast import build_cast

OLD = [("cases", "0003_step_verdict_attachments")]


@pytest.fixture(autouse=True)
def _complete_schema_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_problems_become_the_project_problem_kind():
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    old = executor.loader.project_state(OLD).apps
    OldCase, OldStep = old.get_model("cases", "Case"), old.get_model("cases", "CaseStep")
    cast = build_cast(deputies=False)  # the org tree and users are core's, untouched by the cases migrations
    chief, clerk, unit = cast.supervisor, cast.department, cast.fagai
    Setting.objects.create(key="case_reply_workdays", value=7)
    now = timezone.now()
    open_case = OldCase.objects.create(
        title="用地手续待办",
        status="assigned",
        lead_org_id=unit.pk,
        registered_by_id=chief.pk,
        assigned_at=now,
        deadline=dt.date(2025, 6, 9),
        version=2,
    )
    open_case.co_orgs.add(cast.gongxin.pk)
    replied = OldCase.objects.create(
        title="电力接入", status="replied", lead_org_id=unit.pk, registered_by_id=chief.pk, assigned_at=now,
        deadline=dt.date(2025, 6, 9), replied_at=now, reply="已接入", version=3,
    )  # fmt: skip
    for case, actions in ((open_case, ["register", "assign"]), (replied, ["register", "assign", "reply"])):
        statuses = {"register": "registered", "assign": "assigned", "reply": "replied"}
        prev = ""
        for action in actions:
            OldStep.objects.create(
                case=case,
                action=action,
                from_status=prev,
                to_status=statuses[action],
                actor_id=chief.pk,
                note=action,
            )
            prev = statuses[action]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    kind = CaseKind.objects.select_related("current").get(code="project_problem")
    limit = CaseTimeLimit.objects.get(kind=kind, category__isnull=True, urgency="")
    assert limit.finish_amount == 7 and limit.finish_unit == "workdays"  # the edited setting carried over
    assert not Setting.objects.filter(key="case_reply_workdays").exists()
    migrated = Case.objects.get(pk=open_case.pk)
    assert migrated.kind == "project_problem" and migrated.kind_version_id == kind.current_id
    assert migrated.get_status_display() == "已交办" and migrated.get_kind_display() == "项目问题"
    assert timezone.localdate(migrated.due_at) == dt.date(2025, 6, 9) and migrated.finish_unit == "workdays"
    assert migrated.is_overdue(dt.date(2025, 6, 10)) and not migrated.is_overdue(dt.date(2025, 6, 9))
    assert list(Case.objects.overdue(dt.date(2025, 6, 10))) == [migrated]
    assert list(migrated.steps.values_list("action", flat=True)) == ["register", "assign"]
    assert list(migrated.co_orgs.all()) == [cast.gongxin]
    done = Case.objects.get(pk=replied.pk)
    assert done.finished_at == done.replied_at and done.get_status_display() == "已答复"

    # The loop goes on under the engine, with the same rules and messages as before.
    assert services.allowed_actions(clerk, migrated) == ["handle", "reply"]
    services.advance(clerk, migrated, "reply", "已办结", expected_version=2)
    migrated.refresh_from_db()
    assert migrated.status == "replied" and migrated.version == 3
    assert list(migrated.steps.values_list("action", flat=True)) == ["register", "assign", "reply"]
