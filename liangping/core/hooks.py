"""Named events one app announces and others act on, registered explicitly at start-up.

Imports run one way (`cases` knows only `core`; `notices` builds on `cases`), so an app low in the
order cannot call one above it. It announces what happened instead — `emit("case.assigned",
case=…, actor=…)` — and the app above registers, in its AppConfig.ready, what to do then:
`on("case.assigned", notify_assignment)`. No model signals: an event is emitted by the service that
made the change, once, with what the handlers need, and only after the transaction commits (a
rolled-back change announces nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Handler = Callable[..., Any]
_handlers: dict[str, list[Handler]] = {}


def on(event: str, handler: Handler) -> None:
    """Run `handler(**kwargs)` whenever `event` is emitted (registering it twice runs it once)."""
    handlers = _handlers.setdefault(event, [])
    if handler not in handlers:
        handlers.append(handler)


def handlers(event: str) -> list[Handler]:
    return list(_handlers.get(event, []))


def _run(event: str, kwargs: dict[str, Any]) -> None:
    for handler in handlers(event):
        try:
            handler(**kwargs)
        except Exception:  # a failed notification must not undo or hide the change it is about
            log.exception("事件“%s”的处理失败：%s", event, getattr(handler, "__qualname__", handler))


def emit(event: str, **kwargs: Any) -> None:
    """Call the event's handlers once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _run(event, kwargs))
