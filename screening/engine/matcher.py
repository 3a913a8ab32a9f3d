"""Lexicon matching: a multi-pattern scan for candidates, jieba for token boundaries.

1. One Aho-Corasick pass over the normalised text finds every occurrence of
   every lexicon term, allowlist phrase and context phrase (overlapping
   matches included; overlaps are resolved here, not by the automaton).
2. A term counts as a hit when both its ends fall on token boundaries of a
   dedicated ``jieba.Tokenizer`` (lexicon terms added as user words, HMM off).
   jieba cuts the text into blocks of ``re_han_default`` characters and
   segments each block on its own, so segmenting only the block around a
   candidate gives exactly the boundaries that segmenting the whole text
   gives; ``mode="whole"`` does the latter and serves as the reference.
3. A term the segmenter splits (有机/密封, 杜绝/密切) is kept as a ``low``
   ``keyword`` hit with rule ``lexicon-substring:<term>``.

Cost: jieba is imported only when a candidate needs boundaries; its dictionary is loaded
bucket by bucket as the blocks being segmented need it (dictionary.py); a block already
segmented is not segmented again (``block_cuts``); long texts are scanned by ahocorasick_rs
over their UTF-8 bytes.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from math import log
from typing import TYPE_CHECKING

from .dictionary import import_jieba, lazy_tokenizer
from .lexicon import Entry, Lexicon
from .spans import Covering, DisjointSpans, greedy
from .types import Candidate, severity_rank

if TYPE_CHECKING:
    import jieba

# ------------------------------------------------------------ multi-pattern scan

BACKENDS: dict[str, type] = {}
SMALL_AUTOMATON = 150  # below this many patterns pyahocorasick is the faster scanner on a page
LARGE_TEXT = 1 << 16  # from this many characters on, ahocorasick_rs is, whatever the patterns


def backend(name: str):
    def deco(cls: type) -> type:
        cls.name = name
        BACKENDS[name] = cls
        return cls

    return deco


@backend("pyahocorasick")
class _PyAhoCorasick:
    def __init__(self, patterns: list[str]):
        import ahocorasick

        self._auto = ahocorasick.Automaton()
        for i, p in enumerate(patterns):
            self._auto.add_word(p, (i, len(p)))
        self._empty = not patterns
        if patterns:
            self._auto.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if self._empty:
            return []
        return [(end + 1 - n, end + 1, i) for end, (i, n) in self._auto.iter(text)]


@backend("ahocorasick_rs")
class _RsAhoCorasick:
    """ahocorasick_rs over the UTF-8 bytes of the text (its ``str`` interface converts the text
    and every offset, about four times slower); byte offsets are turned into character offsets
    in one pass. A UTF-8 pattern can only match at a character boundary."""

    def __init__(self, patterns: list[str]):
        import ahocorasick_rs

        self._lens = [len(p) for p in patterns]
        self._patterns = list(patterns)
        self._ac = (
            ahocorasick_rs.BytesAhoCorasick([p.encode("utf-8", "surrogatepass") for p in patterns])
            if patterns
            else None
        )

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if self._ac is None:
            return []
        data = text.encode("utf-8", "surrogatepass")
        found = self._ac.find_matches_as_indexes(data, overlapping=True)
        if len(data) == len(text):  # ASCII: bytes are characters
            return [(s, e, i) for i, s, e in found]
        # Byte order is character order. Every occurrence of every pattern is reported, so the
        # occurrence of a pattern that starts at the next byte offset is its first one in the
        # text after the previous match's character (or at it, for the same byte offset).
        found.sort(key=lambda m: m[1])
        out = []
        prev_byte, prev_char = -1, -1
        lens, patterns = self._lens, self._patterns
        for i, s, _ in found:
            c = text.find(patterns[i], prev_char + (s > prev_byte), len(text))
            if c < 0:  # cannot happen; the slow way keeps the result right regardless
                c = len(data[:s].decode("utf-8", "surrogatepass"))
            out.append((c, c + lens[i], i))
            prev_byte, prev_char = s, c
        return out


def choose_backend(n_patterns: int) -> str:
    if n_patterns >= SMALL_AUTOMATON:
        try:
            import ahocorasick_rs  # noqa: F401

            return "ahocorasick_rs"
        except ImportError:
            pass
    return "pyahocorasick"


class PatternIndex:
    """All occurrences of many literal patterns, sorted by (start, end, index)."""

    def __init__(self, patterns: list[str], backend_name: str | None = None):
        self.patterns = patterns
        self._fixed = backend_name is not None
        self.backend_name = backend_name or choose_backend(len(patterns))
        self._impl = BACKENDS[self.backend_name](patterns)
        self._large = None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        impl = self._impl
        if len(text) >= LARGE_TEXT and not self._fixed and self.backend_name != "ahocorasick_rs":
            # a long text: the byte scanner's speed outweighs its per-call overhead
            if self._large is None:
                self._large = BACKENDS[choose_backend(SMALL_AUTOMATON)](self.patterns)
            impl = self._large
        return sorted(impl.find(text))


# ------------------------------------------------------------ jieba boundaries

# jieba.re_han_default's block characters (a test checks they are jieba's own): jieba is
# imported only when a candidate needs its boundaries
_HAN_CLASS = "[\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]"
_NONHAN = re.compile("[^" + _HAN_CLASS[1:])
_HAN_CHAR = re.compile(_HAN_CLASS)

_base_lock = threading.Lock()
_base: jieba.Tokenizer | None = None
_tokenizers: dict[tuple, jieba.Tokenizer] = {}  # noqa: F821


def base_tokenizer() -> jieba.Tokenizer:
    """jieba's default dictionary, all of it, loaded once per process (builds dictionary.py's store)."""
    global _base
    with _base_lock:
        if _base is None:
            jieba = import_jieba()
            level = jieba.default_logger.level
            jieba.default_logger.setLevel(logging.WARNING)
            try:
                tk = jieba.Tokenizer()
                tk.initialize()
            finally:
                jieba.default_logger.setLevel(level)
            _base = tk
        return _base


def lexicon_tokenizer(entries: Iterable[Entry]) -> jieba.Tokenizer:
    """A dedicated tokenizer: jieba's dictionary plus the lexicon terms as user words (cached)."""
    words = sorted({(e.term, e.freq or 0) for e in entries if _is_token_like(e.term)})
    key = tuple(words)
    with _base_lock:
        tk = _tokenizers.get(key)
    if tk is not None:
        return tk
    # jieba's dictionary, loaded bucket by bucket as the text needs it (dictionary.py): a
    # page's screen no longer pays for loading all of it
    tk = lazy_tokenizer()
    for term, freq in words:
        tk.add_word(term, freq or None)
    with _base_lock:
        _tokenizers[key] = tk
    return tk


def _is_token_like(term: str) -> bool:
    """Only terms made of jieba's block characters can ever be one token."""
    return bool(term) and _NONHAN.search(term) is None


_HAN_RUN = re.compile(_HAN_CLASS + "*")


def _block_start(text: str, pos: int) -> int:
    """Start of the run of jieba block characters that ends at ``pos`` (looking back in steps)."""
    while pos > 0:
        lo = max(0, pos - 64)
        back = text[lo:pos][::-1]
        n = _HAN_RUN.match(back).end()
        pos -= n
        if n < len(back):
            break
    return pos


_CUTS_KEPT = 20_000  # blocks remembered per tokenizer (boilerplate repeats across a document)


def block_cuts(tk: jieba.Tokenizer, block: str) -> tuple[int, ...]:
    """Token ends inside one jieba block, relative to its start (HMM off).

    A block's cut depends only on the block and the tokenizer's dictionary, which never
    changes for a lexicon's tokenizer, so identical blocks (a letterhead, a repeated table
    header, the same clause in every paragraph) are segmented once."""
    memo = tk.__dict__.setdefault("_patrol_cuts", {})
    got = memo.get(block)
    if got is None:
        got = dag_ends(tk, block)
        if len(memo) >= _CUTS_KEPT:
            memo.clear()
        memo[block] = got
    return got


def dag_ends(tk: jieba.Tokenizer, block: str) -> tuple[int, ...]:
    """Token ends of ``tk.cut(block, HMM=False)`` for one jieba block, computed as jieba computes
    them, in one function instead of jieba's four.

    jieba builds the block's DAG (``get_DAG``: from each position, every dictionary word that
    starts there), then the best route from the right (``calc``: the maximum of
    ``(log(freq) - log(total) + route[x + 1], x)`` over the words ``[k, x]``, ties to the longer
    word), walks it from the left and joins runs of one-character ASCII letters and digits into
    one token (``__cut_DAG_NO_HMM``). Here the route is computed while the dictionary is walked,
    from the right, with the same floating-point operations in the same order, so the cut is
    jieba's to the bit (a test compares them on real prose and on random blocks); it takes about
    half the time, which matters for a large document's thousands of candidate blocks."""
    ensure = getattr(tk, "ensure", None)  # a LazyTokenizer loads the buckets the block can use
    if ensure is not None:
        ensure(block)
    freq = tk.FREQ
    get = freq.get
    logtotal = log(tk.total)
    n = len(block)
    score = [0.0] * (n + 1)
    nxt = [0] * (n + 1)  # exclusive end of the best word starting at k
    for k in range(n - 1, -1, -1):
        best = None
        best_x = k
        i = k
        frag = block[k]
        while i < n:
            f = get(frag)
            if f is None:
                break
            if f:
                s = log(f) - logtotal + score[i + 1]
                if best is None or s >= best:  # ties: the longer word (a larger x), as max() of tuples
                    best, best_x = s, i
            i += 1
            frag = block[k : i + 1]
        if best is None:
            best = log(get(block[k]) or 1) - logtotal + score[k + 1]
        score[k] = best
        nxt[k] = best_x + 1
    ends = []
    x = 0
    pending = False  # one-character ASCII letters or digits waiting to be joined
    while x < n:
        y = nxt[x]
        if y - x == 1 and block[x] in _ASCII_ALNUM:
            pending = True
        else:
            if pending:
                ends.append(x)
                pending = False
            ends.append(y)
        x = y
    if pending:
        ends.append(n)
    return tuple(ends)


_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's re_eng


class WindowBoundaries:
    """Token boundaries found by segmenting only the jieba block around a position."""

    def __init__(self, tokenizer: jieba.Tokenizer, text: str):
        self.tk = tokenizer
        self.text = text
        self._blocks: dict[int, set[int]] = {}  # block end -> boundaries inside the block
        self.segmented_chars = 0

    def __contains__(self, pos: int) -> bool:
        text = self.text
        if pos <= 0 or pos >= len(text):
            return True
        if not (_HAN_CHAR.match(text, pos - 1) and _HAN_CHAR.match(text, pos)):
            return True
        m = _NONHAN.search(text, pos)
        end = m.start() if m else len(text)
        cuts = self._blocks.get(end)
        if cuts is None:
            start = _block_start(text, pos - 1)
            cuts = {start + c for c in block_cuts(self.tk, text[start:end])}
            self._blocks[end] = cuts
            self.segmented_chars += end - start
        return pos in cuts


class WholeBoundaries:
    """Token boundaries of the whole text segmented at once (the reference)."""

    def __init__(self, tokenizer: jieba.Tokenizer, text: str):
        cuts = {0}
        at = 0
        for word in tokenizer.cut(text, HMM=False):
            at += len(word)
            cuts.add(at)
        self._cuts = cuts
        self.segmented_chars = len(text)

    def __contains__(self, pos: int) -> bool:
        return pos in self._cuts


BOUNDARY_MODES = {"window": WindowBoundaries, "whole": WholeBoundaries}

# ------------------------------------------------------------ keyword matcher


class KeywordMatcher:
    def __init__(self, lexicon: Lexicon, backend_name: str | None = None):
        self.lexicon = lexicon
        patterns: list[str] = []
        self._roles: list[tuple[Entry | None, bool, bool]] = []  # (entry, is_allow, is_context)
        index: dict[str, int] = {}
        allow = set(lexicon.allow_phrases)
        context = set(lexicon.context_phrases)
        for p in list(lexicon.entries) + lexicon.allow_phrases + lexicon.context_phrases:
            if p and p not in index:
                index[p] = len(patterns)
                patterns.append(p)
                self._roles.append((lexicon.entries.get(p), p in allow, p in context))
        self.index = PatternIndex(patterns, backend_name)
        self._tokenizer = None

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The lexicon's tokenizer, made when a candidate first needs token boundaries."""
        if self._tokenizer is None:
            self._tokenizer = lexicon_tokenizer(self.lexicon.entries.values())
        return self._tokenizer

    def match(self, text: str, mode: str = "window") -> tuple[list[Candidate], bool, object]:
        """Lexicon candidates in normalised coordinates, whether a context phrase occurs, the boundary oracle."""
        found = self.index.find(text)
        allow_spans: list[tuple[int, int]] = []
        terms: list[tuple[int, int, Entry]] = []
        context = False
        for s, e, i in found:
            entry, is_allow, is_context = self._roles[i]
            if is_allow:
                allow_spans.append((s, e))
            if is_context:
                context = True
            if entry is not None:
                terms.append((s, e, entry))
        if allow_spans:
            cover = Covering(allow_spans)
            terms = [t for t in terms if not cover.covers(t[0], t[1])]
        if not terms:
            return [], context, None
        bounds = BOUNDARY_MODES[mode](self.tokenizer, text)
        aligned, split = [], []
        for s, e, entry in terms:
            (aligned if (s in bounds and e in bounds) else split).append((s, e, entry))
        kept = greedy(aligned, key=lambda t: (-severity_rank(t[2].severity), -(t[1] - t[0]), t[0]))
        out = [
            Candidate(entry.kind, f"lexicon:{entry.term}", entry.severity, s, e, 1.0, data={"entry": entry})
            for s, e, entry in kept
        ]
        taken = DisjointSpans()
        for s, e, _ in kept:
            taken.add(s, e)
        split = [t for t in split if not taken.overlaps(t[0], t[1])]
        for s, e, entry in greedy(split, key=lambda t: (-(t[1] - t[0]), t[0])):
            out.append(
                Candidate(
                    "keyword", f"lexicon-substring:{entry.term}", "low", s, e, 0.3, data={"entry": entry}
                )
            )
        return out, context, bounds
