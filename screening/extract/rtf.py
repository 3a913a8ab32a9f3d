"""RTF (and the many ".doc" attachments that are RTF inside): a small tokenizer, no parser
package. Destinations that hold no document text (font and colour tables, style sheets,
pictures, ``{\\*\\...}`` groups) are skipped; ``\\uN`` escapes and ``\\'hh`` bytes in the
document's ANSI code page (``\\ansicpg936`` → GBK) are decoded; ``\\par``/``\\line``/``\\cell``
become line breaks and tabs.
"""

from __future__ import annotations

import codecs
import re

from .base import Extracted, Limits, Unscreenable

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+", re.S
)
_SKIP = {
    b"fonttbl",
    b"colortbl",
    b"stylesheet",
    b"listtable",
    b"listoverridetable",
    b"pict",
    b"object",
    b"themedata",
    b"colorschememapping",
    b"datastore",
    b"latentstyles",
    b"rsidtbl",
    b"generator",
    b"xmlnstbl",
    b"mmathPr",
    b"pgdsctbl",
    b"revtbl",
    b"filetbl",
    b"bkmkstart",
    b"bkmkend",
    b"fldinst",
    b"operator",
    b"company",
}
_BREAK = {
    b"par": "\n",
    b"line": "\n",
    b"sect": "\n",
    b"page": "\n",
    b"row": "\n",
    b"cell": "\t",
    b"tab": "\t",
}


def rtf_to_text(data: bytes) -> str:
    out: list[str] = []
    pending = bytearray()
    codepage = "cp1252"
    stack: list[tuple[bool, int]] = []
    skipping = False
    uc = 1
    to_skip = 0

    def flush() -> None:
        if pending:
            out.append(pending.decode(codepage, errors="replace"))
            pending.clear()

    for m in _TOKEN.finditer(data):
        word, arg, hexbyte, symbol, brace, plain = m.groups()
        if brace == b"{":
            stack.append((skipping, uc))
            continue
        if brace == b"}":
            flush()
            skipping, uc = stack.pop() if stack else (False, 1)
            continue
        if to_skip and (hexbyte or plain or word):
            if plain:
                if len(plain) <= to_skip:
                    to_skip -= len(plain)
                    continue
                plain = plain[to_skip:]
                to_skip = 0
            else:
                to_skip -= 1
                continue
        if word is not None:
            if word in _SKIP:
                skipping = True
            if skipping:
                continue
            if word == b"ansicpg" and arg:
                try:
                    codepage = codecs.lookup("gb18030" if arg == b"936" else f"cp{int(arg)}").name
                except LookupError:
                    pass
            elif word == b"uc" and arg is not None:
                uc = int(arg)
            elif word == b"u" and arg is not None:
                flush()
                value = int(arg)
                out.append(chr(value + 65536 if value < 0 else value))
                to_skip = uc
            elif word in _BREAK:
                flush()
                out.append(_BREAK[word])
            continue
        if symbol is not None:
            if symbol == b"*":
                skipping = True
            elif not skipping and symbol in (b"\\", b"{", b"}"):
                pending.extend(symbol)
            elif not skipping and symbol == b"~":
                pending.extend(b" ")
            continue
        if skipping:
            continue
        if hexbyte is not None:
            pending.append(int(hexbyte, 16))
        elif plain:
            pending.extend(plain)
    flush()
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


def extract_rtf(data: bytes, limits: Limits) -> Extracted:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise Unscreenable("corrupt RTF: no {\\rtf header")
    return Extracted.ok(rtf_to_text(data), "rtf")
