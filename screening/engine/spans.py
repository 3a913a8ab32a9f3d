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
    """Keep items (tuples starting with start, end: non-empty spans, as hits are) in ``key``
    order (ties: in the order given), skipping overlaps with kept ones; the kept items in
    (start, end) order.

    Only items that overlap, directly or through others, can take each other's place: the
    items are cut into such clusters in one sweep, an item alone in its cluster is kept as it
    is, and the key order is followed within each cluster (most hits of a large document stand
    alone; the result is the same as following the key order over all of them)."""
    order = sorted(range(len(items)), key=lambda i: (items[i][0], items[i][1]))
    out: list = []
    cluster: list[int] = []
    reach = None  # the furthest end in the current cluster
    for i in order:
        it = items[i]
        if reach is not None and it[0] < reach:
            cluster.append(i)
            reach = max(reach, it[1])
            continue
        _settle(items, cluster, key, out)
        cluster = [i]
        reach = it[1]
    _settle(items, cluster, key, out)
    return out


def _settle(items: list, cluster: list[int], key, out: list) -> None:
    if len(cluster) == 1:
        out.append(items[cluster[0]])
        return
    kept = DisjointSpans()
    chosen = []
    for i in sorted(sorted(cluster), key=lambda i: key(items[i])):  # given order, then key order
        it = items[i]
        if not kept.overlaps(it[0], it[1]):
            kept.add(it[0], it[1])
            chosen.append(it)
    chosen.sort(key=lambda t: (t[0], t[1]))
    out.extend(chosen)


__all__ = ["DisjointSpans", "Covering", "SpanIndex", "greedy", "insort"]
