"""The inspection dashboard (``/reports/inspection/``, supervisors and 信息中心).

The figures are ``reports.inspection.evaluate`` as ``patrol report inspection`` gives them; this
module only shapes them for one page a supervisor can work with: one summary row per site
(vetoes first, or sorted by a column), the findings filtered by site, level and kind and cut
into pages (Django's Paginator), each filter's choices with their counts, and every site's
identity marks (what its latest patrol found, what is missing). Every text is plain data for
the template, which escapes it (crawled text is never marked safe).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django import forms
from django.core.paginator import Paginator

from config.patrolconf import PatrolConf
from reports import labels
from reports import render_inspection as ri

from .charts import bars
from .dashboards import rules_for
from .links import href

PAGE_SIZE = 50
LEVELS = ("veto", "deduct", "warning")
SORTS = {  # the site summary's orders (``?sort=``); "" is the default
    "": "单项否决在前",
    "deduct": "扣分项多在前",
    "warning": "预警项多在前",
    "total": "问题多在前",
    "tier": "按层级",
}
STATE_LABELS = {"missing": "缺失", "unread": "已具备（原值未读到）", "unknown": "未巡查"}


class InspectionFilterForm(forms.Form):
    """The dashboard's GET form: the date judged as of, and the findings' filters."""

    as_of = forms.DateField(
        label="截至日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    site = forms.ChoiceField(label="单位", required=False)
    level = forms.ChoiceField(label="等级", required=False)
    kind = forms.ChoiceField(label="指标", required=False)
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()), widget=forms.HiddenInput)

    def __init__(self, *args, sites: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "全部单位"), *sites]
        self.fields["level"].choices = [("", "全部等级"), *ri.LEVEL_LABELS.items()]
        self.fields["kind"].choices = [("", "全部指标"), *ri.KIND_LABELS.items()]

    def value(self, name: str) -> str:
        """The field's valid value ('' when absent or invalid: that filter is off)."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")

    def as_of_or(self, default: date) -> date:
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get("as_of") or default

    def count_choices(self, name: str, counts: Counter, total: int) -> None:
        """Show each choice's number of findings (under the other filters) in its label."""
        field = self.fields[name]
        field.choices = [
            (key, f"{text}（{total if key == '' else counts.get(key, 0)}）") for key, text in field.choices
        ]


def data(as_of: date, conf: PatrolConf | None = None) -> dict:
    """The inspection report as the CLI gives it."""
    from reports.inspection import evaluate

    return evaluate(as_of, rules_for(conf), conf)


def active_sites() -> list:
    """The sites the report judges, in its order (tier, then id)."""
    from crawler.models import Site
    from reports.timeliness import TIERS

    order = {tier: i for i, tier in enumerate(TIERS)}
    return sorted(Site.objects.filter(active=True), key=lambda s: (order.get(s.tier, 9), s.site_id))


def summary_rows(report: dict, sort: str, selected: str) -> list[dict]:
    rows = []
    for i, s in enumerate(report["sites"]):
        levels = {lv: s.get("levels", {}).get(lv, 0) for lv in LEVELS}
        rows.append(
            {
                "id": s["id"],
                "name": s["name"],
                "tier_label": labels.tier(s.get("tier", "")),
                "veto": s["veto"],
                "reason_text": ri.reasons_text(s),
                "levels": levels,
                "total": sum(levels.values()),
                "selected": s["id"] == selected,
                "order": i,
            }
        )
    keys = {
        "tier": lambda r: r["order"],  # the report's order: tier, then id
        "deduct": lambda r: (-r["levels"]["deduct"], r["order"]),
        "warning": lambda r: (-r["levels"]["warning"], r["order"]),
        "total": lambda r: (-r["total"], r["order"]),
    }
    vetoes_first = lambda r: (  # noqa: E731 - the default
        not r["veto"],
        -r["levels"]["veto"],
        -r["levels"]["deduct"],
        -r["levels"]["warning"],
        r["order"],
    )
    return sorted(rows, key=keys.get(sort, vetoes_first))


def identity_rows(report: dict, found: dict[str, dict]) -> list[dict]:
    """One row per site: each mark's value as found, or why there is none."""
    from reports.inspection import IDENTITY_FIELDS

    out = []
    for s in report["sites"]:
        ident = found.get(s["id"]) or {"patrolled": False, "found": {}, "missing": [], "unread": []}
        cells = []
        for field in IDENTITY_FIELDS:
            if not ident["patrolled"]:
                state, value = "unknown", ""
            elif field in ident["found"]:
                state, value = "found", ident["found"][field]
            elif field in ident["missing"]:
                state, value = "missing", ""
            else:
                state, value = "unread", ""
            cells.append(
                {
                    "field": field,
                    "label": ri.IDENTITY_LABELS[field],
                    "state": state,
                    "value": value,
                    "text": STATE_LABELS.get(state, ""),
                }
            )
        out.append(
            {
                "id": s["id"],
                "name": s["name"],
                "patrolled": ident["patrolled"],
                "cells": cells,
                "missing": [ri.IDENTITY_LABELS[m] for m in ident["missing"] if m in ri.IDENTITY_LABELS],
                "patrol": ident.get("patrol"),
            }
        )
    return out


def finding_row(f: dict, names: dict[str, str]) -> dict:
    return {
        "site": names.get(f["site"], f["site"]),
        "level": f["level"],
        "level_label": ri.level(f["level"]),
        "kind": ri.kind(f["kind"]),
        "text": ri.describe(f),
        "url": f["url"],
        "href": href(f["url"]),
    }


def board(report: dict, form: InspectionFilterForm, page_number: str | None, identities: dict) -> dict:
    """Everything the template shows, for the filters the form holds."""
    site, level, kind, sort = (form.value(n) for n in ("site", "level", "kind", "sort"))
    findings = report["findings"]
    names = {s["id"]: s["name"] for s in report["sites"]}

    def keep(f: dict, *, by_site=True, by_level=True, by_kind=True) -> bool:
        return (
            (not by_site or not site or f["site"] == site)
            and (not by_level or not level or f["level"] == level)
            and (not by_kind or not kind or f["kind"] == kind)
        )

    # each filter's choices counted under the other filters (what choosing it would show)
    level_counts = Counter(f["level"] for f in findings if keep(f, by_level=False))
    kind_counts = Counter(f["kind"] for f in findings if keep(f, by_kind=False))
    site_counts = Counter(f["site"] for f in findings if keep(f, by_site=False))
    form.count_choices("level", level_counts, sum(level_counts.values()))
    form.count_choices("kind", kind_counts, sum(kind_counts.values()))
    form.count_choices("site", site_counts, sum(site_counts.values()))

    order = {lv: i for i, lv in enumerate(LEVELS)}
    chosen = sorted((f for f in findings if keep(f)), key=lambda f: order.get(f["level"], 9))
    page = Paginator(chosen, PAGE_SIZE).get_page(page_number)
    by_level = Counter(f["level"] for f in findings)
    selected = next((s for s in report["sites"] if s["id"] == site), None)
    identity = identity_rows(report, identities)
    return {
        "as_of": report["as_of"],
        "total": len(findings),
        "site_total": len(report["sites"]),
        "vetoed": sum(1 for s in report["sites"] if s["veto"]),
        "by_level": [(lv, ri.level(lv), by_level.get(lv, 0)) for lv in LEVELS],
        "level_tabs": [("", "全部", sum(level_counts.values()))]
        + [(lv, ri.level(lv), level_counts.get(lv, 0)) for lv in LEVELS],
        "filters": {"site": site, "level": level, "kind": kind, "sort": sort},
        "filter_text": "；".join(
            t
            for t in (
                f"单位：{names.get(site, site)}" if site else "",
                f"等级：{ri.level(level)}" if level else "",
                f"指标：{ri.kind(kind)}" if kind else "",
            )
            if t
        ),
        "sites": summary_rows(report, sort, site),
        "sorts": SORTS,
        "selected": (
            {
                "name": selected["name"],
                "veto": selected["veto"],
                "reason_text": ri.reasons_text(selected),
                "identity": next((r for r in identity if r["id"] == site), None),
            }
            if selected
            else None
        ),
        "page": page,
        "rows": [finding_row(f, names) for f in page.object_list],
        "identity": identity,
        "identity_labels": list(ri.IDENTITY_LABELS.values()),
        "identity_missing_sites": sum(1 for r in identity if r["missing"]),
        "chart": bars(
            Counter(names.get(f["site"], f["site"]) for f in findings if f["level"] == "veto").items()
        ),
    }
