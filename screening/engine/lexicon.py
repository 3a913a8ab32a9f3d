"""The lexicon: YAML files of terms (term, kind, severity, note) and allowlists.

File format (every key optional)::

    entries:
      - term: 涉密
        kind: keyword          # keyword | internal_marker   (default keyword)
        severity: low          # low | medium | high         (default low)
        note: why it is listed
        freq: 20000            # optional jieba frequency for the term
        form: any              # any | label: "label" counts only where the term labels the
                               # document (labels.py: own line or cell, brackets or a box,
                               # head or foot), elsewhere low; internal_marker entries
                               # default to label, keywords to any
    allowlist:
      phrases: [保密工作会议]   # a lexicon hit inside one of these is no hit
      urls:                    # pages whose URL matches drop hits of these kinds
        - pattern: '^https?://[^/]+/bmj/'
          kinds: [keyword, internal_marker]
      context_phrases: [保密工作会议]  # a page holding one is *about* secrecy work:
                                      # keyword hits in running prose drop to low
                                      # (internal markers are judged as labels alone)

Files and folders (``*.yaml``/``*.yml``, sorted) load in order; a later
entry for the same term replaces the earlier one, lists are extended, and a
later file may ``remove: [term, ...]`` earlier terms.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .normalize import normalize_text
from .types import KINDS, LEXICON_KINDS, SEVERITIES

REPO_LEXICON = Path(__file__).resolve().parents[2] / "config" / "lexicon"
PRIVATE_LEXICON_ENV = "PATROL_PRIVATE_LEXICON"


def default_lexicon_paths() -> list[Path]:
    """config/lexicon/ in the repo, then the private list(s) named by $PATROL_PRIVATE_LEXICON (os.pathsep-separated)."""
    paths: list[Path] = [REPO_LEXICON]
    private = os.environ.get(PRIVATE_LEXICON_ENV, "").strip()
    if private:
        paths.extend(Path(p) for p in private.split(os.pathsep) if p.strip())
    return paths


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Entry:
    term: str  # normalised
    kind: str = "keyword"
    severity: str = "low"
    note: str = ""
    freq: int | None = None
    source: str = ""
    form: str = "any"  # "label": counts only where it labels the document (labels.py), else low


@dataclass(frozen=True)
class UrlRule:
    pattern: re.Pattern[str]
    kinds: frozenset[str]
    note: str = ""


@dataclass
class Lexicon:
    entries: dict[str, Entry] = field(default_factory=dict)
    allow_phrases: list[str] = field(default_factory=list)
    allow_urls: list[UrlRule] = field(default_factory=list)
    context_phrases: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    version: int = 0  # bumped by reload(); screeners rebuild when it changes

    def reload(self) -> None:
        fresh = load_lexicon(self.paths)
        self.entries = fresh.entries
        self.allow_phrases = fresh.allow_phrases
        self.allow_urls = fresh.allow_urls
        self.context_phrases = fresh.context_phrases
        self.version += 1

    def url_suppressed_kinds(self, url: str | None) -> frozenset[str]:
        if not url:
            return frozenset()
        kinds: set[str] = set()
        for rule in self.allow_urls:
            if rule.pattern.search(url):
                kinds |= rule.kinds
        return frozenset(kinds)

    def fingerprint(self) -> tuple:
        return tuple(sorted((e.term, e.freq or 0) for e in self.entries.values()))


def _files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise LexiconError(f"{p}: no such lexicon file or folder")
    return out


def _str_list(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty strings")
    return [normalize_text(v.strip()) for v in value]


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML was built with it


def _merge_file(lex: Lexicon, path: Path) -> None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: top level must be a mapping")
    unknown = set(data) - {"entries", "allowlist", "remove", "version"}
    if unknown:
        raise LexiconError(f"{path}: unknown key(s) {sorted(unknown)}")
    for term in _str_list(data.get("remove"), f"{path}: remove"):
        lex.entries.pop(term, None)
    entries = data.get("entries") or []
    if not isinstance(entries, list):
        raise LexiconError(f"{path}: entries must be a list")
    for i, raw in enumerate(entries):
        where = f"{path}: entries[{i}]"
        if isinstance(raw, str):
            raw = {"term": raw}
        if not isinstance(raw, dict):
            raise LexiconError(f"{where}: expected a mapping with a term")
        extra = set(raw) - {"term", "kind", "severity", "note", "freq", "form"}
        if extra:
            raise LexiconError(f"{where}: unknown key(s) {sorted(extra)}")
        term = raw.get("term")
        if not isinstance(term, str) or not term.strip():
            raise LexiconError(f"{where}.term: required, a non-empty string")
        kind = raw.get("kind", "keyword")
        if kind not in KINDS:
            raise LexiconError(f"{where}.kind: {kind!r} is not one of {list(KINDS)}")
        severity = raw.get("severity", "low")
        if severity not in SEVERITIES:
            raise LexiconError(f"{where}.severity: {severity!r} is not one of {list(SEVERITIES)}")
        freq = raw.get("freq")
        if freq is not None and (not isinstance(freq, int) or freq < 1):
            raise LexiconError(f"{where}.freq: a positive integer")
        # an internal marker counts only as a label of the document unless its entry says otherwise
        form = raw.get("form", "label" if kind == "internal_marker" else "any")
        if form not in ("any", "label"):
            raise LexiconError(f"{where}.form: 'any' or 'label'")
        norm = normalize_text(term.strip())
        lex.entries[norm] = Entry(norm, kind, severity, str(raw.get("note", "")), freq, str(path), form)
    allow = data.get("allowlist") or {}
    if not isinstance(allow, dict):
        raise LexiconError(f"{path}: allowlist must be a mapping")
    extra = set(allow) - {"phrases", "urls", "context_phrases"}
    if extra:
        raise LexiconError(f"{path}: allowlist: unknown key(s) {sorted(extra)}")
    lex.allow_phrases.extend(_str_list(allow.get("phrases"), f"{path}: allowlist.phrases"))
    lex.context_phrases.extend(_str_list(allow.get("context_phrases"), f"{path}: allowlist.context_phrases"))
    for i, raw in enumerate(allow.get("urls") or []):
        where = f"{path}: allowlist.urls[{i}]"
        if isinstance(raw, str):
            raw = {"pattern": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("pattern"), str):
            raise LexiconError(f"{where}.pattern: required, a regex string")
        try:
            rx = re.compile(raw["pattern"])
        except re.error as exc:
            raise LexiconError(f"{where}.pattern: bad regex: {exc}") from None
        kinds = raw.get("kinds", sorted(LEXICON_KINDS))
        if not isinstance(kinds, list) or not set(kinds) <= set(KINDS):
            raise LexiconError(f"{where}.kinds: a list of {list(KINDS)}")
        lex.allow_urls.append(UrlRule(rx, frozenset(kinds), str(raw.get("note", ""))))


def load_lexicon(paths: list[str | Path]) -> Lexicon:
    """Load YAML lexicon files and folders; later ones extend and override earlier ones."""
    lex = Lexicon(paths=[Path(p) for p in paths])
    for path in _files(paths):
        _merge_file(lex, path)
    lex.allow_phrases = list(dict.fromkeys(lex.allow_phrases))
    lex.context_phrases = list(dict.fromkeys(lex.context_phrases))
    return lex
