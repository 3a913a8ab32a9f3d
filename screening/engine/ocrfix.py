"""Repair of the OCR confusions that matter to the screen, one character for one character.

OCR text is repaired before the normal screen. Every replacement keeps the length, so the
character offsets of the OCR regions (``Extracted.regions``) stay valid.

- Classification marks (generous): after 绝密/机密/秘密, a star read as ``* ＊ 大 女 太 ☆ …``
  becomes ``★`` when a 保密期限 follows (``1年``, ``6个月``, ``长期``, ``会议结束前`` …); in
  that term, ``l/I/|/O/o`` read for digits and 长其 for 长期 are repaired too.
- Resident IDs (strict): in an 18-character run of digits and look-alikes (``O o D`` for 0,
  ``l I | i`` for 1, ``x Ｘ ×`` for the check ``X``), the look-alikes become digits only when the
  repaired run is a valid ID (region, birth date, check digit). A run whose check digit fails
  stays as read, so it is still no ID.

Spaced characters (秘 密 ★) need no repair: normalisation already bridges them.
"""

from __future__ import annotations

import re

from .validators import valid_id18

__all__ = ["ocr_repair"]

_LEVEL = r"(?:绝密|机密|秘密)"
# what OCR engines read for ★ (Tesseract chi_sim: 女 太 大; others: * ＊ 六 火 ☆ ✱ ✲ ✳ 米)
_STAR_LIKE = "★☆✩✪✫✬✭✮✯✰⭐*＊✱✲✳✴✵✶✷✸✹✺大女太六火米犬"
_DIGIT_LIKE = "0-9OoDlI|i"
_TERM = (
    rf"[{_DIGIT_LIKE}]{{1,3}}[ \t]?(?:年|个月|月)"
    r"|长[期其朗斯]|永久"
    r"|[\u4e00-\u9fff]{0,8}(?:结束|公开|公布|发布|印发)前"
)
_MARK = re.compile(rf"{_LEVEL}[ \t]{{0,2}}([{re.escape(_STAR_LIKE)}])[ \t]{{0,2}}({_TERM})")

_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1"})
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])([0-9OoDlI|i]{17})([0-9OoDlI|ixXＸ×])(?![0-9A-Za-z])")
# a run must be mostly real digits: at most this many look-alikes are repaired
_MAX_LOOKALIKES = 3


def _repair_term(term: str) -> str:
    if term.startswith("长"):
        return "长期" if len(term) == 2 else term
    if term[0] in "0123456789OoDlI|i":
        head = re.match(rf"[{_DIGIT_LIKE}]+", term).group(0)
        return head.translate(_DIGIT_MAP) + term[len(head) :]
    return term


def ocr_repair(text: str) -> str:
    """The OCR text with marks and IDs repaired; ``len(result) == len(text)`` always."""
    chars: list[str] | None = None

    for m in _MARK.finditer(text):
        chars = chars if chars is not None else list(text)
        chars[m.start(1)] = "★"
        term = _repair_term(m.group(2))
        chars[m.start(2) : m.end(2)] = list(term)

    for m in _ID_RUN.finditer(text):
        run = m.group(0)
        if run.isdigit():
            continue
        body = m.group(1)
        lookalikes = sum(1 for ch in body if not ch.isdigit())
        if lookalikes > _MAX_LOOKALIKES:
            continue
        check = m.group(2)
        fixed = body.translate(_DIGIT_MAP) + ("X" if check in "xXＸ×" else check.translate(_DIGIT_MAP))
        if fixed != run and valid_id18(fixed):
            chars = chars if chars is not None else list(text)
            chars[m.start() : m.end()] = list(fixed)

    if chars is None:
        return text
    out = "".join(chars)
    assert len(out) == len(text)
    return out
