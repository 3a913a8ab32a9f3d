"""Forms: the queue filters, a review decision and the dashboards' period pickers."""

from __future__ import annotations

from datetime import date

from django import forms

from crawler.models import Site

from . import labels
from .findings import QueueFilters

STATUS_FILTER = [
    ("open", "待处理（待审核、未整改）"),
    *[(k, v) for k, v in labels.STATUS_LABELS.items()],
    ("all", "全部"),
]
SORT_CHOICES = [
    ("", "默认（严重程度、最新）"),
    ("-severity", "严重程度 高→低"),
    ("severity", "严重程度 低→高"),
    ("-found", "发现时间 新→旧"),
    ("found", "发现时间 旧→新"),
    ("site", "站点"),
    ("url", "地址"),
    ("status", "状态"),
    ("confirmed", "确认时间 旧→新（未整改最久在前）"),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "网址、标题或命中文字"}),
    )
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_FILTER)
    severity = forms.ChoiceField(
        label="严重程度", required=False, choices=[("", "全部"), *labels.SEVERITY_LABELS.items()]
    )
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部"), *labels.KIND_LABELS.items()]
    )
    site = forms.ChoiceField(label="站点", required=False)
    flagged = forms.BooleanField(label="仅达到阈值", required=False)
    date_from = forms.DateField(
        label="发现自", required=False, input_formats=["%Y-%m-%d"], widget=DATE_WIDGET
    )
    date_to = forms.DateField(label="至", required=False, input_formats=["%Y-%m-%d"], widget=DATE_WIDGET)
    sort = forms.ChoiceField(label="排序", required=False, choices=SORT_CHOICES)

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
            q=data["q"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            sort=data["sort"],
        )


ALLOW_CHOICES = [
    ("", "不加入白名单"),
    ("phrase", "上下文短语：含此短语处的命中今后不再标记（任何网址）"),
    ("url", "本网址：此页面或附件今后不再标记"),
    ("rule", "本网址上的此规则：此页面或附件上该规则的命中不再标记"),
]


class ReviewForm(forms.Form):
    """A decision on one finding; 排除 needs a note and may add an allowlist entry."""

    decision = forms.ChoiceField(label="处理结果", choices=labels.DECISIONS)
    note = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    allow = forms.ChoiceField(label="排除时加入白名单", required=False, choices=ALLOW_CHOICES)
    allow_hit = forms.TypedChoiceField(label="依据的命中", required=False, coerce=int, empty_value=0)
    allow_phrase = forms.CharField(
        label="短语（须包含命中文字，且出现在其上下文中；留空取命中的上下文）",
        required=False,
        max_length=500,
    )
    next = forms.BooleanField(label="处理后转到队列中的下一条", required=False)
    back = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)  # the queue's view

    def __init__(self, *args, hits: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hits = list(hits or [])
        self.fields["allow_hit"].choices = [
            (i, f"{labels.kind(str(h.get('kind') or ''))}：{h.get('text') or ''}（{h.get('rule') or '-'}）")
            for i, h in enumerate(self.hits)
        ] or [(0, "-")]

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()

    def clean(self):
        data = super().clean()
        decision, allow = data.get("decision"), data.get("allow")
        if decision == "dismissed" and not data.get("note"):
            self.add_error("note", "排除（误报）须填写备注，说明理由。")
        if allow and decision != "dismissed":
            self.add_error("allow", "只有排除（误报）时才能加入白名单。")
        if allow and self.hits:
            index = data.get("allow_hit") or 0
            if not 0 <= index < len(self.hits):
                self.add_error("allow_hit", "请选择一条命中。")
                return data
            hit = self.hits[index]
            text, context = str(hit.get("text") or ""), str(hit.get("context") or "")
            if allow == "phrase":
                phrase = (data.get("allow_phrase") or "").strip() or context
                if not text or text not in phrase or phrase not in context:
                    self.add_error("allow_phrase", "短语须包含命中文字，并且是该命中上下文的一部分。")
                data["allow_phrase"] = phrase
            data["allow_hit_data"] = hit
        return data


class BulkReviewForm(forms.Form):
    """One decision for a selection of findings (the queue's checkboxes)."""

    ids = forms.TypedMultipleChoiceField(label="所选发现", coerce=int, choices=[])
    decision = forms.ChoiceField(label="处理结果", choices=labels.DECISIONS)
    note = forms.CharField(label="备注", required=False, max_length=2000)
    back = forms.CharField(required=False, max_length=2000)  # the queue's query string

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        data["note"] = (data.get("note") or "").strip()
        if data.get("decision") == "dismissed" and not data["note"]:
            self.add_error("note", "排除（误报）须填写备注，说明理由。")
        return data


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
