"""Masking of personal data in hit texts and context snippets (138****1234, 610922********1234)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from . import registry

CONTEXT_CHARS = 30
_LONG_NUMBER = re.compile(r"\d(?:[ -]?\d){10,}[Xx]?")
_BREAKS = re.compile(r"[\r\n\t]+")
_REWRITE = re.compile(r"[\r\n\t]|\d(?:[ -]?\d){10,}")  # what a snippet rewrites, if anything
_REACH = 200  # no personal span is longer: how far back to look for one that overlaps a window


def mask_digits(s: str, lead: int, trail: int) -> str:
    """Replace the digits (and a trailing X) of ``s`` by '*', keeping the first and last few."""
    if s.isdigit() or (s[:-1].isdigit() and s[-1] in "Xx"):  # a bare number, as most hits are
        n = len(s)
        if n <= lead + trail:
            lead, trail = min(lead, n // 3), min(trail, n // 3)
        if n - lead - trail <= 0:
            return s
        return s[:lead] + "*" * (n - lead - trail) + s[n - trail :]
    return _mask_digits(s, lead, trail)


def _mask_digits(s: str, lead: int, trail: int) -> str:
    idx = [i for i, ch in enumerate(s) if ch.isdigit() or ch in "Xx"]
    if len(idx) <= lead + trail:
        lead, trail = min(lead, len(idx) // 3), min(trail, len(idx) // 3)
    hidden = idx[lead : len(idx) - trail]
    if not hidden:
        return s
    chars = list(s)
    for i in hidden:
        chars[i] = "*"
    return "".join(chars)


def mask_hit_text(kind: str, text: str) -> str:
    """Personal data (a detector that declares ``personal``) keeps only its declared ``mask``."""
    detector = registry.get(kind)
    if detector is None or not detector.personal:
        return text
    lead, trail = detector.mask
    return mask_digits(text, lead, trail)


def _mask_other_numbers(s: str) -> str:
    def repl(m: re.Match) -> str:
        n = sum(ch.isdigit() for ch in m.group())
        return mask_digits(m.group(), 6, 4) if n >= 15 else mask_digits(m.group(), 3, 4)

    return _LONG_NUMBER.sub(repl, s)


def snippet(
    original: str,
    start: int,
    end: int,
    personal: list[tuple[int, int, str]],
    width: int = CONTEXT_CHARS,
    masked: dict[tuple[int, int, str], str] | None = None,
) -> str:
    """``width`` characters either side of [start, end) with personal data masked.

    ``personal`` lists (start, end, kind) spans of personal-data hits in the original text;
    any other run of 11+ digits in the snippet is masked too. ``masked``: the masked text of
    personal spans already masked (a document's hits mask each span once).
    """
    a, b = max(0, start - width), min(len(original), end + width)
    return _window(original, a, b, sorted(p for p in personal if p[0] < b and a < p[1]), masked)


def snippets(
    original: str,
    spans: list[tuple[int, int]],
    personal: list[tuple[int, int, str]],
    masked: dict[tuple[int, int, str], str],
    width: int = CONTEXT_CHARS,
) -> list[str]:
    """``snippet`` of each (start, end) in ``spans`` at once: a document's thousands of hits.

    ``personal`` is sorted and spans no more than ``_REACH`` characters each; ``masked``
    holds the masked text of every personal span. Same text as ``snippet`` for each span.
    """
    n = len(original)
    starts = [p[0] for p in personal]
    out = []
    for start, end in spans:
        a, b = max(0, start - width), min(n, end + width)
        lo, hi = bisect_left(starts, start - _REACH), bisect_right(starts, end + _REACH)
        near = [p for p in personal[lo:hi] if p[0] < b and a < p[1]]
        if near:
            out.append(_window(original, a, b, near, masked))
        else:
            text = original[a:b]
            # most windows hold no long number and no line break: nothing to rewrite
            out.append(text if _REWRITE.search(text) is None else _BREAKS.sub(" ", _mask_other_numbers(text)))
    return out


def _window(
    original: str,
    a: int,
    b: int,
    spans: list[tuple[int, int, str]],
    masked: dict[tuple[int, int, str], str] | None,
) -> str:
    """original[a:b] widened to whole personal ``spans`` (sorted), those masked, with any other
    long number masked and line breaks flattened."""
    for s, e, _ in spans:  # never cut a personal value in half
        a, b = min(a, s), max(b, e)
    out, pos = [], a
    for s, e, k in spans:
        if s < pos:
            continue
        out.append(_mask_other_numbers(original[pos:s]))
        got = masked.get((s, e, k)) if masked is not None else None
        out.append(got if got is not None else mask_hit_text(k, original[s:e]))
        pos = e
    out.append(_mask_other_numbers(original[pos:b]))
    return _BREAKS.sub(" ", "".join(out))
