"""Overlap resolution (screening/engine/spans.py) against a single pass in key order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine.spans import DisjointSpans, greedy


def one_pass(items: list, key) -> list:
    """The rule as written: every item in key order, kept unless it overlaps a kept one."""
    kept = DisjointSpans()
    out = []
    for it in sorted(items, key=key):
        if not kept.overlaps(it[0], it[1]):
            kept.add(it[0], it[1])
            out.append(it)
    out.sort(key=lambda t: (t[0], t[1]))
    return out


_ITEM = st.tuples(st.integers(0, 40), st.integers(1, 6), st.integers(0, 3), st.integers(0, 10**6)).map(
    lambda t: (t[0], t[0] + t[1], t[2], t[3])  # start, end, a rank, a tie-breaker
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_ITEM, max_size=30))
def test_greedy_by_clusters_keeps_what_one_pass_in_key_order_keeps(items):
    for key in (
        lambda t: (-t[2], -(t[1] - t[0]), t[0]),  # the scorer's: severity, length, position
        lambda t: (-(t[1] - t[0]), t[0]),  # the matcher's
        lambda t: t[3],
    ):
        assert greedy(items, key) == one_pass(items, key)


def test_greedy_examples():
    items = [(0, 4, "a"), (2, 6, "b"), (6, 8, "c"), (7, 9, "d"), (20, 22, "e"), (20, 22, "f")]
    assert greedy(items, key=lambda t: -(t[1] - t[0])) == [(0, 4, "a"), (6, 8, "c"), (20, 22, "e")]
    assert greedy(items, key=lambda t: t[2] in "bf") == [(0, 4, "a"), (6, 8, "c"), (20, 22, "e")]
    assert greedy(items, key=lambda t: t[2] not in "bdf") == [(2, 6, "b"), (7, 9, "d"), (20, 22, "f")]
