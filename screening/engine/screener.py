"""The screener: normalise, run the detectors and the lexicon matcher, score, build hits."""

from __future__ import annotations

from .document import Doc
from .labels import LabelRules
from .lexicon import PRIVATE_LEXICON_ENV, REPO_LEXICON, Lexicon, default_lexicon_paths, load_lexicon
from .masking import mask_hit_text, snippets
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
        span = doc.norm.span
        # sorted by (start, end, kind); the index keeps equal keys in their found order
        spans = sorted((*span(c.start, c.end), c.kind, i, c) for i, c in enumerate(cands))
        personal = [(s, e, k) for s, e, k, _, _ in spans if k in PERSONAL_KINDS]
        original = doc.original
        masked = {p: mask_hit_text(p[2], original[p[0] : p[1]]) for p in personal}
        contexts = snippets(original, [(s, e) for s, e, _, _, _ in spans], personal, masked)
        # positional arguments: a frozen dataclass's keyword __init__ costs a third more, per hit
        return [
            Hit(
                k,
                c.rule,
                c.severity,
                s,
                e,
                masked.get((s, e, k)) or original[s:e],
                ctx,
                round(c.confidence, 3),
            )
            for (s, e, k, _, c), ctx in zip(spans, contexts, strict=True)
        ]


def default_screener(threshold: str = "medium") -> Screener:
    """The repo's lexicon (config/lexicon/) plus the private list named by $PATROL_PRIVATE_LEXICON."""
    return Screener(load_lexicon(default_lexicon_paths()), threshold=threshold)
