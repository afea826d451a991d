from __future__ import annotations

from decimal import Decimal

import pytest

from liangping.core.audit import diff, plain, record
from liangping.core.models import AuditLog


@pytest.mark.django_db
def test_audit_log_is_append_only(cast):
    entry = record(
        cast.supervisor, "project.update", cast.inside, changes={"name": ["a", "b"]}, reason="更正"
    )
    assert entry.actor_name == "督查员甲" and entry.object_type == "projects.project"
    entry.reason = "改掉"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.update(reason="x")
    assert AuditLog.objects.get().reason == "更正"


def test_diff_and_plain_values():
    assert diff({"a": 1, "b": "x"}, {"a": 1, "b": "y"}) == {"b": ["x", "y"]}
    assert plain(Decimal("1200.50")) == "1200.50"
    assert plain(Decimal("1200.00")) == "1200"
