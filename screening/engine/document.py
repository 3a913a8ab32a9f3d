"""The text being screened, with the small look-around helpers detectors and scorer share."""

from __future__ import annotations

from dataclasses import dataclass, field

from .normalize import Normalized, normalize
from .patterns import CLAUSE_END, CONTEXT_WINDOW


@dataclass
class Doc:
    norm: Normalized
    url: str | None = None
    cache: dict = field(default_factory=dict)  # per-document scratch shared by detectors

    @classmethod
    def from_text(cls, text: str, url: str | None = None) -> Doc:
        return cls(normalize(text), url)

    @property
    def text(self) -> str:
        """The normalised text."""
        return self.norm.text

    @property
    def original(self) -> str:
        return self.norm.original

    def around(self, start: int, end: int, window: int = CONTEXT_WINDOW) -> str:
        t = self.norm.text
        return t[max(0, start - window) : start] + "\x00" + t[end : end + window]

    def near(self, start: int, end: int, words, window: int = CONTEXT_WINDOW) -> str | None:
        """The first of ``words`` found within ``window`` characters either side, else None."""
        ctx = self.around(start, end, window)
        for w in words:
            if w in ctx:
                return w
        return None

    def clause_before(self, start: int, limit: int) -> str:
        """Up to ``limit`` characters before ``start``, cut at the last clause end."""
        t = self.norm.text
        piece = t[max(0, start - limit) : start]
        cut = max(piece.rfind(c) for c in CLAUSE_END)
        return piece[cut + 1 :]
