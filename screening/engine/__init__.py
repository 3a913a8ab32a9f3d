"""Confidentiality screening engine: pure Python (no Django, no Scrapy).

from screening.engine import default_screener
result = default_screener().screen(text, url=page_url)
result.flagged, result.severity, result.hits
"""

from .lexicon import Entry, Lexicon, LexiconError, load_lexicon
from .normalize import Normalized, OffsetMap, normalize
from .registry import KIND_LABELS, SEVERITY_LABELS, Detector, kind_label
from .screener import Screener, default_screener
from .types import KINDS, SEVERITIES, Hit, ScreenResult, severity_rank

__all__ = [
    "Hit",
    "ScreenResult",
    "Screener",
    "Lexicon",
    "Entry",
    "LexiconError",
    "load_lexicon",
    "default_screener",
    "normalize",
    "Normalized",
    "OffsetMap",
    "KINDS",
    "SEVERITIES",
    "severity_rank",
    "Detector",
    "KIND_LABELS",
    "SEVERITY_LABELS",
    "kind_label",
]
