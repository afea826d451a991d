"""core.hooks: handlers run once the transaction commits, never after a rollback, and one failing
handler neither undoes the change nor stops the others."""

from __future__ import annotations

import pytest
from django.db import transaction

from liangping.core import hooks


@pytest.fixture
def event():
    name = "test.happened"
    yield name
    hooks._handlers.pop(name, None)


@pytest.mark.django_db(transaction=True)
def test_handlers_run_after_commit_only(event):
    seen: list[int] = []
    hooks.on(event, lambda n: seen.append(n))
    with transaction.atomic():
        hooks.emit(event, n=1)
        assert seen == []
    assert seen == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        hooks.emit(event, n=2)
        raise RuntimeError
    assert seen == [1]


@pytest.mark.django_db(transaction=True)
def test_a_failing_handler_does_not_stop_the_others(event, caplog):
    seen: list[str] = []

    def broken(**_: object) -> None:
        raise ValueError("boom")

    def fine(**kw: object) -> None:
        seen.append(str(kw["what"]))

    hooks.on(event, broken)
    hooks.on(event, fine)
    hooks.on(event, fine)  # registering twice runs once
    hooks.emit(event, what="x")
    assert seen == ["x"]
    assert "处理失败" in caplog.text


def test_notices_registers_the_case_events():
    from liangping.cases import services
    from liangping.notices import case_events

    assert case_events.notify_assigned in hooks.handlers(services.ASSIGNED)
    assert case_events.notify_returned in hooks.handlers(services.RETURNED)
