"""Screening one document end to end: bytes or a file → extracted text → hits → DocResult.

This is the one function the CLI (``patrol screen``) and the patrol pipeline call.
It never raises for a bad document: oversize, damaged, hostile or unreadable files come
back ``unscreened`` with the reason, and any text that could be read is still screened.
Importable without Django.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .extract import Extracted, Limits, extract, extract_path

_SEVERITY_ORDER = {"high": 3, "medium": 2, "low": 1}


@dataclass
class DocResult:
    """The screen of one document (the ``documents[]`` entry of ``patrol screen --format json``)."""

    source: str
    status: str  # screened | unscreened
    reason: str | None
    severity: str | None  # high | medium | low, None without hits
    flagged: bool
    kinds: list[str]
    hits: list[Any] = field(default_factory=list)  # screening.engine.Hit
    text_chars: int = 0
    format: str = ""

    def hits_json(self) -> list[dict[str, Any]]:
        return [hit_json(h) for h in self.hits]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "reason": self.reason,
            "severity": self.severity,
            "flagged": self.flagged,
            "kinds": list(self.kinds),
            "hits": self.hits_json(),
            "text_chars": self.text_chars,
            "format": self.format,
        }


def hit_json(hit: Any) -> dict[str, Any]:
    return {
        "kind": hit.kind,
        "rule": hit.rule,
        "severity": hit.severity,
        "text": hit.text,
        "context": hit.context,
        "start": hit.start,
        "end": hit.end,
        "confidence": hit.confidence,
    }


_DEFAULT_SCREENER = None


def _screener(screener: Any | None) -> Any:
    global _DEFAULT_SCREENER
    if screener is not None:
        return screener
    if _DEFAULT_SCREENER is None:
        from .engine import default_screener

        _DEFAULT_SCREENER = default_screener()
    return _DEFAULT_SCREENER


def screen_extracted(
    extracted: Extracted, source: str, *, url: str | None = None, screener: Any | None = None
) -> DocResult:
    """Screen text that was already extracted (the patrol reuses extraction results)."""
    hits: list[Any] = []
    severity: str | None = None
    flagged = False
    kinds: list[str] = []
    if extracted.text.strip():
        result = _screener(screener).screen(extracted.text, url=url)
        hits = list(result.hits)
        severity = result.severity
        flagged = bool(result.flagged)
        kinds = list(result.kinds)
    return DocResult(
        source=source,
        status=extracted.status,
        reason=extracted.reason,
        severity=severity,
        flagged=flagged,
        kinds=kinds,
        hits=hits,
        text_chars=len(extracted.text),
        format=extracted.kind,
    )


def screen_bytes(
    data: bytes,
    name: str,
    content_type: str | None = None,
    url: str | None = None,
    limits: Limits | None = None,
    screener: Any | None = None,
) -> DocResult:
    """Screen one document given as bytes; ``name`` is its file name or URL (type hint)."""
    extracted = extract(data, name=name, content_type=content_type, limits=limits)
    return screen_extracted(extracted, name, url=url, screener=screener)


def screen_path(
    path: str | os.PathLike[str],
    content_type: str | None = None,
    url: str | None = None,
    limits: Limits | None = None,
    screener: Any | None = None,
) -> DocResult:
    """Screen one file; its size on disk is checked before any of it is read."""
    source = os.fspath(path)
    try:
        extracted = extract_path(source, content_type=content_type, limits=limits)
    except OSError as exc:
        return DocResult(source, "unscreened", f"cannot read: {exc.strerror or exc}", None, False, [])
    return screen_extracted(extracted, source, url=url, screener=screener)


def unreadable(source: str, reason: str) -> DocResult:
    return DocResult(source, "unscreened", reason, None, False, [])


def max_severity(values: list[str | None]) -> str | None:
    present = [v for v in values if v]
    return max(present, key=lambda v: _SEVERITY_ORDER.get(v, 0)) if present else None
