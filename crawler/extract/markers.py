"""The markers a county extends: a column that says it is empty, a page that says it is gone.

Their one home is ``config/rules.yaml`` (``timeliness.empty_markers``, ``timeliness.soft_404_markers``);
no list of them is kept in the code. Each entry is a regular expression searched in a page's text (a
plain phrase such as 暂无信息 is one); a county adds its portal's wording there. The soft-404 markers
are matched without regard to case. ``configure(path)`` points the crawler at another rules file (the
patrol configuration's ``rules:``); until then, and after ``configure(None)``, the default
``config/rules.yaml`` is read, once, on first use.

How they are used: ``listpage`` calls a list page empty when a small visible element says an empty
marker (and drops rows that are menus or far from the message); ``detail`` calls a short page a soft 404
when its text says a soft-404 marker (the rules that are not phrases - a 404 title, a bare "404" on a
tiny page - live in ``patterns``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"


@dataclass(frozen=True)
class Markers:
    empty: re.Pattern  # a column list saying it holds nothing (暂无信息, 共0条 …)
    soft_404: re.Pattern  # a page saying it does not exist (页面不存在, 信息已删除 …)


_path: Path = DEFAULT_RULES
_loaded: Markers | None = None


def _compile(key: str, entries, flags: int) -> re.Pattern:
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
        raise ValueError(f"{_path}: timeliness.{key} must be a non-empty list of patterns")
    for entry in entries:
        try:
            re.compile(entry)
        except re.error as exc:
            raise ValueError(f"{_path}: timeliness.{key}: {entry!r} is not a valid pattern ({exc})") from exc
    # joined as they are (a group around an entry is added only where its own "|" needs one): ``re``
    # then checks the first characters of all entries at once, and these patterns are searched in the
    # text of every element of a list page
    try:
        return re.compile("|".join(f"(?:{e})" if _top_level_bar(e) else e for e in entries), flags)
    except re.error as exc:  # an entry valid alone, not among others (an inline flag such as (?i))
        raise ValueError(f"{_path}: timeliness.{key}: the patterns do not combine ({exc})") from exc


def _top_level_bar(pattern: str) -> bool:
    """True when ``pattern`` holds a "|" outside every group and character class."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # a "]" right after "[" is a literal
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def load(path: str | Path | None = None) -> Markers:
    """The markers of the rules file ``path`` (default ``config/rules.yaml``)."""
    global _path
    _path = Path(path) if path else DEFAULT_RULES
    data = yaml.safe_load(_path.read_text(encoding="utf-8")) or {}
    t = data.get("timeliness") or {}
    return Markers(
        empty=_compile("empty_markers", t.get("empty_markers"), 0),
        soft_404=_compile("soft_404_markers", t.get("soft_404_markers"), re.I),
    )


def configure(path: str | Path | None = None) -> Markers:
    """Use the markers of ``path`` from now on (None: the default rules file); returns them."""
    global _loaded
    _loaded = load(path)
    return _loaded


def markers() -> Markers:
    """The markers in use (the default rules file's until ``configure`` is called)."""
    global _loaded
    if _loaded is None:
        _loaded = load(None)
    return _loaded
