"""The demo's own reading of ``config/rules.yaml``: column kind, category and windows by name.

This reads the rules *data* (the same file the product is configured with) with a few lines
of its own, so the demo's ground truth never depends on the product's code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).resolve().parents[1] / "config" / "rules.yaml"


@lru_cache(maxsize=1)
def rules() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def column_kind(name: str) -> str:
    """dynamic | notice_policy | plan_personnel | other (first matching kind, in file order)."""
    for kind, patterns in rules()["timeliness"]["column_kinds"].items():
        if any(re.search(p, name) for p in patterns):
            return kind
    return "other"


def column_category(name: str) -> str:
    for cat in rules()["counting"]["categories"]:
        if any(re.search(p, name) for p in cat["patterns"]):
            return cat["key"]
    return "other"


def window(kind: str) -> int | None:
    return rules()["timeliness"]["windows_days"].get(kind)


def late_limit() -> int:
    return int(rules()["timeliness"]["late_publication_working_days"])


def document_categories() -> list[str]:
    return list(rules()["counting"]["document_categories"])


def document_tiers() -> list[str]:
    return list(rules()["counting"]["document_tiers"])


def category_keys() -> list[str]:
    return [c["key"] for c in rules()["counting"]["categories"]]
