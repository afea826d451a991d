"""The case engine's records: kinds (configuration, versioned), their categories and time limits,
cases and their steps. What a kind allows lives in its spec (liangping/kinds/spec.py), not here."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from liangping.cases.scope import case_scope_q
from liangping.core.models import Org
from liangping.core.scope import AnyUser
from liangping.kinds.spec import KindSpec


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    VERIFIED = "verified", "已核实"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = [
    CaseStatus.REGISTERED,
    CaseStatus.ASSIGNED,
    CaseStatus.HANDLING,
    CaseStatus.REPLIED,
    CaseStatus.VERIFIED,
]
AWAITING_REPLY = [CaseStatus.ASSIGNED, CaseStatus.HANDLING]


class KindCode(models.TextChoices):
    """The kinds that ship with the code (a kind is data: more may be loaded)."""

    PROJECT_PROBLEM = "project_problem", "项目问题"
    APPEAL = "appeal", "群众诉求"


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Rating(models.TextChoices):
    """Satisfaction on the five levels of GB/T 39734."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    VERY_UNSATISFIED = "very_unsatisfied", "非常不满意"


class TimeUnit(models.TextChoices):
    WORKDAYS = "workdays", "工作日"
    HOURS = "hours", "小时"
    DAYS = "days", "自然日"
    MONTHS = "months", "月"


_SPECS: dict[str, KindSpec] = {}  # digest → parsed spec: content-addressed, so never stale


def spec_for_digest(digest: str, data: dict[str, Any] | None = None) -> KindSpec:
    """The parsed spec with this digest (parsed once per process; one query the first time)."""
    spec = _SPECS.get(digest)
    if spec is None:
        if data is None:
            data = CaseKindVersion.objects.filter(digest=digest).values_list("spec", flat=True).first()
            if data is None:
                raise LookupError(f"事项类型配置 {digest[:12]} 不存在")
        spec = _SPECS[digest] = KindSpec.from_json(data)
    return spec


class CaseKind(models.Model):
    """A kind of case: its current configuration (the checked spec of its TOML file)."""

    code = models.CharField("类型代码", max_length=40, unique=True)
    name = models.CharField("类型名称", max_length=50)
    version = models.PositiveIntegerField("配置版本", default=1)
    spec = models.JSONField("配置", default=dict)
    active = models.BooleanField("启用", default=True)
    current = models.ForeignKey(
        "CaseKindVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = "事项类型"
        verbose_name_plural = "事项类型"

    def __str__(self) -> str:
        return self.name

    def load(self) -> KindSpec:
        assert self.current is not None
        return self.current.load()


class CaseKindVersion(models.Model):
    """Every version of a kind's configuration, kept: a case keeps the one it was registered under."""

    kind = models.ForeignKey(CaseKind, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField("配置版本")
    digest = models.CharField(max_length=64)
    spec = models.JSONField("配置")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["kind", "version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "version"], name="cases_kindversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_id} v{self.version}"

    def load(self) -> KindSpec:
        """The spec as objects, parsed once per process for each distinct content."""
        return spec_for_digest(self.digest, self.spec)


class CaseCategory(models.Model):
    """A node of a kind's category tree (editable by the system administrator; importable)."""

    kind = models.ForeignKey(CaseKind, on_delete=models.PROTECT, related_name="categories")
    code = models.CharField("分类代码", max_length=40)
    name = models.CharField("分类名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级分类",
    )
    path = models.CharField(max_length=400, blank=True, db_index=True)
    sort = models.PositiveIntegerField(default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering: ClassVar = ["kind", "path", "sort", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "code"], name="cases_category_kind_code"),
        ]
        verbose_name = "事项分类"
        verbose_name_plural = "事项分类"

    def __str__(self) -> str:
        return self.name


class CaseTimeLimit(models.Model):
    """How long a unit has to respond to and to finish a case of a kind, a category and an urgency.

    A case copies the deadlines computed from these when its clock starts, so an edit counts for
    new cases only."""

    kind = models.ForeignKey(CaseKind, on_delete=models.PROTECT, related_name="limits")
    category = models.ForeignKey(
        CaseCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="limits",
        verbose_name="分类",
    )
    urgency = models.CharField("紧急程度", max_length=40, blank=True)
    respond_amount = models.PositiveIntegerField("响应时限", null=True, blank=True)
    respond_unit = models.CharField(max_length=10, choices=TimeUnit.choices, default=TimeUnit.WORKDAYS)
    finish_amount = models.PositiveIntegerField("办结时限", null=True, blank=True)
    finish_unit = models.CharField(max_length=10, choices=TimeUnit.choices, default=TimeUnit.WORKDAYS)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["kind", "category", "urgency", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "category", "urgency"], name="cases_timelimit_unique"),
        ]
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"

    def __str__(self) -> str:
        return f"{self.kind_id} {self.category_id or '*'} {self.urgency or '*'}"


class CaseQuerySet(models.QuerySet["Case"]):
    _kind_specs: dict[str, KindSpec] | None = None

    def _clone(self) -> CaseQuerySet:  # type: ignore[override]
        clone = super()._clone()  # type: ignore[misc]
        clone._kind_specs = self._kind_specs
        return clone  # type: ignore[no-any-return]

    def _specs(self) -> dict[str, KindSpec]:
        if self._kind_specs is None:
            self._kind_specs = kind_specs()
        return self._kind_specs

    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        """The cases the user may see, by each kind's scope. The kinds are read once per user object
        (a request) and travel with the queryset to open() and overdue()."""
        specs = getattr(user, "_case_kind_specs", None)
        if specs is None:
            specs = kind_specs()
            try:
                user._case_kind_specs = specs  # type: ignore[union-attr]
            except AttributeError:  # pragma: no cover - a user object that takes no attributes
                pass
        q = case_scope_q(user, specs)
        qs = self if q is None else self.filter(pk__in=Case.objects.filter(q).values("pk"))
        qs._kind_specs = specs
        return qs

    def of_kind(self, code: str) -> CaseQuerySet:
        return self.filter(kind=code)

    def overdue(self, now: dt.date | dt.datetime | None = None) -> CaseQuerySet:
        """Cases whose finish clock runs past their deadline (by the state each kind says runs it).

        A limit in working days counts by the deadline day (overdue the day after it); one in hours by
        the minute. Given a day, a case is overdue on it when its deadline day is before it."""
        moment = _moment(now)
        running = Q(pk__in=[])
        for code, spec in self._specs().items():
            running |= Q(kind=code, status__in=spec.clock_states("run"))
        return self.filter(running).filter(
            Q(finish_unit="hours", due_at__lt=moment)
            | (~Q(finish_unit="hours") & Q(deadline__lt=timezone.localdate(moment)))
        )

    def response_overdue(self, now: dt.datetime | None = None) -> CaseQuerySet:
        """Open cases not yet accepted (签收) past their response deadline."""
        return self.open().filter(
            responded_at__isnull=True, respond_by__isnull=False, respond_by__lt=_moment(now)
        )

    def open(self) -> CaseQuerySet:
        """Cases in a state their kind calls open (not closed)."""
        q = Q(pk__in=[])
        for code, spec in self._specs().items():
            q |= Q(kind=code, status__in=spec.open_states())
        return self.filter(q)

    def for_subject(self, obj: models.Model) -> CaseQuerySet:
        return self.filter(subject_ct=ContentType.objects.get_for_model(obj), subject_id=obj.pk)


class CaseManager(models.Manager["Case"]):
    """Every case read from the database carries the digest of its kind's spec (the version it was
    registered under, or the kind's current one for rows written without the engine), so labels and
    rules resolve without a query per row."""

    def get_queryset(self) -> CaseQuerySet:
        version = CaseKindVersion.objects.filter(pk=OuterRef("kind_version_id")).values("digest")[:1]
        current = CaseKind.objects.filter(code=OuterRef("kind")).values("current__digest")[:1]
        return CaseQuerySet(self.model, using=self._db).annotate(
            spec_digest=Coalesce(Subquery(version), Subquery(current))
        )


def _moment(now: dt.date | dt.datetime | None) -> dt.datetime:
    """A point in time: now, the given time, or the start of the given (local) day."""
    if now is None:
        return timezone.now()
    if isinstance(now, dt.datetime):
        return now
    return timezone.make_aware(dt.datetime.combine(now, dt.time.min))


def kind_specs() -> dict[str, KindSpec]:
    """Each kind's current spec (one query; the parsed specs are cached by content)."""
    return {k.code: k.load() for k in CaseKind.objects.select_related("current") if k.current_id is not None}


class Case(models.Model):
    kind = models.CharField("类型", max_length=40, default=KindCode.PROJECT_PROBLEM, db_index=True)
    kind_version = models.ForeignKey(
        CaseKindVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("问题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    subject_ct = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_ct", "subject_id")
    source = models.CharField("来源", max_length=30, blank=True)
    source_ref = models.CharField("来源记录", max_length=60, blank=True)
    status = models.CharField("状态", max_length=30, default="registered")
    category = models.ForeignKey(
        CaseCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="分类",
    )
    urgency = models.CharField("紧急程度", max_length=40, blank=True)
    channel = models.CharField("渠道", max_length=40, blank=True)
    data = models.JSONField("事项信息", default=dict, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, db_index=True)
    place_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="发生地"
    )
    receipt_no = models.CharField("受理编号", max_length=20, null=True, blank=True, unique=True, default=None)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        verbose_name="牵头单位",
    )
    co_orgs = models.ManyToManyField(Org, blank=True, related_name="co_cases", verbose_name="协办单位")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    clock_started_at = models.DateTimeField("计时起点", null=True, blank=True)
    respond_by = models.DateTimeField("响应期限", null=True, blank=True)
    responded_at = models.DateTimeField("签收时间", null=True, blank=True)
    due_at = models.DateTimeField("办结期限", null=True, blank=True)
    deadline = models.DateField("答复期限", null=True, blank=True)  # the local day of due_at
    deadline_note = models.CharField(max_length=200, blank=True)
    finish_unit = models.CharField(max_length=10, blank=True)  # how the finish limit counts
    paused_at = models.DateTimeField("暂停计时", null=True, blank=True)
    extension_days = models.PositiveIntegerField("申请延期（工作日）", null=True, blank=True)
    extended_days = models.PositiveIntegerField("已延期（工作日）", default=0)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    return_count = models.PositiveIntegerField("退回次数", default=0)
    reopen_count = models.PositiveIntegerField("重办次数", default=0)
    version = models.PositiveIntegerField(default=1)

    objects = CaseManager.from_queryset(CaseQuerySet)()

    class Meta:
        ordering: ClassVar = ["-registered_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["subject_ct", "subject_id"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["kind", "registered_at"]),
        ]
        verbose_name = "问题"
        verbose_name_plural = "问题"

    def __str__(self) -> str:
        return self.title

    @property
    def spec(self) -> KindSpec:
        """The configuration this case runs under: the version it was registered with."""
        cached = self.__dict__.get("_spec")
        if cached is None:
            digest = self.__dict__.get("spec_digest")
            if digest:
                cached = spec_for_digest(digest)
            elif self.kind_version_id is not None:
                cached = self.kind_version.load()  # type: ignore[union-attr]
            else:  # written without the engine (bulk loads): the kind's current version
                kind = CaseKind.objects.select_related("current").get(code=self.kind)
                cached = kind.load()
            self.__dict__["_spec"] = cached
        return cached

    @property
    def spec_version(self) -> int:
        return self.spec.version

    def get_status_display(self) -> str:
        return self.spec.state_label(self.status)

    def get_kind_display(self) -> str:
        return self.spec.name

    def is_overdue(self, now: dt.date | dt.datetime | None = None) -> bool:
        """Past the finish deadline while the clock runs (given a day: the deadline day is before it)."""
        if self.status not in self.spec.clock_states("run"):
            return False
        moment = _moment(now)
        if self.finish_unit == "hours" and self.due_at is not None:
            return self.due_at < moment
        return self.deadline is not None and self.deadline < timezone.localdate(moment)

    def response_overdue(self, now: dt.datetime | None = None) -> bool:
        """Not accepted within the response limit (or accepted late)."""
        if self.respond_by is None:
            return False
        if self.responded_at is not None:
            return self.responded_at > self.respond_by
        return self.status in self.spec.open_states() and self.respond_by < _moment(now)


class CaseStep(models.Model):
    """One step of a case: who did what, when, with which note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField("说明", blank=True)
    # The project unit's verdict on a reply (a "feedback" step): satisfied or not.
    verdict = models.CharField("评价", max_length=20, choices=Verdict.choices, blank=True)
    # The requester's satisfaction at a call back (回访), GB/T 39734.
    rating = models.CharField("满意度", max_length=20, choices=Rating.choices, blank=True)
    lead_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="办理单位"
    )
    days = models.PositiveIntegerField("天数", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseAttachment(models.Model):
    """A document sent with a step (a reply's 答复附件), served only to those who see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name
