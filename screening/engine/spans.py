"""Interval helpers used for overlap resolution (n log n, no quadratic scans)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort


class DisjointSpans:
    """A growing set of non-overlapping half-open spans."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self._starts, e)  # spans starting before e
        return i > 0 and self._ends[i - 1] > s

    def add(self, s: int, e: int) -> None:
        i = bisect_right(self._starts, s)
        self._starts.insert(i, s)
        self._ends.insert(i, e)


class Covering:
    """Answers: is [s, e) inside one of these (possibly overlapping) spans?"""

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self._starts = [a for a, _ in spans]
        self._maxend: list[int] = []
        m = -1
        for _, b in spans:
            m = max(m, b)
            self._maxend.append(m)

    def covers(self, s: int, e: int) -> bool:
        i = bisect_right(self._starts, s)
        return i > 0 and self._maxend[i - 1] >= e


class SpanIndex:
    """Answers: does [s, e) overlap any of these (possibly overlapping) spans?"""

    def __init__(self, spans):
        spans = sorted(spans)
        self._starts = [a for a, _ in spans]
        self._maxend: list[int] = []
        m = -1
        for _, b in spans:
            m = max(m, b)
            self._maxend.append(m)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self._starts, e)
        return i > 0 and self._maxend[i - 1] > s


def greedy(items: list, key) -> list:
    """Keep items (tuples starting with start, end) in ``key`` order, skipping overlaps with kept ones."""
    kept = DisjointSpans()
    out = []
    for it in sorted(items, key=key):
        if not kept.overlaps(it[0], it[1]):
            kept.add(it[0], it[1])
            out.append(it)
    out.sort(key=lambda t: (t[0], t[1]))
    return out


__all__ = ["DisjointSpans", "Covering", "SpanIndex", "greedy", "insort"]
