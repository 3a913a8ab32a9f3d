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
