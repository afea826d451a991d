"""Reading the audit log: filters, and changes described as 字段: 旧值 → 新值 in Chinese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone

from liangping.core.config import DEFAULTS
from liangping.core.models import PRIVILEGED_ROLES, AccountChange, AuditLog, AuditSubject, Role, User
from liangping.core.tenancy import installation_city

VERBS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "password_reset": "重置密码",
    "day_create": "新增节假日调整",
    "day_update": "修改节假日调整",
    "day_delete": "删除节假日调整",
    "year_create": "登记年份",
    "year_delete": "删除年份",
    "submit": "报送",
    "resubmit": "重新报送",
    "review": "审核",
    "approve": "审核通过",
    "import": "导入",
    "export": "导出",
    "lock": "锁定",
    "reopen": "重新开放",
    "publish": "发布",
    "register": "登记",
    "assign": "交办",
    "handle": "办理",
    "reply": "答复",
    "verify": "核实",
    "close": "销号",
    "return": "退回",
    "feedback": "评价",
    "download": "下载",
    "purge": "清理",
    "show": "查看完整信息",
    "backup": "备份",
    "restore": "恢复",
    "login": "登录",
    "login_failed": "登录失败",
    "locked_out": "登录锁定",
    "login_throttled": "登录限速",
    "logout": "退出",
    "session_timeout": "超时退出",
    "password_change": "修改密码",
    "otp_enroll": "绑定动态口令",
    "otp_reset": "重置动态口令",
    "otp_disable": "停用动态口令",
    "recovery_codes": "生成恢复码",
    "checkpoint": "导出签名检查点",
    "rekey": "摘要链加密钥",
    "load": "加载",
    "revoke": "撤销",
    "escalate": "逾期升级督办",
    "approve_batch": "批量审核通过",
    "change_request": "提交特权账号变更申请",
    "change_approve": "批准特权账号变更",
    "change_reject": "驳回特权账号变更",
    "change_withdraw": "撤回特权账号变更申请",
}
NOUNS = {
    "user": "用户",
    "org": "组织",
    "setting": "参数",
    "calendar": "节假日",
    "case": "问题",
    "project": "项目",
    "report": "月度调度",
    "visit": "走访",
    "period": "考核期",
    "indicator": "指标",
    "grading": "分级",
    "ruleset": "分级规则",
    "audit": "审计日志",
    "system": "系统",
    "demo": "示例城市",
    "task": "攻坚事项",
    "task_report": "攻坚事项月报",
    "milestone": "节点",
    "api_token": "接口令牌",
}
# Object types that are no model, or whose model has no Chinese name.
TYPE_LABELS = {
    "demo": "示例城市",
    "core.setting": "参数",
    "core.backup": "数据库备份",
    "core.calendaryear": "年度节假日",
    "cases.casestep": "办理步骤",
    "projects.stageevent": "阶段变更",
    "projects.visitphoto": "走访照片",
    "tasks.taskreport": "攻坚事项月报",
    "grading.snapshotitem": "快照条目",
    "sheets.projects": "项目台账",
    "sheets.monthly": "月度调度",
    "sheets.indicators": "指标数据",
    "sheets.grades": "项目分级",
    "sheets.ranking": "16市指标排名",
}
# Keys of `changes` that are no model field (downloads, purges, two-factor login, …).
KEYS = {
    "file": "文件",
    "filters": "筛选条件",
    "rows": "行数",
    "before": "清理此日期之前",
    "count": "条数",
    "through_id": "清理至记录",
    "anchor_hash": "衔接摘要",
    "two_factor": "双因素登录",
    "recovery_codes": "恢复码",
    "revoked": "已撤销",
    "rules": "分级规则",
    "escalated_to": "升级至",
    "reminded": "提醒对象",
    "snapshot": "冻结版本",
    "status": "状态",
    "password": "密码",
    "year": "年份",
    "note": "说明",
    # the ledger's list filters, as older export entries stored them
    "district": "所属区（市）",
    "department": "责任部门",
    "leader": "包保市领导",
    "specialist": "项目专员",
    "stage": "建设阶段",
    "level": "项目级别",
    "industry": "产业类别",
    "grade": "等级",
    "period": "考核期",
    "q": "关键词",
}


def action_label(action: str) -> str:
    if action in VERBS:
        return VERBS[action]
    noun, _, verb = action.partition(".")
    if noun in NOUNS and verb in VERBS:
        return f"{NOUNS[noun]}·{VERBS[verb]}"
    return f"其他操作（{action}）"


def object_type_label(object_type: str) -> str:
    if object_type in TYPE_LABELS:
        return TYPE_LABELS[object_type]
    if object_type.startswith("sheets."):
        return "导出文件"
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return "其他" if object_type else ""
    return f"{model._meta.verbose_name}"


def is_model(object_type: str) -> bool:
    """Whether entries of this type name a record whose number (object_id) means something."""
    try:
        apps.get_model(object_type)
    except (LookupError, ValueError):
        return False
    return True


# Events on privileged accounts the auditor must see at a glance (三权分立): the two-person requests and
# decisions, and every administrative change to an account that is, or was, privileged.
APPROVAL_ACTIONS = (
    "user.change_request",
    "user.change_approve",
    "user.change_reject",
    "user.change_withdraw",
)
ACCOUNT_ACTIONS = ("user.create", "user.update", "user.password_reset", "user.otp_reset")


def privileged_account_ids() -> set[str]:
    """Accounts holding a privileged role now, or ever the subject of a two-person request (one query)."""
    now = User.objects.order_by().filter(role__in=PRIVILEGED_ROLES).values_list("pk", flat=True)
    ever = AccountChange.objects.order_by().exclude(target=None).values_list("target_id", flat=True)
    return {str(pk) for pk in now.union(ever)}


def privileged_q(ids: set[str]) -> Q:
    return Q(action__in=APPROVAL_ACTIONS) | Q(
        action__in=ACCOUNT_ACTIONS, object_type=User._meta.label_lower, object_id__in=ids
    )


def is_privileged_event(entry: AuditLog, ids: set[str]) -> bool:
    if entry.action in APPROVAL_ACTIONS:
        return True
    return (
        entry.action in ACCOUNT_ACTIONS
        and entry.object_type == User._meta.label_lower
        and entry.object_id in ids
    )


def subject(params: dict[str, Any]) -> tuple[str, str]:
    """(object type, object number) the filter asks for, "" where not given."""
    return (params.get("object_type") or "").strip(), (params.get("object_id") or "").strip()


def tenant_q(tenant_id: int) -> Q:
    """The entries a city's auditor reads: the city's own (AuditLog.tenant, set when written: its
    people's, and the system's about its records). An entry of no city (the province's people's, the
    system's installation-wide jobs) is the province's auditor's, except on an installation of this
    one city, where the system's entries are its own (as its command line works in it: core.tenancy).
    A safeguard besides: an entry left without a city whose actor is one of the city's people."""
    q = Q(tenant_id=tenant_id) | Q(tenant__isnull=True, actor__org__tenant_id=tenant_id)
    if tenant_id == installation_city():
        q |= Q(tenant__isnull=True, actor__isnull=True)
    return q


def filter_entries(
    params: dict[str, Any], privileged_ids: set[str] | None = None, tenant_id: int | None = None
) -> QuerySet[AuditLog]:
    """The log, newest first, narrowed by the cleaned filter values. `tenant_id`: the city whose
    auditor reads it (tenant_q); None: the province's auditor, who reads every entry."""
    qs = AuditLog.objects.order_by("-at", "-id")
    if tenant_id is not None:
        qs = qs.filter(tenant_q(tenant_id))
    if params.get("privileged"):
        qs = qs.filter(
            privileged_q(privileged_ids if privileged_ids is not None else privileged_account_ids())
        )
    actor = (params.get("actor") or "").strip()
    if actor:
        qs = qs.filter(Q(actor__username=actor) | Q(actor_name__icontains=actor))
    object_type, object_id = subject(params)
    if object_id:  # an object's history: its own entries and the imports that carry its changes
        carried = AuditSubject.objects.filter(object_id=object_id)
        own = Q(object_id=object_id)
        if object_type:
            carried, own = carried.filter(object_type=object_type), own & Q(object_type=object_type)
        qs = qs.filter(own | Q(pk__in=carried.values("entry_id")))
    elif object_type:
        qs = qs.filter(object_type=object_type)
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    since: dt.date | None = params.get("since")
    until: dt.date | None = params.get("until")
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs


def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(object types, actions) present in the log, each with its Chinese label: two queries."""
    types = AuditLog.objects.order_by().values_list("object_type", flat=True).distinct()
    actions = AuditLog.objects.order_by().values_list("action", flat=True).distinct()
    return (
        sorted(((t, object_type_label(t)) for t in types if t), key=lambda p: p[1]),
        sorted(((a, action_label(a)) for a in actions if a), key=lambda p: p[1]),
    )


@dataclass
class Change:
    field: str
    old: str
    new: str


def _field_label(object_type: str, name: str) -> tuple[str, dict[str, str]]:
    """A field's verbose name and its choices (value → label), from the model when there is one."""
    if object_type == "core.setting" and name in DEFAULTS:
        return DEFAULTS[name][1], {}
    if name == "password":
        return "密码", {}
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return KEYS.get(name, name), {}
    label = str(getattr(field, "verbose_name", name))
    choices = {str(k): str(v) for k, v in (getattr(field, "choices", None) or [])}
    return label, choices


def _text(value: Any, choices: dict[str, str]) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dict):
        if all(not isinstance(v, list | dict) for v in value.values()):
            return "；".join(f"{KEYS.get(str(k), k)}：{_text(v, {})}" for k, v in value.items()) or "（无）"
        return f"（{len(value)} 项内容，未展开）"
    if isinstance(value, list):
        if all(not isinstance(v, list | dict) for v in value):
            return "、".join(_text(v, {}) for v in value) or "（无）"
        return f"（{len(value)} 项内容，未展开）"
    return choices.get(str(value), str(value))


def _carried(
    objects: dict[str, Any], object_type: str, object_id: str
) -> tuple[str, str, dict[str, Any]] | None:
    """(name, 新建/修改, {field: [old, new]}) of one object in an entry of many objects (ObjectChanges)."""
    part = objects.get(object_type)
    if not isinstance(part, dict):
        return None
    created, updated = part.get("created") or {}, part.get("updated") or {}
    if object_id in created:
        name, *values = created[object_id]
        fields = part.get("fields") or []
        return (
            str(name),
            "新建",
            {f: [None, v] for f, v in zip(fields, values, strict=False) if v is not None},
        )
    if object_id in updated:
        name, changes = updated[object_id]
        return str(name), "修改", dict(changes or {})
    return None


def changes_of(entry: AuditLog, object_type: str, object_id: object) -> dict[str, Any]:
    """What `entry` changed of one object, {field: [old, new]}: its own changes, or the object's part
    of an entry of many objects (an import)."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    objects = changes.get("objects")
    if not isinstance(objects, dict):
        return changes
    carried = _carried(objects, object_type, str(object_id))
    return carried[2] if carried is not None else {}


def describe(entry: AuditLog, object_type: str = "", object_id: str = "") -> list[Change]:
    """The entry's changes in words. An entry of many objects (an import: `objects` in its changes)
    lists, for the object asked about (`object_type`, `object_id`: its history), that object's
    changes; otherwise how many objects of each kind it created and changed."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    objects = changes.get("objects")
    if not isinstance(objects, dict):
        return _describe_fields(entry.object_type, changes)
    out = _describe_fields(entry.object_type, {k: v for k, v in changes.items() if k != "objects"})
    for label, part in objects.items():
        if not isinstance(part, dict) or (object_type and label != object_type):
            continue
        if object_id:
            carried = _carried(objects, label, object_id)
            if carried is not None:
                name, verb, fields = carried
                out.append(Change(object_type_label(label), "", f"{name}（{verb}）"))
                out += _describe_fields(label, fields)
            continue
        counts = [
            f"{verb} {len(part[key])} 个"
            for key, verb in (("created", "新建"), ("updated", "修改"))
            if part.get(key)
        ]
        out.append(Change(object_type_label(label), "", "、".join(counts)))
    return out


def _describe_fields(object_type: str, changes: dict[str, Any]) -> list[Change]:
    out = []
    for name, pair in changes.items():
        label, choices = _field_label(object_type, name)
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old, new = pair
            out.append(Change(label, _text(old, choices), _text(new, choices)))
        else:  # a fact, not a change: 文件, 行数, 筛选条件
            out.append(Change(label, "", _text(pair, choices)))
    return out


def is_auditor(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.AUDITOR
