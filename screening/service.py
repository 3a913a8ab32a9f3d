"""Screening one document end to end: bytes or a file → extracted text → hits → DocResult.

This is the one function the CLI (``patrol screen``) and the patrol pipeline call.
It never raises for a bad document: oversize, damaged, hostile or unreadable files come
back ``unscreened`` with the reason, and any text that could be read is still screened.
Importable without Django.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .extract import Extracted, Limits, extract, extract_path
from .extract.base import OcrRegion

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
    regions: tuple[OcrRegion, ...] = ()  # where OCR read the text (Extracted.regions)

    def hits_json(self) -> list[dict[str, Any]]:
        locate = region_finder(self.regions)
        return [hit_json(h, locate(h.start)) for h in self.hits]

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


def hit_json(hit: Any, region: OcrRegion | None = None) -> dict[str, Any]:
    """One hit of the JSON contract; a hit read by OCR also carries ``ocr``, ``page`` and ``box``."""
    out = {
        "kind": hit.kind,
        "rule": hit.rule,
        "severity": hit.severity,
        "text": hit.text,
        "context": hit.context,
        "start": hit.start,
        "end": hit.end,
        "confidence": hit.confidence,
    }
    if region is not None:
        out["ocr"] = True
        out["page"] = region.page
        out["box"] = [int(v) for v in region.box]
    return out


def region_finder(regions: tuple[OcrRegion, ...]) -> Callable[[int], OcrRegion | None]:
    """offset -> the OCR region whose text holds it (``start <= offset < end``), else None."""
    if not regions:
        return lambda offset: None
    ordered = sorted(regions, key=lambda r: (r.start, r.end))
    starts = [r.start for r in ordered]

    def locate(offset: int) -> OcrRegion | None:
        i = bisect_right(starts, offset) - 1
        # regions do not overlap (one per text line); look back past empty ones all the same
        while i >= 0:
            r = ordered[i]
            if r.start <= offset < r.end:
                return r
            if r.end <= offset and r.start < r.end:
                return None
            i -= 1
        return None

    return locate


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
        regions=tuple(getattr(extracted, "regions", ()) or ()),
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


def _field(hit: Any, name: str) -> str:
    value = hit.get(name) if isinstance(hit, dict) else getattr(hit, name, "")
    return str(value or "")


def _same_url(a: str, b: str) -> bool:
    """Equal URLs, http and https of the same host and path being the same (ARCHITECTURE.md)."""

    def key(u: str) -> str:
        u = u.strip()
        for scheme in ("https://", "http://"):
            if u.lower().startswith(scheme):
                return u[len(scheme) :]
        return u

    return bool(a) and bool(b) and key(a) == key(b)


def allowed(hit: Any, url: str | None, rules: list[dict[str, str]]) -> bool:
    """Whether an allowlist rule (``screening.models.AllowEntry.as_rule``) covers this hit.

    ``phrase``: the hit's text lies inside the phrase and the hit's context holds the phrase;
    ``url``: any hit on that URL; ``rule``: a hit of that rule (or, without one, that kind) on it.
    """
    text, context = _field(hit, "text"), _field(hit, "context")
    for r in rules:
        scope = r.get("scope")
        if scope == "phrase":
            phrase = r.get("phrase") or ""
            if phrase and text and text in phrase and phrase in context:
                return True
        elif scope == "url":
            if _same_url(url or "", r.get("url") or ""):
                return True
        elif scope == "rule" and _same_url(url or "", r.get("url") or ""):
            if r.get("rule") and r["rule"] == _field(hit, "rule"):
                return True
            if not r.get("rule") and r.get("kind") and r["kind"] == _field(hit, "kind"):
                return True
    return False


def apply_allowlist(
    result: DocResult, url: str | None, rules: list[dict[str, str]], threshold: str
) -> DocResult:
    """The result without the hits the allowlist covers; severity, flag and kinds follow the rest."""
    if not rules or not result.hits:
        return result
    kept = [h for h in result.hits if not allowed(h, url, rules)]
    if len(kept) == len(result.hits):
        return result
    severity = max_severity([_field(h, "severity") for h in kept])
    rank = _SEVERITY_ORDER.get(severity or "", 0)
    return DocResult(
        source=result.source,
        status=result.status,
        reason=result.reason,
        severity=severity,
        flagged=bool(kept) and rank >= _SEVERITY_ORDER.get(threshold, 2),
        kinds=sorted({_field(h, "kind") for h in kept}),
        hits=kept,
        text_chars=result.text_chars,
        format=result.format,
        regions=result.regions,
    )


def max_severity(values: list[str | None]) -> str | None:
    present = [v for v in values if v]
    return max(present, key=lambda v: _SEVERITY_ORDER.get(v, 0)) if present else None
