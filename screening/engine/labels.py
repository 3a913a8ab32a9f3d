"""Is a marker a label of the document, or a word in a sentence? (RULES.md, ``internal_marker``)

``LabelRules.verdict`` is the one decision; the rules are data in patterns.py (``LABEL_*``).

1. Prose, checked first — any one makes the occurrence a word in a sentence:
   - one of a list: 国家秘密、工作秘密、商业秘密; 国家秘密和工作秘密; 工作秘密等
   - the object of a verb: 保守工作秘密, 泄露内部资料, 严禁将内部文件…
   - part of a longer phrase: 工作秘密管理办法, 不得外传的, 内部资料性
   - on a heading or a numbered article or item: 第十条 …, 二、工作秘密, (五) …
2. Label — the first form that holds makes it a label of the document:
   - ``bracketed``: inside brackets or a box that hold nothing but markers and label words
     (【工作秘密】, (此件不得外传), ★内部资料★)
   - ``own line``: its line or table cell holds nothing but markers and label words
     (内部资料 注意保存; 本材料仅供内部参考,不得外传。; a cell 内部文件)
   - ``label run into the text``: a sentence of a longer line that is nothing but two or
     more markers and label words (…起施行。内部资料 不得外传 — a tracked deletion, a pasted
     header); one marker alone there is advice (…领取发票。请注意保存。)
   - ``secrecy field``: the value of a 密级/保密级别 field (保密级别:内部资料)
   - ``declaration``: a short sentence that starts by naming the document itself
     (此件/本报告/本材料 …: 本报告为审计专用文档,未经授权不得外传) — not 本法/本办法
   - ``issuer``: a line or cell of an issuer's name and the marker (县统计局内部资料)
   - ``head or foot``: one of the first or last lines of the document, one short
     sentence, the marker starting or ending its clause, few other words (此件发至县团级
     不得外传)
3. Otherwise it is a word in a sentence.

Which page the marker is on, and whether that page talks about secrecy work, plays no
part: a law's "国家秘密、工作秘密、商业秘密" is prose on every page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import patterns as P
from .document import Doc
from .normalize import normalize_text


@dataclass(frozen=True)
class Verdict:
    label: bool
    why: str  # the rule that decided: "own line", "one of a list", …

    def __bool__(self) -> bool:
        return self.label


class LabelRules:
    """The label decision for one lexicon: its marker terms may stand beside each other."""

    def __init__(self, marker_terms: Iterable[str]):
        terms = sorted({t for t in marker_terms if t}, key=len, reverse=True)
        self._markers = re.compile("|".join(map(re.escape, terms))) if terms else None

    # ------------------------------------------------------------ the decision

    def verdict(self, doc: Doc, start: int, end: int) -> Verdict:
        """Label or prose, for the marker at normalised [start, end) of ``doc``."""
        before, after, line, at_edge = _geometry(doc, start, end)
        start, end = len(before), len(line) - len(after)

        if self._in_list(before, after):
            return Verdict(False, "one of a list")
        if P.LABEL_VERB_BEFORE.search(before):
            return Verdict(False, "object of a verb")
        if P.LABEL_PHRASE_AFTER.match(after) and not self._label_word_at(after):
            return Verdict(False, "part of a longer phrase")
        if P.LABEL_HEADING.match(line):
            return Verdict(False, "heading or numbered article")

        if P.LABEL_FIELD.search(before):
            return Verdict(True, "secrecy field")
        inner = _enclosure(line, start, end)
        if inner is not None and len(inner) <= P.LABEL_SEGMENT_MAX and not self.rest(inner):
            return Verdict(True, "bracketed")
        if len(line) <= P.LABEL_SEGMENT_MAX and not self.rest(line):
            return Verdict(True, "own line")
        sentence = _sentence(line, start, end)
        if len(sentence) <= P.LABEL_SEGMENT_MAX and not self.rest(sentence) and self._count(sentence) > 1:
            return Verdict(True, "label run into the text")
        if len(sentence) <= P.LABEL_SEGMENT_MAX and P.LABEL_DECLARATION.match(sentence):
            return Verdict(True, "declaration")
        if len(line) <= P.LABEL_SEGMENT_MAX and self._issuer(line):
            return Verdict(True, "issuer")
        if (
            len(line) <= P.LABEL_SEGMENT_MAX
            and at_edge
            and not P.LABEL_SENTENCE_END.search(line.rstrip("。!?; "))  # one sentence, not prose
            and self._clause_edge(line, start, end)
        ):
            words = self.other_words(line)
            if (
                sum(map(len, words)) <= P.LABEL_HEAD_FOOT_REST
                and max(map(len, words)) <= P.LABEL_HEAD_FOOT_WORD
            ):
                return Verdict(True, "head or foot")
        return Verdict(False, "in a sentence")

    # ------------------------------------------------------------ helpers

    def rest(self, segment: str) -> str:
        """What a segment holds besides markers, label words, punctuation and spacing."""
        if self._markers is not None:
            segment = self._markers.sub(" ", segment)
        segment = P.LABEL_WORDS.sub(" ", segment)
        return P.LABEL_NOISE.sub("", segment)

    def other_words(self, segment: str) -> list[str]:
        """The runs of other words in a segment (at least one, maybe empty)."""
        if self._markers is not None:
            segment = self._markers.sub(" ", segment)
        return P.LABEL_NOISE.split(P.LABEL_WORDS.sub(" ", segment))

    def _count(self, segment: str) -> int:
        return len(self._markers.findall(segment)) if self._markers is not None else 0

    def _clause_edge(self, line: str, start: int, end: int) -> bool:
        """The marker (with the markers next to it) starts or ends its clause."""
        a = max((m.end() for m in P.LABEL_CLAUSE_END.finditer(line, 0, start)), default=0)
        m = P.LABEL_CLAUSE_END.search(line, end)
        head, tail = line[a:start], line[end : m.start() if m else len(line)]
        if self._markers is not None:
            while (k := self._marker_ending(head)) is not None:
                head = head[:k]
            while (n := self._markers.match(tail)) is not None:
                tail = tail[n.end() :]
        return not head.strip() or not tail.strip()

    def _marker_ending(self, s: str) -> int | None:
        """Where a marker that ends ``s`` starts, if one does."""
        for m in self._markers.finditer(s, max(0, len(s) - 8)) if self._markers is not None else ():
            if m.end() == len(s) and m.start() < m.end():
                return m.start()
        return None

    def _label_word_at(self, s: str) -> bool:
        return bool(P.LABEL_WORDS.match(s) or (self._markers is not None and self._markers.match(s)))

    def _in_list(self, before: str, after: str) -> bool:
        """A conjunction joins the marker to a neighbour that is not itself a marker."""
        m = P.LABEL_LIST_BEFORE.search(before)
        if m and not self._ends_with_marker(before[: m.start()]):
            return True
        m = P.LABEL_LIST_AFTER.match(after)
        return bool(m) and not (self._markers is not None and self._markers.match(after, m.end()))

    def _ends_with_marker(self, s: str) -> bool:
        return self._marker_ending(s) is not None

    def _issuer(self, line: str) -> bool:
        if P.LABEL_SENTENCE_END.search(line.rstrip("。 \t")) or "," in line:
            return False
        name = self.rest(line)
        return 0 < len(name) <= P.LABEL_ISSUER_MAX and name.endswith(P.LABEL_ISSUER_SUFFIXES)


# ---------------------------------------------------------------- text geometry


def _geometry(doc: Doc, start: int, end: int) -> tuple[str, str, str, bool]:
    """The normalised text before and after the marker on its line or table cell, the whole
    line, and whether the line is at the head or foot of the document.

    Lines and cells are found in the original text: normalisation bridges the spaces and
    tabs between CJK characters (a dodge), which would join neighbouring cells. The
    translation is 1:1 and maps nothing to or from a newline, a tab or other whitespace, so
    line ends, cells and blank lines are the same in the original text; only the marker's
    own line is translated. Each search stays inside that line (cost: the line, never the
    document)."""
    raw = doc.original
    a, b = doc.norm.span(start, end)
    nl = raw.rfind("\n", 0, a)
    line_start = max(nl, raw.rfind("\t", nl + 1, a)) + 1
    nl = raw.find("\n", b)
    stop = nl if nl >= 0 else len(raw)
    tab = raw.find("\t", b, stop)
    line_end = tab if tab >= 0 else stop
    before = normalize_text(raw[line_start:a])  # translation is idempotent (normalize.py)
    after = normalize_text(raw[b:line_end])
    line = before + doc.text[start:end] + after
    return before, after, line, _at_head_or_foot(raw, line_start, line_end)


_ENCLOSING = "".join(dict.fromkeys([*P.LABEL_BRACKETS, *P.LABEL_BRACKETS.values(), *P.LABEL_BOX]))


def _enclosure(line: str, start: int, end: int) -> str | None:
    """The content of the brackets or box around [start, end) on its line, if any: the nearest
    bracket or box character before the marker decides (a closing bracket: not enclosed)."""
    i = max(line.rfind(ch, 0, start) for ch in _ENCLOSING)
    if i < 0:
        return None
    ch = line[i]
    if ch in P.LABEL_BRACKETS.values():
        return None  # a closed pair before us: not enclosed by it
    close = P.LABEL_BRACKETS.get(ch, ch)
    j = line.find(close, end)
    if j >= 0:
        return line[i + 1 : j]
    if ch in P.LABEL_BOX and not line[end:].strip():
        return line[i + 1 :]  # ■内部资料 at the end of its line
    return None


def _sentence(line: str, start: int, end: int) -> str:
    """The sentence of the line that holds [start, end)."""
    a = 0
    for m in P.LABEL_SENTENCE_END.finditer(line, 0, start):
        a = m.end()
    m = P.LABEL_SENTENCE_END.search(line, end)
    return line[a : m.start() if m else len(line)]


def _at_head_or_foot(text: str, line_start: int, line_end: int) -> bool:
    """The line is among the first or last non-blank lines of the text."""
    return _few_lines_beyond(text, line_start, -1) or _few_lines_beyond(text, line_end, 1)


def _few_lines_beyond(text: str, pos: int, step: int, n: int = P.LABEL_HEAD_FOOT_LINES) -> bool:
    """Fewer than ``n`` non-blank lines lie before (step -1) or after (step 1) ``pos``."""
    seen = 0
    while seen < n:
        if step < 0:
            nl = text.rfind("\n", 0, pos)
            piece = text[nl + 1 : pos]
        else:
            nl = text.find("\n", pos)
            piece = text[pos : nl if nl >= 0 else len(text)]
        if piece.strip():
            seen += 1
        if nl < 0:
            return seen < n
        pos = nl if step < 0 else nl + 1
    return False


__all__ = ["LabelRules", "Verdict"]
