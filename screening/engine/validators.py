"""Pattern detectors: classification marks, resident IDs, mobiles, bank cards.

Pure validation functions first (testable alone), then the detectors, each a small
:class:`~.registry.Detector` that declares its kind, label, severity, masking and scoring
rules (registry.py) and is listed by ``name`` in ``DETECTORS``.  Detectors decide what a
string *is*; their scoring rules (scoring.py) decide how severe it is in its context.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable

from . import patterns as P
from . import scoring as S
from .document import Doc
from .registry import Detector
from .types import Candidate

# ---------------------------------------------------------------- validators


def digits_of(s: str) -> str:
    if s.isdigit():  # a bare number, as most matches are
        return s
    return "".join(c for c in s if c.isdigit() or c in "Xx").upper()


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, P.ID_WEIGHTS, strict=True))
    return P.ID_CHECK_CHARS[total % 11]


def valid_region(code6: str) -> bool:
    """Province code from GB/T 2260 and a plausible city/county part."""
    if len(code6) != 6 or not code6.isdigit():
        return False
    prov, city = code6[:2], code6[2:4]
    if prov not in P.PROVINCES:
        return False
    if prov in P.WHOLE_REGION_PROVINCES:
        return code6[2:] == "0000"
    return city != "00"


def valid_date(yyyymmdd: str, *, earliest: int = 1900, today: _dt.date | None = None) -> bool:
    try:
        d = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return earliest <= d.year and d <= (today or _dt.date.today())


def valid_id18(s: str) -> bool:
    s = s.upper()
    if len(s) != 18 or not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        return False
    return valid_region(s[:6]) and valid_date(s[6:14]) and id_check_char(s[:17]) == s[17]


def valid_id15(s: str) -> bool:
    """Old first-generation ID: region, 19YYMMDD birth date, 3-digit sequence."""
    return len(s) == 15 and s.isdigit() and valid_region(s[:6]) and valid_date("19" + s[6:12])


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or len(number) < 2:
        return False
    rev = number[::-1]
    total = sum(map(int, rev[0::2])) + sum(_LUHN_DOUBLED[int(c)] for c in rev[1::2])
    return total % 10 == 0


_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its two digits summed


def valid_mobile(s: str) -> bool:
    return len(s) == 11 and s.isdigit() and s[0] == "1" and s[1] in "3456789"


def is_masked_at(text: str, start: int, end: int) -> bool:
    """True when the number touches masking characters (610922********1234, 138****1234)."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    if (before and before in P.MASK_CHARS) or (after and after in P.MASK_CHARS):
        return True
    return bool(P.MASKED_X.match(text, end)) or bool(_X_RUN_END.search(text, max(0, start - 3), start))


_X_RUN_END = re.compile(r"[Xx]{3}$")


# ---------------------------------------------------------------- detectors


def number_matches(doc: Doc, rx: re.Pattern[str]):
    """``rx`` matches that start inside a long digit run (found once per document)."""
    runs = doc.cache.get("number_runs")
    if runs is None:
        runs = doc.cache["number_runs"] = [m.span() for m in P.NUMBER_RUN.finditer(doc.text)]
    text = doc.text
    n = len(text)
    for a, b in runs:
        for m in rx.finditer(text, a, min(n, b + 8)):
            if m.start() >= b:
                break
            yield m


DETECTORS: dict[str, type[Detector]] = {}  # name -> pattern detector, in the order they run


def register(cls: type[Detector]) -> type[Detector]:
    DETECTORS[cls.name] = cls
    return cls


@register
class ClassificationMarks(Detector):
    """密级标志 (RULES.md): level + star + term, 密级：秘密, a level alone on a line; 密级：内部."""

    name = "marks"
    kind = "classified_mark"
    label = "密级标志"
    severity = "high"
    stage = 10
    rules = (S.drop_level_lists, S.mark_talked_about)

    def __init__(self, patterns: dict | None = None, head_lines: int = P.HEAD_LINES):
        self.patterns = patterns or P.MARK_PATTERNS
        self.head_lines = head_lines

    def detect(self, doc: Doc) -> list[Candidate]:
        text = doc.text
        head_end = self._head_end(text)
        out: list[Candidate] = []
        lines = self._lines_with(text, P.MARK_CHAR) if self.patterns is P.MARK_PATTERNS else [(0, len(text))]
        for rule, (kind, severity, rx) in self.patterns.items():
            for m in (m for a, b in lines for m in rx.finditer(text, a, b)):
                start, end = m.span()
                # trim the whitespace/brackets a line pattern may have taken
                s = m.group()
                start += len(s) - len(s.lstrip(" \t"))
                end -= len(s) - len(s.rstrip(" \t"))
                rule_name = "mark:head" if rule == "mark:line" and start < head_end else rule
                out.append(Candidate(kind, rule_name, severity, start, end))
        return out

    @staticmethod
    def _lines_with(text: str, char: str) -> list[tuple[int, int]]:
        """(start, end) of each line holding ``char``: every mark pattern needs it and none
        crosses a line end, so the patterns run on these lines alone, not on the whole text."""
        spans: list[tuple[int, int]] = []
        at = text.find(char)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            nl = text.find("\n", at)
            end = nl if nl >= 0 else len(text)
            spans.append((start, end))
            at = text.find(char, end)
        return spans

    def _head_end(self, text: str) -> int:
        """Offset where the first ``head_lines`` non-blank lines end."""
        pos = seen = 0
        while seen < self.head_lines:
            nl = text.find("\n", pos)
            line = text[pos : nl if nl >= 0 else len(text)]
            if line.strip():
                seen += 1
            if nl < 0:
                return len(text)
            pos = nl + 1
        return pos


@register
class ResidentIds(Detector):
    """18-character GB 11643 IDs and 15-digit first-generation IDs."""

    name = "ids"
    kind = "id_number"
    label = "身份证号"
    severity = "high"
    personal = True
    mask = (6, 4)
    stage = 20
    rules = (S.score_ids,)

    def detect(self, doc: Doc) -> list[Candidate]:
        text = doc.text
        out: list[Candidate] = []
        taken: set[int] = set()
        for m in number_matches(doc, P.ID18):
            value = digits_of(m.group(1))
            if valid_id18(value) and not is_masked_at(text, *m.span()):
                out.append(Candidate(self.kind, "id:gb11643", self.severity, *m.span(), value=value))
                taken.update(range(*m.span()))
        for m in number_matches(doc, P.ID15):
            value = m.group(1)
            if valid_id15(value) and not is_masked_at(text, *m.span()):
                if m.start() not in taken:
                    out.append(Candidate(self.kind, "id:15", self.severity, *m.span(), value=value))
        return out


@register
class Mobiles(Detector):
    """11-digit mobiles (1[3-9]…) not inside a longer number; low until scoring sees a person."""

    name = "mobiles"
    kind = "mobile"
    label = "手机号码"
    severity = "low"
    personal = True
    mask = (3, 4)
    stage = 40
    rules = (S.score_mobiles,)

    def detect(self, doc: Doc) -> list[Candidate]:
        text = doc.text
        out = []
        for m in number_matches(doc, P.MOBILE):
            value = digits_of(m.group(1))
            if not valid_mobile(value) or is_masked_at(text, *m.span()):
                continue
            if (
                P.NOT_MOBILE_AFTER.match(text, m.end())
                or text[m.start() - 1 : m.start()] in P.NOT_MOBILE_BEFORE
            ):
                continue  # an amount or a count
            if len(set(value[3:])) == 1:  # 13800000000: a round number, not a subscriber
                continue
            out.append(Candidate(self.kind, "mobile", self.severity, m.start(1), m.end(1), value=value))
        return out


@register
class BankCards(Detector):
    """16-19 digits (grouped by four or not); Luhn is recorded, context is judged by scoring."""

    name = "bank_cards"
    kind = "bank_card"
    label = "银行卡号"
    severity = "medium"
    personal = True
    mask = (4, 4)
    stage = 30
    rules = (S.score_bank_cards,)

    def detect(self, doc: Doc) -> list[Candidate]:
        text = doc.text
        out = []
        for m in number_matches(doc, P.BANK_CARD):
            value = digits_of(m.group(1))
            if not 16 <= len(value) <= 19 or "X" in value or is_masked_at(text, *m.span()):
                continue
            if len(set(value)) <= 2:  # 0000000000000000 and the like
                continue
            out.append(
                Candidate(
                    self.kind, "card", self.severity, *m.span(), value=value, data={"luhn": luhn_valid(value)}
                )
            )
        return out


def run_detectors(doc: Doc, detectors: list[Callable[[Doc], list[Candidate]]]) -> list[Candidate]:
    out: list[Candidate] = []
    for detect in detectors:
        out.extend(detect(doc))
    return out
