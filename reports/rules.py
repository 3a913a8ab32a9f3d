"""``config/rules.yaml``: column kinds and categories by name, timeliness numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "config" / "rules.yaml"


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class InspectionRules:
    """The ``inspection:`` section (defaults = RULES.md's numbers when the section is absent)."""

    window_days: int = 7
    min_probes: int = 140
    veto_rate: float = 0.05
    warning_rate: float = 0.03
    error_page_max_text: int = 1200
    error_page_markers: tuple[str, ...] = ()
    message_window_months: int = 12
    unanswered_months: int = 3
    reply_working_days: int = 5
    answered_states: tuple[str, ...] = ("已回复", "已答复", "已办结")
    early_homepage_days: int = 10
    early_dynamic_days: int = 10
    empty_columns_warning: int = 2

    @classmethod
    def from_dict(cls, d: dict) -> InspectionRules:
        r, e, m, w = (
            d.get(k) or {} for k in ("reachability", "error_page", "messages", "early_warning_days")
        )
        base = cls()
        return cls(
            window_days=int(r.get("window_days", base.window_days)),
            min_probes=int(r.get("min_probes", base.min_probes)),
            veto_rate=float(r.get("veto_rate", base.veto_rate)),
            warning_rate=float(r.get("warning_rate", base.warning_rate)),
            error_page_max_text=int(e.get("max_text", base.error_page_max_text)),
            error_page_markers=tuple(e.get("markers", base.error_page_markers)),
            message_window_months=int(m.get("window_months", base.message_window_months)),
            unanswered_months=int(m.get("unanswered_months", base.unanswered_months)),
            reply_working_days=int(m.get("reply_working_days", base.reply_working_days)),
            answered_states=tuple(m.get("answered_states", base.answered_states)),
            early_homepage_days=int(w.get("homepage", base.early_homepage_days)),
            early_dynamic_days=int(w.get("dynamic", base.early_dynamic_days)),
            empty_columns_warning=int(d.get("empty_columns_warning", base.empty_columns_warning)),
        )


class Rules:
    def __init__(self, data: dict):
        t = data["timeliness"]
        self.windows: dict[str, int] = dict(t["windows_days"])
        self.kinds: list[tuple[str, list[re.Pattern]]] = [
            (kind, [re.compile(p) for p in pats]) for kind, pats in t["column_kinds"].items()
        ]
        self.empty_markers: list[str] = list(t["empty_markers"])
        self.soft_404_markers: list[str] = list(t["soft_404_markers"])
        self.late_working_days: int = int(t["late_publication_working_days"])
        self.veto: dict = dict(t["veto"])
        c = data["counting"]
        self.categories = [
            Category(e["key"], e["label"], tuple(re.compile(p) for p in e["patterns"]))
            for e in c["categories"]
        ]
        self.document_categories = set(c["document_categories"])
        self.document_tiers = set(c["document_tiers"])
        self.inspection = InspectionRules.from_dict(data.get("inspection") or {})

    def column_kind(self, name: str, override: str | None = None) -> str:
        if override:
            return override
        for kind, pats in self.kinds:
            if any(p.search(name or "") for p in pats):
                return kind
        return "other"

    def category(self, name: str, override: str | None = None) -> str:
        if override:
            return override
        for cat in self.categories:
            if any(p.search(name or "") for p in cat.patterns):
                return cat.key
        return self.categories[-1].key

    def category_label(self, key: str) -> str:
        for cat in self.categories:
            if cat.key == key:
                return cat.label
        return key


@lru_cache(maxsize=8)
def load_rules(path: str | None = None) -> Rules:
    with open(path or DEFAULT_RULES, encoding="utf-8") as fh:
        return Rules(yaml.safe_load(fh))


def column_override(site_conf, column_url: str, column_name: str) -> dict:
    """Per-column overrides from patrol.yaml (keyed by column URL or name)."""
    if site_conf is None:
        return {}
    cols = site_conf.columns or {}
    return cols.get(column_url) or cols.get(column_name) or {}
