"""The label rules' text geometry (screening/engine/labels.py) against plain character walks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine import patterns as P
from screening.engine.labels import _enclosure


def walk_back(line: str, start: int, end: int) -> str | None:
    """The enclosure as the rule reads: walk back from the marker to the nearest bracket or box."""
    for i in range(start - 1, -1, -1):
        ch = line[i]
        if ch in P.LABEL_BRACKETS.values():
            return None
        if ch in P.LABEL_BRACKETS or ch in P.LABEL_BOX:
            j = line.find(P.LABEL_BRACKETS.get(ch, ch), end)
            if j >= 0:
                return line[i + 1 : j]
            if ch in P.LABEL_BOX and not line[end:].strip():
                return line[i + 1 :]
            return None
    return None


_CHARS = st.sampled_from(list("内部资料文件通知 ，。") + list(P.LABEL_BRACKETS) + list(P.LABEL_BRACKETS.values()) + list(P.LABEL_BOX))  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_CHARS, max_size=30).map("".join), st.lists(_CHARS, max_size=30).map("".join))
def test_enclosure_is_the_nearest_bracket_or_box_before_the_marker(before, after):
    line = before + "内部资料" + after
    start, end = len(before), len(before) + 4
    assert _enclosure(line, start, end) == walk_back(line, start, end)


def test_enclosure_examples():
    assert _enclosure("【内部资料】", 1, 5) == "内部资料"
    assert _enclosure("】内部资料【", 1, 5) is None
    assert _enclosure("■内部资料", 1, 5) == "内部资料"
    assert _enclosure("(注意)内部资料", 4, 8) is None
