"""The screener: normalise, run the detectors and the lexicon matcher, score, build hits."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from .document import Doc
from .labels import LabelRules
from .lexicon import PRIVATE_LEXICON_ENV, REPO_LEXICON, Lexicon, default_lexicon_paths, load_lexicon
from .masking import mask_hit_text, snippet
from .matcher import KeywordMatcher
from .registry import pattern_detectors
from .scoring import page_severity, score
from .types import PERSONAL_KINDS, SEVERITIES, Candidate, Hit, ScreenResult, severity_rank

__all__ = ["Screener", "default_screener", "REPO_LEXICON", "PRIVATE_LEXICON_ENV"]


class Screener:
    def __init__(
        self, lexicon: Lexicon | None = None, threshold: str = "medium", *, backend: str | None = None
    ):
        if threshold not in SEVERITIES:
            raise ValueError(f"threshold: {threshold!r} is not one of {list(SEVERITIES)}")
        # no lexicon given: the repo's default plus the private list ($PATROL_PRIVATE_LEXICON)
        self.lexicon = lexicon if lexicon is not None else load_lexicon(default_lexicon_paths())
        self.threshold = threshold
        self._backend = backend
        self._detectors = [cls() for cls in pattern_detectors()]
        self.last_stats: dict = {}
        self._build()

    def _build(self) -> None:
        self._keywords = KeywordMatcher(self.lexicon, self._backend)
        self._labels = LabelRules(
            e.term for e in self.lexicon.entries.values() if e.kind == "internal_marker"
        )
        self._version = self.lexicon.version

    def reload(self) -> None:
        """Re-read the lexicon files and rebuild the automaton and tokenizer."""
        self.lexicon.reload()
        self._build()

    @property
    def tokenizer(self):
        return self._keywords.tokenizer

    def preload(self, dictionary: bool = False) -> Screener:
        """Load now what a screen would load on demand, for a process that forks workers (the
        screening pool's template): jieba and the lexicon's tokenizer, and with ``dictionary``
        all of jieba's dictionary (one copy shared by the forks, instead of each worker reading
        the buckets its pages need)."""
        tk = self.tokenizer
        if dictionary and hasattr(tk, "load_all"):
            tk.load_all()
        return self

    def screen(self, text: str, *, url: str | None = None) -> ScreenResult:
        return self._screen(text, url, "window")

    def reference_screen(self, text: str, *, url: str | None = None) -> ScreenResult:
        """Same screen, but token boundaries come from segmenting the whole normalised text."""
        return self._screen(text, url, "whole")

    def _screen(self, text: str, url: str | None, mode: str) -> ScreenResult:
        if self.lexicon.version != self._version:
            self._build()
        doc = Doc.from_text(text, url)
        cands: list[Candidate] = []
        for det in self._detectors:
            cands.extend(det.detect(doc))
        kw, context, bounds = self._keywords.match(doc.text, mode)
        cands.extend(kw)
        cands = score(
            doc,
            cands,
            context=context,
            suppressed_kinds=self.lexicon.url_suppressed_kinds(url),
            labels=self._labels,
        )
        hits = self._hits(doc, cands)
        severity = page_severity(cands)
        self.last_stats = {
            "chars": len(text),
            "segmented_chars": getattr(bounds, "segmented_chars", 0),
            "candidates": len(kw),
        }
        return ScreenResult(
            hits=hits,
            severity=severity,
            flagged=severity_rank(severity) >= severity_rank(self.threshold),
            kinds=sorted({h.kind for h in hits}),
        )

    @staticmethod
    def _hits(doc: Doc, cands: list[Candidate]) -> list[Hit]:
        spans = [(c, *doc.norm.span(c.start, c.end)) for c in cands]
        spans.sort(key=lambda t: (t[1], t[2], t[0].kind))
        personal = [(s, e, c.kind) for c, s, e in spans if c.kind in PERSONAL_KINDS]
        starts = [p[0] for p in personal]
        original = doc.original
        masked = {(s, e, c.kind): mask_hit_text(c.kind, original[s:e]) for c, s, e in spans}
        hits = []
        for c, s, e in spans:
            # only the personal spans near this hit matter for its snippet
            lo = bisect_left(starts, s - 200)
            hi = bisect_right(starts, e + 200)
            hits.append(
                Hit(
                    kind=c.kind,
                    rule=c.rule,
                    severity=c.severity,
                    start=s,
                    end=e,
                    text=masked[s, e, c.kind],
                    context=snippet(original, s, e, personal[lo:hi], masked=masked),
                    confidence=round(c.confidence, 3),
                )
            )
        return hits


def default_screener(threshold: str = "medium") -> Screener:
    """The repo's lexicon (config/lexicon/) plus the private list named by $PATROL_PRIVATE_LEXICON."""
    return Screener(load_lexicon(default_lexicon_paths()), threshold=threshold)
