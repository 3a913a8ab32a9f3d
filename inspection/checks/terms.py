"""Literal terms on jieba token boundaries: the confidentiality screen's engine, reused.

The screen's recipe (screening.engine.matcher): one Aho-Corasick pass over the normalised text
finds every occurrence of every term; a dedicated ``jieba.Tokenizer`` (the default dictionary plus
the terms as user words, HMM off) then segments only the jieba block around each candidate, and a
candidate counts when both its ends are token boundaries.  Text is normalised first
(screening.engine.normalize: full-width -> half-width, traditional -> simplified, zero-width and
dodge characters between CJK characters dropped) and every span is mapped back to the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from screening.engine.matcher import PatternIndex, WindowBoundaries, lexicon_tokenizer
from screening.engine.normalize import Normalized, normalize, normalize_text

CONTEXT_CHARS = 20  # characters of context either side of a hit


@dataclass(frozen=True)
class _Word:
    """What ``lexicon_tokenizer`` reads from a lexicon entry."""

    term: str
    freq: int | None = None


@dataclass(frozen=True)
class Occurrence:
    """One term found in the normalised text: its index among the terms, spans in both texts."""

    index: int
    start: int  # original text
    end: int
    norm_start: int
    norm_end: int
    aligned: bool  # both ends on token boundaries


class TermIndex:
    """Occurrences of many literal terms; ``words`` are the terms given to the segmenter."""

    def __init__(self, terms: list[str], words: Iterable[tuple[str, int | None]] = ()):
        self.terms = [normalize_text(t) for t in terms]
        self.index = PatternIndex([t for t in self.terms if t])
        self._ids = [i for i, t in enumerate(self.terms) if t]
        self.tokenizer = lexicon_tokenizer(_Word(normalize_text(w), f) for w, f in words)

    def find(
        self, text: str, align: int | None = None
    ) -> tuple[Normalized, list[Occurrence], WindowBoundaries]:
        """Every occurrence; token boundaries are checked for terms with an index below ``align``
        (all by default: the others, e.g. right forms, need no segmenting and read ``aligned`` False)."""
        norm = normalize(text)
        bounds = WindowBoundaries(self.tokenizer, norm.text)
        out = []
        for s, e, i in self.index.find(norm.text):
            os_, oe = norm.span(s, e)
            idx = self._ids[i]
            aligned = (align is None or idx < align) and s in bounds and e in bounds
            out.append(Occurrence(idx, os_, oe, s, e, aligned))
        return norm, out, bounds


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The hit with ``width`` characters either side, on one line."""
    snippet = text[max(0, start - width) : end + width]
    return " ".join(snippet.split())


def drop_overlaps(spans: list, key) -> list:
    """Keep spans greedily by ``key`` (best first) so that no two kept ones overlap."""
    kept: list = []
    for sp in sorted(spans, key=key):
        if all(sp.end <= k.start or sp.start >= k.end for k in kept):
            kept.append(sp)
    return sorted(kept, key=lambda k: k.start)
