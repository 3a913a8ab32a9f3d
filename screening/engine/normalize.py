"""Normalisation with an offset map back to the original text.

One pass of ``str.translate`` (1:1 replacements: full-width -> half-width,
traditional -> simplified from OpenCC's character table, compatibility/Kangxi
ideographs -> unified ideographs), then one regex pass that finds the
characters to drop (zero-width characters anywhere; runs of up to three
spaces/dots/dodge symbols between two CJK characters, so 秘 密 and 机·密 read
秘密 and 机密).  Because replacements are 1:1, only the dropped characters
shift offsets, and the map is stored as a few breakpoints instead of one
integer per character.
"""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
# characters put between the characters of a term to dodge a filter (not "*": it is a star of 绝密*1年)
BRIDGE_CHARS = " \t\u00a0\u3000\u00b7\u30fb\uff65\u2022\u2027\u2219\u22c5_-~|/\\.+^`'"
BRIDGE = re.escape(BRIDGE_CHARS)
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# the zero of every run of ten decimal digits (Unicode category Nd, 0-9 in order) besides
# ASCII's, as of Unicode 14: full-width, Arabic-Indic, Devanagari, mathematical bold ... digits
# are read as ASCII digits, so an ID number typed or extracted in any of them is still one, and
# the number patterns (patterns.py) need look only for ASCII digits. A test compares the list
# with the running Python's unicodedata.
DECIMAL_ZEROS = (
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
)  # fmt: skip
MAX_BRIDGE = 3

# group 1: a bridge run after a CJK character (the run is dropped, the character kept);
# the lookahead does not consume the next CJK character, so 机 密 文 件 bridges every gap.
# Zero-width characters do not count towards the run's length (they are dropped anyway: counting
# them made a second normalisation drop what the first kept — 秘, two spaces, two zero-width, 秘).
_DROP = re.compile(
    rf"[{CJK}]((?:[{ZERO_WIDTH}]*[{BRIDGE}]){{1,{MAX_BRIDGE}}}[{ZERO_WIDTH}]*)(?=[{CJK}])|[{ZERO_WIDTH}]+"
)


def _opencc_table() -> dict[int, str]:
    """Traditional -> simplified, one character to one character, from OpenCC's own dictionary."""
    import opencc  # opencc-python-reimplemented ships OpenCC's dictionaries

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    table: dict[int, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            key, _, values = line.rstrip("\n").partition("\t")
            value = values.split(" ")[0]
            if len(key) == 1 and len(value) == 1 and key != value:
                table[ord(key)] = value
    return table


@lru_cache(maxsize=1)
def translation_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # compatibility and Kangxi/radical forms that PDFs often emit instead of ideographs
    for lo, hi in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for cp in range(lo, hi + 1):
            nf = unicodedata.normalize("NFKC", chr(cp))
            if len(nf) == 1 and nf != chr(cp):
                table[cp] = nf
    table.update(_opencc_table())
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[cp] = chr(cp - 0xFEE0)
    for zero in DECIMAL_ZEROS:  # decimal digits of every script
        for d in range(10):
            table[zero + d] = str(d)
    table[0x3000] = " "  # ideographic space
    table[0xFF65] = "\u00b7"  # half-width katakana middle dot
    # close the table under composition: a Kangxi radical or compatibility form of a
    # traditional character (⾨ -> 門) goes on to the simplified one (门) in the same pass,
    # so translating is idempotent
    for key, value in table.items():
        for _ in range(4):
            nxt = table.get(ord(value))
            if nxt is None or nxt == value:
                break
            value = nxt
        table[key] = value
    return table


class OffsetMap(Sequence):
    """Maps each index of the normalised text to its index in the original text.

    Behaves like a list of ints (len, indexing, iteration) but stores only the
    points where the shift changes.
    """

    __slots__ = ("_starts", "_shifts", "_len", "_orig_len")

    def __init__(self, starts: list[int], shifts: list[int], length: int, orig_length: int):
        self._starts = starts
        self._shifts = shifts
        self._len = length
        self._orig_len = orig_length

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        return i + self._shifts[bisect_right(self._starts, i) - 1]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the normalised span [start, end)."""
        if end <= start:
            o = self[start] if start < self._len else self._orig_len
            return o, o
        return self[start], self[end - 1] + 1

    def to_list(self) -> list[int]:
        return list(self)


@dataclass(frozen=True)
class Normalized:
    text: str
    offsets: OffsetMap
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.span(start, end)


@lru_cache(maxsize=1)
def _numpy_lut():
    # numpy serves table lookups here, never linear algebra: at import its OpenBLAS starts a
    # thread per core, which cost 0.07-0.14 s of CPU in every process that screens a page (a
    # whole ``patrol screen`` of 20 MB takes 0.8 s). One thread, unless the environment says how many
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency; str.translate is the fallback
        return None
    lut = np.arange(0x110000, dtype=np.uint32)
    for k, v in translation_table().items():
        lut[k] = ord(v)
    return np, lut


def translate(text: str) -> str:
    """Apply the 1:1 translation table (numpy lookup table over UTF-32: ~4x faster than str.translate)."""
    return _translate(text)[0]


@lru_cache(maxsize=1)
def _numpy_lut16():
    """The table for the Basic Multilingual Plane in 16 bits; a character it maps beyond the
    plane (OpenCC maps some to CJK Extension B-G) reads ``BEYOND_BMP``."""
    np, lut = _numpy_lut()
    bmp = lut[:0x10000].copy()
    bmp[bmp >= 0x10000] = BEYOND_BMP
    return bmp.astype(np.uint16)


BEYOND_BMP = 0xFFFF  # a noncharacter: text holding it only takes the 32-bit way


def _translate(text: str):
    """(translated text, its code points as a numpy array, or None for a short text).

    A text of the Basic Multilingual Plane alone (nearly every Chinese text: its UTF-16 has two
    bytes a character) is looked up in 16 bits, half the memory of UTF-32; any other text, or
    one a character of which becomes a supplementary one, in 32."""
    if len(text) < 4096 or _numpy_lut() is None:
        return text.translate(translation_table()), None
    np, lut = _numpy_lut()
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) == 2 * len(text):
        codes = _numpy_lut16()[np.frombuffer(data, dtype=np.uint16)]
        if not (codes == BEYOND_BMP).any():
            # decoded straight from the array's buffer: no bytes copy of it
            out = str(memoryview(codes), "utf-16-le", "surrogatepass")
            if len(out) == len(text):  # not so where two lone surrogates of the text made a pair
                return out, codes
    del data
    codes = lut[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    return str(memoryview(codes), "utf-32-le", "surrogatepass"), codes


@lru_cache(maxsize=1)
def _run_lut():
    """numpy: True for the code points a bridge/zero-width run is made of."""
    np, _ = _numpy_lut()
    lut = np.zeros(0x110000, dtype=bool)
    lut[[ord(c) for c in BRIDGE_CHARS + ZERO_WIDTH]] = True
    return lut


# the same drops found from the other side: every run of bridge/zero-width characters is
# dropped whole when it is short and lies between two CJK characters, else only its
# zero-width characters are.  Where such runs are rare (Chinese prose) this skips the text in
# C instead of testing every CJK character; where they are common (Latin text: every space
# is a run) _DROP is faster, so ``_drop_spans`` picks by the share of spaces.
_RUN = re.compile(rf"[{BRIDGE}{ZERO_WIDTH}]+")
_ZW_RUN = re.compile(rf"[{ZERO_WIDTH}]+")
_IS_CJK = re.compile(rf"[{CJK}]").match
RUNS_SPARSE = 1 / 64  # spaces per character below which runs are found first


def _run_spans(text: str, codes):
    """(start, end) of each maximal run of bridge/zero-width characters."""
    if codes is None:
        for m in _RUN.finditer(text):
            yield m.span()
        return
    np = _numpy_lut()[0]
    mask = _run_lut()[codes]
    if not mask.any():
        return
    edges = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    yield from zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True)


def _drop_spans(text: str, codes=None):
    """(start, end) of every character run that normalisation drops, in order.

    ``codes``: the text's code points as a numpy array (a long text), where the runs are
    found by a lookup table instead of a regex scan."""
    if text.count(" ") > len(text) * RUNS_SPARSE:
        for m in _DROP.finditer(text):
            yield m.span(1) if m.group(1) else m.span()
        return
    n = len(text)
    for a, b in _run_spans(text, codes):
        short = b - a <= MAX_BRIDGE or b - a - sum(c in ZERO_WIDTH for c in text[a:b]) <= MAX_BRIDGE
        if short and a > 0 and b < n and _IS_CJK(text, a - 1) and _IS_CJK(text, b):
            yield a, b
        else:
            for z in _ZW_RUN.finditer(text, a, b):
                yield z.span()


# The last text normalised, and its result: a worker screens a document's text and then runs the
# inspection checks (wording, watched names) on the very same string object — normalised once.
# Only a text up to this many characters is remembered (a large one is not kept alive after).
MEMO_CHARS = 1 << 18
_memo: tuple[str, Normalized] | None = None


def normalize(text: str) -> Normalized:
    """Return the normalised text and the map back to ``text``."""
    global _memo
    memo = _memo
    if memo is not None and memo[0] is text:  # the same object (a str never changes)
        return memo[1]
    out = _normalize(text)
    _memo = (text, out) if len(text) <= MEMO_CHARS else None
    return out


def _normalize(text: str) -> Normalized:
    translated, codes = _translate(text)
    pieces: list[str] = []
    starts = [0]
    shifts = [0]
    pos = 0
    dropped = 0
    for a, b in _drop_spans(translated, codes):
        pieces.append(translated[pos:a])
        starts.append(a - dropped)  # normalised index of the first kept character after the run
        dropped += b - a
        shifts.append(dropped)
        pos = b
    if pos == 0:
        norm = translated
    else:
        pieces.append(translated[pos:])
        norm = "".join(pieces)
    return Normalized(norm, OffsetMap(starts, shifts, len(norm), len(text)), text)


def normalize_text(text: str) -> str:
    """Just the normalised string (for lexicon terms and tests)."""
    return normalize(text).text
