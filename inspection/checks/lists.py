"""Loading the wording lexicon and the watch list: YAML lists whose errors name file:line.

Wording file (``inspection.wording_lexicon``; the product's own ``config/wording/starter.yaml``
loads first)::

    - wrong: 中华人民共合国
      right: 中华人民共和国
      severity: serious        # serious (-> veto) | normal (-> warning)
      note: where the rule comes from
      freq: 50000              # optional jieba frequency for the wrong form (rarely needed)

Watch file (``inspection.watch_names``)::

    - name: 张某某
      since: 2024-03-01        # pages published after this day that name them are flagged
      note: why

A later file's entry for the same ``wrong`` (``name``) replaces the earlier one; an entry
``remove: true`` deletes it (a county's file can switch a starter entry off).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from config.patrolconf import ConfigError, compose, node_value
from screening.engine.normalize import normalize_text

REPO_WORDING = Path(__file__).resolve().parents[2] / "config" / "wording"
STARTER = REPO_WORDING / "starter.yaml"
SEVERITIES = ("serious", "normal")


class WordingConfigError(ConfigError):
    """A wording or watch file is malformed: the message reads ``file:line: where: reason`` (a
    ``ConfigError``, so the commands that report a bad patrol.yaml report these the same way)."""


@dataclass(frozen=True)
class WordingEntry:
    wrong: str  # normalised
    right: str
    severity: str = "serious"
    note: str = ""
    freq: int | None = None
    source: str = ""  # file:line


@dataclass(frozen=True)
class WatchEntry:
    name: str  # normalised
    since: dt.date
    note: str = ""
    source: str = ""


@dataclass
class WordingLexicon:
    entries: dict[str, WordingEntry] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)


@dataclass
class WatchList:
    entries: dict[str, WatchEntry] = field(default_factory=dict)
    paths: list[Path] = field(default_factory=list)


def _files(paths) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise WordingConfigError(f"{p}: no such file or folder")
    return out


def _items(path: Path) -> list[tuple[int, dict]]:
    """The file's list items, each with its 1-based line; raises on anything but a list of mappings."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise WordingConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        root = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise WordingConfigError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode):  # also accept {entries: [...]}
        inner = [v for k, v in root.value if k.value == "entries"]
        if not inner or len(root.value) != 1:
            raise WordingConfigError(f"{path}:{root.start_mark.line + 1}: expected a list of entries")
        root = inner[0]
    if not isinstance(root, yaml.SequenceNode):
        raise WordingConfigError(f"{path}:{root.start_mark.line + 1}: expected a list of entries")
    out = []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            raise WordingConfigError(f"{path}:{line}: expected a mapping (wrong/right/severity/note)")
        out.append((line, node_value(node)))
    return out


def _text(raw: dict, key: str, where: str, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise WordingConfigError(f"{where}: {key}: required, a non-empty text")
    return value.strip()


def _check_keys(raw: dict, allowed: set[str], where: str) -> None:
    extra = set(raw) - allowed
    if extra:
        raise WordingConfigError(f"{where}: unknown key(s) {', '.join(sorted(map(str, extra)))}")


def load_wording(paths=None) -> WordingLexicon:
    """The starter list, then each given file or folder in order (None: the starter list only)."""
    all_paths = [STARTER, *(paths or [])]
    lex = WordingLexicon(paths=[Path(p) for p in all_paths])
    for path in _files(all_paths):
        for line, raw in _items(path):
            where = f"{path}:{line}"
            _check_keys(raw, {"wrong", "right", "severity", "note", "freq", "remove"}, where)
            wrong = normalize_text(_text(raw, "wrong", where))
            if raw.get("remove") is True:
                lex.entries.pop(wrong, None)
                continue
            right = _text(raw, "right", where)
            severity = raw.get("severity", "serious")
            if severity not in SEVERITIES:
                raise WordingConfigError(f"{where}: severity: {severity!r} is not one of serious, normal")
            freq = raw.get("freq")
            if freq is not None and (not isinstance(freq, int) or isinstance(freq, bool) or freq < 1):
                raise WordingConfigError(f"{where}: freq: a positive whole number")
            if normalize_text(right) == wrong:
                raise WordingConfigError(f"{where}: right: the same as wrong")
            note = _text(raw, "note", where, required=False)
            lex.entries[wrong] = WordingEntry(wrong, right, severity, note, freq, where)
    return lex


def load_watch(paths=None) -> WatchList:
    """Watched names from the given files or folders (none by default: every county keeps its own)."""
    watch = WatchList(paths=[Path(p) for p in paths or []])
    for path in _files(paths or []):
        for line, raw in _items(path):
            where = f"{path}:{line}"
            _check_keys(raw, {"name", "since", "note", "remove"}, where)
            name = normalize_text(_text(raw, "name", where))
            if raw.get("remove") is True:
                watch.entries.pop(name, None)
                continue
            since = raw.get("since")
            if isinstance(since, str):
                try:
                    since = dt.date.fromisoformat(since.strip())
                except ValueError:
                    since = None
            if not isinstance(since, dt.date) or isinstance(since, dt.datetime):
                raise WordingConfigError(f"{where}: since: required, a date YYYY-MM-DD")
            watch.entries[name] = WatchEntry(name, since, _text(raw, "note", where, required=False), where)
    return watch
