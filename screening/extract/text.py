"""Plain text in any Chinese encoding (BOM, UTF-8, GB18030/GBK/GB2312, Big5)."""

from __future__ import annotations

from .base import Extracted, Limits
from .codec import sniff_decode


def extract_text(data: bytes, limits: Limits, *, charset: str | None = None) -> Extracted:
    text, _ = sniff_decode(data, charset)
    return Extracted.ok(text.replace("\r\n", "\n").replace("\r", "\n"), "txt")
