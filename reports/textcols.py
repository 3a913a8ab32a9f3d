"""Fixed-width terminal columns for Chinese text (CJK characters take two cells)."""

from __future__ import annotations


def width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))
