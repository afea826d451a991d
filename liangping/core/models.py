"""Org tree, users and roles, the append-only audit log, settings and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models, router, transaction
from django.utils import timezone

from liangping.core import auditchain
from liangping.core.fields import SealedJSONField
from liangping.core.periods import period_bounds, period_code, period_label


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区（市）"
    DEPARTMENT = "department", "市直部门"
    TOWN = "town", "镇街"
    VILLAGE = "village", "村（社区）"
    COMPANY = "company", "项目单位"
    OFFICE = "office", "督查机构"


# The five levels of administrative divisions, top down (core.divisions); the other kinds hang under them.
DIVISION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.VILLAGE)


class OrgQuerySet(models.QuerySet["Org"]):
    def subtree(self, org: Org) -> OrgQuerySet:
        return self.filter(path__startswith=org.path)


class Org(models.Model):
    """A node of the org tree. `path` is a materialised path ("/1/4/") for one-query subtrees.

    Divisions (province → city → district → town → village) carry their GB/T 2260 `code`. `tenant` is
    the city a unit belongs to (a city is its own tenant); the province and its own units have none.
    Names are unique per kind within a tenant (two cities may each have a 市中区), those of towns and
    villages under their parent."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    code = models.CharField("区划代码", max_length=12, blank=True, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    tenant = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    aliases = models.CharField("别名（逗号分隔）", max_length=255, blank=True)
    sort = models.IntegerField("排序", default=0)

    objects = OrgQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["sort", "id"]
        indexes: ClassVar = [
            # the installation's city (its only city) is asked on every screen poll and every page
            # reading a city setting: a province's thousands of companies are not read for it
            models.Index(fields=["kind"], name="org_kind"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "name"],
                condition=models.Q(tenant__isnull=False) & ~models.Q(kind__in=["town", "village"]),
                name="org_tenant_kind_name_unique",
            ),
            # towns and villages repeat their names across a city (王庄村): unique under their parent
            models.UniqueConstraint(
                fields=["parent", "kind", "name"],
                condition=models.Q(kind__in=["town", "village"]),
                name="org_parent_kind_name_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=models.Q(tenant__isnull=True),
                name="org_kind_name_unique_untenanted",
            ),
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="org_code_unique"),
        ]
        verbose_name = "组织"
        verbose_name_plural = "组织"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The materialised path and a city's tenant need the primary key, so a new node is written twice.
        if self.kind != OrgKind.CITY:
            self.tenant_id = self.parent.tenant_id if self.parent is not None else None
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        tenant_id = self.pk if self.kind == OrgKind.CITY else self.tenant_id
        if path != self.path or tenant_id != self.tenant_id:
            self.path, self.tenant_id = path, tenant_id
            type(self).objects.filter(pk=self.pk).update(path=path, tenant_id=tenant_id)

    @classmethod
    def under(cls, parent: Org | None, **fields: Any) -> Org:
        """A new (unsaved) unit below `parent`, in its parent's tenant (a new city is its own:
        `save()` sets that once it has a key)."""
        return cls(parent=parent, tenant_id=parent.tenant_id if parent is not None else None, **fields)

    @property
    def is_division(self) -> bool:
        return self.kind in DIVISION_KINDS

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]

    def is_within(self, other: Org | None) -> bool:
        return other is not None and self.path.startswith(other.path)


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"
    SUPERVISOR = "supervisor", "督查人员"
    LEADER = "leader", "包保市领导"
    DEPARTMENT = "department", "部门用户"
    DISTRICT = "district", "区（市）用户"
    SPECIALIST = "specialist", "项目专员"
    OWNER = "owner", "项目单位"
    DEPUTY = "deputy", "人大代表"
    MEMBER = "member", "政协委员"


ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Accounts whose creation, role change or reset needs a second administrator (two-person rule).
PRIVILEGED_ROLES = frozenset({*ADMIN_ROLES, Role.SUPERVISOR})
# People's congress deputies and political consultative members: they see the public figures, the
# projects they are attached to (liangping.deputies) and their own visits and proposals, nothing else.
REPRESENTATIVE_ROLES = frozenset({Role.DEPUTY, Role.MEMBER})


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp devices: related managers from an abstract base
    """One account, one role: 三权分立 holds because no account can hold two roles."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.OWNER)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    def about(self, object_type: str, object_id: object) -> AuditLogQuerySet:
        """An object's history: the entries about it, and the entries of many objects (an import)
        whose detail carries its changes."""
        carried = AuditSubject.objects.filter(object_type=object_type, object_id=str(object_id))
        return self.filter(
            models.Q(object_type=object_type, object_id=str(object_id))
            | models.Q(pk__in=carried.values("entry_id"))
        )

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Append many entries, chained in list order under the chain lock (see core.auditchain)."""
        objs = list(objs)
        with transaction.atomic(using=self.db):
            auditchain.lock(self.db)
            auditchain.seal(self.model, objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)


class AuditLog(models.Model):
    """Append-only record of who changed what, when and why, chained by digests (core.auditchain)."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, db_index=True, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    changes = SealedJSONField("变更（旧值 → 新值）", default=dict, blank=True)
    reason = models.TextField("原因", blank=True)
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    # The city whose auditor reads the entry (core.audit.entry_tenant); None: the province's and the
    # installation's own. An index for reading, kept out of the digest (core.auditchain).
    tenant = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
        editable=False,
        verbose_name="所属城市",
    )
    prev_hash = models.CharField("前一条摘要", max_length=128, blank=True, default="", editable=False)
    hash = models.CharField("摘要", max_length=128, blank=True, default="", editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            auditchain.lock(using)
            auditchain.seal(type(self), [self], using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除")


class AuditSubject(models.Model):
    """An object whose changes one audit entry of many objects carries in its detail (an import writes
    one entry for the whole file): lets that object's history find the entry through an index. Written
    in the transaction of its entry, and derived from it: the entry itself is what the chain seals."""

    entry = models.ForeignKey(AuditLog, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["object_type", "object_id"], name="core_auditsubj_object")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} → {self.entry_id}"


def _per_tenant(field: str, name: str) -> list[models.BaseConstraint]:
    """`field` unique within each city (a tenant) and among the province's own rows (no tenant)."""
    return [
        models.UniqueConstraint(
            fields=["tenant", field], condition=models.Q(tenant__isnull=False), name=f"{name}_tenant_unique"
        ),
        models.UniqueConstraint(
            fields=[field], condition=models.Q(tenant__isnull=True), name=f"{name}_unique"
        ),
    ]


class Setting(models.Model):
    """An administrator-configurable default (DOMAIN: every rule marked default). A row without a tenant
    is the installation's (the province's) value; a city's row overrides it for that city (core.config)."""

    key = models.CharField(max_length=60)
    value = models.JSONField()
    tenant = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints: ClassVar = _per_tenant("key", "setting_key")
        verbose_name = "参数设置"
        verbose_name_plural = "参数设置"

    def __str__(self) -> str:
        return self.key


class CalendarDay(models.Model):
    """An override of the holiday calendar: a holiday, or a weekend made a working day (调休). Without a
    tenant it holds for the whole installation; a city's own overrides it there (core.workdays)."""

    date = models.DateField("日期")
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=60, blank=True)
    tenant = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市"
    )

    class Meta:
        ordering: ClassVar = ["date", "id"]
        constraints: ClassVar = _per_tenant("date", "calendar_day_date")
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"


class CalendarYear(models.Model):
    """A year whose holidays an administrator has entered (beyond the bundled data)."""

    year = models.PositiveIntegerField("年份")
    note = models.CharField("说明", max_length=100, blank=True)
    tenant = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市"
    )

    class Meta:
        ordering: ClassVar = ["year", "id"]
        constraints: ClassVar = _per_tenant("year", "calendar_year")

    def __str__(self) -> str:
        return str(self.year)


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"


class PeriodStatus(models.TextChoices):
    OPEN = "open", "进行中"
    LOCKED = "locked", "已锁定"
    PUBLISHED = "published", "已发布"


class PeriodQuerySet(models.QuerySet["Period"]):
    def for_tenant(self, tenant: int | None) -> PeriodQuerySet:
        """The periods of one city (a tenant), or the province's own (None)."""
        return self.filter(tenant__isnull=True) if tenant is None else self.filter(tenant_id=tenant)


class Period(models.Model):
    """考核期. Locking freezes grades and ranks in a snapshot; publishing shows it on the screen.

    Each city has its own periods (`tenant`, its city); a null tenant is the province's own. A city
    locks and publishes its periods alone (core.tenancy, decision 0007)."""

    code = models.CharField("考核期", max_length=10)
    tenant = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市"
    )
    kind = models.CharField("类型", max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("截至月份")
    status = models.CharField("状态", max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-year", "-month", "kind"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "year", "month"],
                condition=models.Q(tenant__isnull=False),
                name="period_tenant_kind_year_month",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "month"],
                condition=models.Q(tenant__isnull=True),
                name="period_province_kind_year_month",
            ),
            models.UniqueConstraint(
                fields=["tenant", "code"], condition=models.Q(tenant__isnull=False), name="period_tenant_code"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(tenant__isnull=True), name="period_province_code"
            ),
        ]
        verbose_name = "考核期"
        verbose_name_plural = "考核期"

    def __str__(self) -> str:
        return self.label

    @classmethod
    def build(cls, kind: str, year: int, month: int, tenant: int | None = None) -> Period:
        return cls(code=period_code(kind, year, month), kind=kind, year=year, month=month, tenant_id=tenant)

    @property
    def label(self) -> str:
        return period_label(self.kind, self.year, self.month)

    @property
    def start(self) -> dt.date:
        return period_bounds(self.kind, self.year, self.month)[0]

    @property
    def end(self) -> dt.date:
        return period_bounds(self.kind, self.year, self.month)[1]


class ChangeKind(models.TextChoices):
    CREATE = "create", "新建账号"
    UPDATE = "update", "修改账号"
    PASSWORD_RESET = "password_reset", "重置密码"
    OTP_RESET = "otp_reset", "重置双因素登录"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "待批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"


class AccountChange(models.Model):
    """A change to a privileged account waiting for a second administrator (core.approvals).
    Nothing happens to the account until another administrator approves it."""

    kind = models.CharField("类型", max_length=20, choices=ChangeKind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING, db_index=True
    )
    target = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="账号"
    )
    target_name = models.CharField("用户名", max_length=150)
    roles = models.CharField("涉及角色", max_length=60)  # "old,new" or one role
    # what to do once approved: field values, org id, a password *hash* (never a password)
    payload = models.JSONField(default=dict, blank=True)
    target_version = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="审批人"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    note = models.TextField("审批意见", blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at", "-id"]
        verbose_name = "特权账号变更申请"
        verbose_name_plural = "特权账号变更申请"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.target_name}"

    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    def role_labels(self) -> str:
        return " → ".join(Role(r).label for r in self.role_list())


class TokenScope(models.TextChoices):
    READ = "read", "只读"
    WRITE = "write", "读写"


class ApiToken(models.Model):
    """A personal token for the JSON API. Only its SHA-256 is stored; the token is shown once.
    A read-only token is refused every unsafe method; an expired or revoked one is refused outright."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户")
    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)
    scope = models.CharField("权限", max_length=10, choices=TokenScope.choices, default=TokenScope.WRITE)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.name}"
