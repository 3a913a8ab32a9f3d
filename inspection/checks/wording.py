"""Wrong forms of fixed phrases, titles and names (严重表述错误), and watched names.

``check_wording``: every ``wrong`` form of the lexicon that stands on jieba token boundaries
(the screen's candidate-then-segment engine, ``terms.py``) and does not lie inside an occurrence
of a ``right`` form (党的十八大以来 is right even if 十八大以来 were listed as wrong).

``check_watch``: a watched name on token boundaries, on a page published after its ``since``
day.  A Chinese name inside a longer name (王伟 in 王伟明) is no hit: the name must not be
followed by a lone character that the segmenter attaches to nothing (a given-name character);
single-character words that commonly follow a name (的, 在, 和 …) are allowed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from .lists import WatchList, WordingLexicon
from .terms import TermIndex, context, drop_overlaps

# single characters that may follow a person's name in running text
NAME_FOLLOWERS = frozenset(
    "的在和与及同等为是向对将了说称讲把被于由从给到任兼去来曾已又也都就亦均还被、"
    "率陪主出指强表要代会作带签致发抓看听查访"
)


@dataclass(frozen=True)
class WordingHit:
    text: str  # the wrong form as written in the text
    suggestion: str  # the right form
    severity: str  # serious | normal
    context: str
    start: int  # offsets into the given text
    end: int
    note: str = ""


@dataclass(frozen=True)
class WatchHit:
    text: str
    context: str
    start: int
    end: int
    since: dt.date
    note: str = ""


@lru_cache(maxsize=8)
def _wording_index(key: tuple) -> tuple[TermIndex, int]:
    wrongs = [w for w, _r, _f in key]
    rights = sorted({r for _w, r, _f in key} - set(wrongs))
    # only the wrong forms are user words: a right form made a word would compete with them
    return TermIndex(wrongs + rights, [(w, f) for w, _r, f in key]), len(wrongs)


def check_wording(text: str, lexicon: WordingLexicon) -> list[WordingHit]:
    """Wrong forms in ``text`` (offsets into ``text``), in order, overlaps resolved longest first."""
    entries = list(lexicon.entries.values())
    if not text or not entries:
        return []
    key = tuple((e.wrong, e.right, e.freq) for e in entries)
    index, n_wrong = _wording_index(key)
    norm, found, _ = index.find(text, align=n_wrong)
    right_spans = [(o.norm_start, o.norm_end) for o in found if o.index >= n_wrong]
    by_wrong = {e.wrong: e for e in entries}
    hits = []
    for o in found:
        if o.index >= n_wrong or not o.aligned:
            continue
        entry = by_wrong[index.terms[o.index]]
        # inside a right form (this entry's or another's): the text reads correctly there
        if any(
            s <= o.norm_start and o.norm_end <= e and (e - s) > (o.norm_end - o.norm_start)
            for s, e in right_spans
        ):
            continue
        hits.append(
            WordingHit(
                text=text[o.start : o.end],
                suggestion=entry.right,
                severity=entry.severity,
                context=context(text, o.start, o.end),
                start=o.start,
                end=o.end,
                note=entry.note,
            )
        )
    rank = {"serious": 0, "normal": 1}
    return drop_overlaps(hits, key=lambda h: (-(h.end - h.start), rank[h.severity], h.start))


@lru_cache(maxsize=8)
def _watch_index(names: tuple[str, ...]) -> TermIndex:
    return TermIndex(list(names), [(n, None) for n in names])


def check_watch(
    text: str, published: dt.date | None, watch: WatchList, undated: bool = False
) -> list[WatchHit]:
    """Watched names named in ``text`` of a page published after their ``since`` day.

    ``published`` None (an undated page): names are reported only when ``undated`` is True
    (the caller decides; a page without a date cannot be shown to postdate the removal, so the
    default is no hit).  A page published on the ``since`` day itself is no hit.
    """
    if not text or not watch.entries:
        return []
    if published is None and not undated:
        return []
    names = tuple(sorted(watch.entries))
    due = {n for n in names if published is None or published > watch.entries[n].since}
    if not due:
        return []
    index = _watch_index(names)
    norm, found, bounds = index.find(text)
    hits = []
    for o in found:
        name = index.terms[o.index]
        if name not in due or not o.aligned or _continues_name(norm.text, o.norm_end, index):
            continue
        entry = watch.entries[name]
        hits.append(
            WatchHit(
                text[o.start : o.end], context(text, o.start, o.end), o.start, o.end, entry.since, entry.note
            )
        )
    return drop_overlaps(hits, key=lambda h: (-(h.end - h.start), h.start))


def _continues_name(norm: str, end: int, index: TermIndex) -> bool:
    """True when the name runs on into a longer name: a lone CJK character the segmenter leaves alone."""
    if end >= len(norm) or not ("\u4e00" <= norm[end] <= "\u9fff"):
        return False
    if norm[end] in NAME_FOLLOWERS:
        return False
    stop = end
    while stop < len(norm) and "\u4e00" <= norm[stop] <= "\u9fff" and stop - end < 12:
        stop += 1
    first = next(iter(index.tokenizer.cut(norm[end:stop], HMM=False)), "")
    return len(first) == 1
