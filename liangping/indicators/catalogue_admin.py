"""Editing the indicator catalogue: synonyms, unit and direction are defaults an administrator may change."""

from __future__ import annotations

from django import forms
from django.db import transaction

from liangping.core.audit import diff, record, snapshot
from liangping.core.forms import PlainTextMixin
from liangping.core.models import User
from liangping.indicators.models import Indicator

FIELDS = ["name", "synonyms", "unit", "direction", "rank_by", "cumulative", "sort"]


class IndicatorForm(PlainTextMixin, forms.ModelForm):
    reason = forms.CharField(label="修改原因", max_length=200)

    class Meta:
        model = Indicator
        fields = FIELDS

    def clean_synonyms(self) -> str:
        names = [s.strip() for s in self.cleaned_data["synonyms"].replace("，", ",").split(",") if s.strip()]
        others = Indicator.objects.exclude(pk=self.instance.pk)
        taken = {n for i in others for n in (i.name, *i.synonym_list())}
        clash = [n for n in names if n in taken]
        if clash:
            raise forms.ValidationError(f"同义名称“{clash[0]}”已属于其他指标，导入时会无法区分，请删除")
        return ",".join(names)


@transaction.atomic
def save_indicator(actor: User, form: IndicatorForm) -> Indicator:
    before = snapshot(Indicator.objects.get(pk=form.instance.pk), FIELDS) if form.instance.pk else {}
    indicator = form.save()
    record(
        actor,
        "indicator.update" if before else "indicator.create",
        indicator,
        changes=diff(before, snapshot(indicator, FIELDS)),
        reason=form.cleaned_data["reason"],
    )
    return indicator
