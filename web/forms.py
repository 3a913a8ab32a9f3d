"""Forms: the queue filters, a review decision and the dashboards' period pickers."""

from __future__ import annotations

from datetime import date

from django import forms

from crawler.models import Site

from . import labels
from .findings import QueueFilters


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("open", "待审核"), *labels.DECISIONS, ("all", "全部")]
    )
    severity = forms.ChoiceField(
        label="严重程度", required=False, choices=[("", "全部"), *labels.SEVERITY_LABELS.items()]
    )
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部"), *labels.KIND_LABELS.items()]
    )
    site = forms.ChoiceField(label="站点", required=False)
    flagged = forms.BooleanField(label="仅达到阈值", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "全部")] + [
            (s.site_id, s.name) for s in Site.objects.order_by("tier", "name").only("site_id", "name")
        ]

    def filters(self) -> QueueFilters:
        """The chosen filters; anything invalid falls back to the default (open findings)."""
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            status=data["status"] or "open",
            severity=data["severity"],
            kind=data["kind"],
            site=data["site"],
            flagged=data["flagged"],
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="处理结果", choices=labels.DECISIONS)
    note = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def year_or(self, default: int) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="截至日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def as_of_or(self, default: date) -> date:
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or default
