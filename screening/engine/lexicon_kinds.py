"""The two kinds whose hits come from lexicon entries (matcher.py finds them, no ``detect``).

A lexicon entry names its kind and severity (lexicon.py); these classes declare the rest:
the label a reviewer reads and the scoring rule that judges a term in its context (one pass
over every lexicon hit, so the two kinds share it).
"""

from __future__ import annotations

from . import scoring as S
from .registry import Detector


class InternalMarkers(Detector):
    """内部资料, 不得外传, 工作秘密 … : medium as a label of the document, low in a sentence."""

    kind = "internal_marker"
    label = "内部资料标志"
    severity = "medium"
    lexicon = True
    stage = 50
    rules = (S.score_lexicon,)


class Keywords(Detector):
    """A lexicon term on jieba token boundaries; its entry gives the severity (default low)."""

    kind = "keyword"
    label = "关键词"
    severity = "low"
    lexicon = True
    stage = 50
    rules = (S.score_lexicon,)


__all__ = ["InternalMarkers", "Keywords"]
