"""Forms of the case pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from liangping.cases.models import CaseCategory, CaseStatus, KindCode, Verdict
from liangping.cases.queries import LEAD_KINDS, lead_units
from liangping.core.forms import Form
from liangping.core.models import ADMIN_ROLES, Org, User
from liangping.kinds.spec import FieldSpec, KindSpec, Transition


class OrgSelectMultiple(forms.SelectMultiple):
    """A multi-select of units whose options carry the units' short names (市工信局 for
    市工业和信息化局), so the chip picker finds a unit by either."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        org: Org | None = getattr(option["value"], "instance", None)
        if org is not None and org.aliases:
            option["attrs"]["data-aliases"] = org.aliases
        return option


def category_choices(spec: KindSpec) -> list[tuple[str, str]]:
    """The kind's active categories as stored (the administrator may have added some), a child after
    its parent and indented under it. One query."""
    rows = CaseCategory.objects.filter(kind__code=spec.code, active=True).order_by("path", "sort")
    return [(c.code, "　" * (c.path.count("/") - 2) + c.name) for c in rows]


class CaseFilterForm(Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("open", "未销号"), *CaseStatus.choices]
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    lead_org = forms.ModelChoiceField(
        queryset=Org.objects.none(), label="牵头单位", required=False, empty_label="全部"
    )
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *KindCode.choices])

    def __init__(
        self,
        *args: Any,
        spec: KindSpec | None = None,
        kinds: dict[str, KindSpec] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_org"].queryset = lead_units(spec.unit_kinds if spec else LEAD_KINDS)  # type: ignore[attr-defined]
        if kinds:
            self.fields["kind"].choices = [("", "全部"), *((c, s.name) for c, s in kinds.items())]  # type: ignore[attr-defined]
        if spec is None:
            return
        done = "未办结" if not spec.subject else "未销号"
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", "全部"),
            ("open", done),
            *((s.code, s.label) for s in spec.states),
        ]  # type: ignore[attr-defined]
        if spec.categories:
            self.fields["category"] = forms.ChoiceField(
                label="分类",
                required=False,
                choices=[("", "全部"), *((c.code, c.label) for c in spec.categories)],
            )
        if spec.urgencies:
            self.fields["urgency"] = forms.ChoiceField(
                label=spec.urgency_name, required=False, choices=[("", "全部"), *spec.urgencies]
            )
        if spec.channels:
            self.fields["channel"] = forms.ChoiceField(
                label="渠道", required=False, choices=[("", "全部"), *spec.channels]
            )
        self.fields["response_overdue"] = forms.BooleanField(label="只看响应超时", required=False)
        self.fields["q"] = forms.CharField(label="标题", required=False, max_length=50)


class RegisterForm(Form):
    project_code = forms.CharField(label="项目编号", max_length=50)
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="问题描述", widget=forms.Textarea, required=False)

    def __init__(self, *args: object, fixed_project: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if fixed_project:
            del self.fields["project_code"]
        self.fields["title"].error_messages["required"] = "请填写问题内容"


class AssignForm(Form):
    lead_org = forms.ModelChoiceField(queryset=Org.objects.none(), label="牵头单位", empty_label="请选择")
    co_orgs = forms.ModelMultipleChoiceField(
        queryset=Org.objects.none(),
        label="协办单位（可多选）",
        required=False,
        # A plain multi-select; cases/chips.js turns it into a searchable chip picker.
        widget=OrgSelectMultiple(attrs={"size": 6, "data-chips": "输入单位名称或简称搜索协办单位"}),
    )
    note = forms.CharField(label="交办意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        units = lead_units()
        self.fields["lead_org"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_orgs"].queryset = units  # type: ignore[attr-defined]
        self.fields["lead_org"].error_messages["required"] = "请选择牵头单位"


class ActionForm(Form):
    """handle, reply, verify, close, return: a note (required for reply and return by the engine)."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FeedbackForm(Form):
    """The project unit's verdict on a reply."""

    verdict = forms.ChoiceField(label="对答复是否满意", choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="评价意见",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "不满意时请写明原因"}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["verdict"].error_messages["required"] = "请选择满意或不满意"


class ActForm(Form):
    """Any action of any kind: the fields its transition needs (units, rating, days) and the note."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, spec: KindSpec, transition: Transition, lead: Org | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        t = transition
        parts = [p for p in (spec.transition(a) for a in t.combines) if p is not None] if t.combines else [t]
        wanted = {n for p in parts for n in (*p.needs, *p.optional)}
        self.fields["note"].label = t.reason_label
        if t.reason_hint:
            self.fields["note"].widget.attrs["placeholder"] = t.reason_hint
        units = lead_units(spec.unit_kinds)
        if "lead_org" in wanted:
            parent_id = lead.parent_id if lead is not None else None
            leads = units
            if t.lead_org == "parent":  # only the current lead unit's parent is offered
                leads = Org.objects.filter(pk=parent_id) if parent_id else Org.objects.none()
            self.fields["lead_org"] = forms.ModelChoiceField(
                queryset=leads,
                label="牵头单位",
                empty_label="请选择",
                error_messages={"required": "请选择牵头单位"},
            )
        if "co_orgs" in wanted:
            self.fields["co_orgs"] = forms.ModelMultipleChoiceField(
                queryset=units,
                label="协办单位（可多选）",
                required=False,
                widget=OrgSelectMultiple(attrs={"size": 6, "data-chips": "输入单位名称或简称搜索协办单位"}),
            )
        if t.judgement:
            scale = t.choices
            self.fields[t.judgement] = forms.ChoiceField(
                label="满意度" if t.judgement == "rating" else "对答复是否满意",
                choices=scale,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "请选择满意度" if t.judgement == "rating" else "请选择满意或不满意"
                },
            )
        if "days" in wanted:
            self.fields["days"] = forms.IntegerField(
                label="延期天数（工作日）",
                min_value=1,
                max_value=365,
                error_messages={"required": "请填写天数（正整数，按工作日计）", "min_value": "天数至少为 1"},
            )
        self.kind_codes = [code for code in t.fields if spec.field(code) is not None]
        for code in self.kind_codes:
            f = spec.field(code)
            assert f is not None
            field = _kind_field(f)
            field.required = True
            field.error_messages["required"] = f"{t.label}须填写{f.label}"
            self.fields[f"f_{code}"] = field
        if t.dated:
            self.fields["date"] = forms.DateField(
                label=t.date_label,
                widget=forms.DateInput(attrs={"type": "date"}),
                error_messages={
                    "required": f"请填写{t.date_label}",
                    "invalid": f"{t.date_label}格式如 2026-12-06",
                },
            )
        steps = [f"f_{c}" for c in self.kind_codes]
        order = ["lead_org", "co_orgs", "rating", "verdict", "days", "date", *steps, "note", "version"]
        self.order_fields(order)

    def kind_data(self) -> dict[str, Any]:
        """The kind fields this step asks for, as the engine takes them."""
        out = {}
        for code in self.kind_codes:
            value = self.cleaned_data.get(f"f_{code}")
            out[code] = value.pk if isinstance(value, models.Model) else value
        return out

    def step_fields(self) -> list[Any]:
        """The bound fields of the step's date and kind fields, in order (rendered by the case page)."""
        names = (["date"] if "date" in self.fields else []) + [f"f_{c}" for c in self.kind_codes]
        return [self[name] for name in names]


class KindRegisterForm(Form):
    """Registration generated from a kind: title, description, category, urgency, channel, place and
    the kind's own fields (named f_<code>); the engine checks the values and names a bad field."""

    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "请填写标题"})
    description = forms.CharField(label="详细描述", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, spec: KindSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.fields["title"].label = f"{spec.noun}标题"
        cats = category_choices(spec)
        if cats:
            self.fields["category"] = forms.ChoiceField(
                label="分类", choices=[("", "请选择"), *cats], error_messages={"required": "请选择分类"}
            )
        if spec.urgencies:
            self.fields["urgency"] = forms.ChoiceField(
                label=spec.urgency_name,
                choices=[("", "请选择"), *spec.urgencies],
                error_messages={"required": f"请选择{spec.urgency_name}"},
            )
        if spec.channels:
            self.fields["channel"] = forms.ChoiceField(
                label="渠道", choices=list(spec.channels), required=False
            )
        self.fields["place_org"] = forms.ModelChoiceField(
            queryset=Org.objects.order_by("path"), label="发生地", required=False, empty_label="（不填）"
        )
        for f in spec.fields:
            self.fields[f"f_{f.code}"] = _kind_field(f)

    def field_name(self, code: str) -> str | None:
        name = f"f_{code}" if self.spec.field(code) is not None else code
        return name if name in self.fields else None

    def kind_data(self) -> dict[str, Any]:
        out = {}
        for f in self.spec.fields:
            value = self.cleaned_data.get(f"f_{f.code}")
            if isinstance(value, models.Model):
                value = value.pk
            if value not in (None, "", False) or f.type == "bool":
                out[f.code] = value
        return out


def _kind_field(f: FieldSpec) -> forms.Field:
    common: dict[str, Any] = {"label": f.label, "required": False, "help_text": f.help}
    if f.type == "longtext":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if f.type == "choice":
        return forms.ChoiceField(choices=[("", "请选择"), *f.values], **common)
    if f.type == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if f.type == "bool":
        return forms.BooleanField(**common)
    if f.type == "person":
        people = User.objects.filter(is_active=True).exclude(role__in=ADMIN_ROLES).order_by("username")
        return forms.ModelChoiceField(queryset=people, empty_label="请选择", **common)
    if f.type == "org":
        return forms.ModelChoiceField(queryset=Org.objects.order_by("path"), empty_label="请选择", **common)
    attrs = {"inputmode": "tel"} if f.type in ("phone", "number") else {}
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
