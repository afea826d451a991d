"""The reminders' administrator-configurable defaults (参数设置), registered with core's settings.

Registering them in core's table puts them on the 参数设置 page, where every change needs a reason and is
audited, like the other defaults.
"""

from __future__ import annotations

from liangping.core.config import DEFAULTS, get_setting

REPORT_REMIND_WORKDAYS = "notice_report_workdays"
ESCALATE_AFTER_WORKDAYS = "notice_escalate_workdays"

NOTICE_DEFAULTS = {
    REPORT_REMIND_WORKDAYS: (3, "月度调度报送提醒：截止前几个工作日提醒"),
    ESCALATE_AFTER_WORKDAYS: (3, "问题超期升级：超过答复期限几个工作日后报牵头单位负责人"),
}

ESCALATE_ACTION = "escalate"
ESCALATE_LABEL = "超期升级"
REMIND_ACTION = "remind"
REMIND_LABEL = "到期提醒"


def register_defaults() -> None:
    for key, value in NOTICE_DEFAULTS.items():
        DEFAULTS.setdefault(key, value)
    # The case timeline and API name each step through the engine's labels; an escalation is a step
    # written by this app, so it brings its label.
    from liangping.cases.services import ACTION_LABELS
    from liangping.core.auditlog import VERBS

    ACTION_LABELS.setdefault(ESCALATE_ACTION, ESCALATE_LABEL)
    VERBS.setdefault(ESCALATE_ACTION, ESCALATE_LABEL)
    ACTION_LABELS.setdefault(REMIND_ACTION, REMIND_LABEL)
    VERBS.setdefault(REMIND_ACTION, REMIND_LABEL)


def workdays_setting(key: str) -> int:
    return max(0, int(get_setting(key)))
