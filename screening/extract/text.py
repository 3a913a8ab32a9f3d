"""Plain text in any Chinese encoding (BOM, UTF-8, GB18030/GBK/GB2312, Big5)."""

from __future__ import annotations

from .base import Extracted, Limits
from .codec import sniff_decode


def extract_text(data: bytes, limits: Limits, *, charset: str | None = None) -> Extracted:
    text, _ = sniff_decode(data, charset)
    if "\r" in text:  # one scan of a large text instead of two where it has no CR (most do not)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Extracted.ok(text, "txt")
