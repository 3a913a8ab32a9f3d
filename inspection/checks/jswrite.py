"""Inline scripts that only ``document.write`` literal strings, expanded in place (hidden-link check).

An attack often opens a hidden box in one script and closes it in another; a page that writes its
own footer the same way (the 党政机关 mark's ``unescape('%3Cspan…')``) is read as written.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_JS_STRING = r"'(?:[^'\\\n]|\\.)*'" + r'|"(?:[^"\\\n]|\\.)*"'
_JS_PIECE = rf"(?:{_JS_STRING}|unescape\(\s*(?:{_JS_STRING})\s*\))"
_WRITE = re.compile(rf"document\.write(?:ln)?\(\s*({_JS_PIECE}(?:\s*\+\s*{_JS_PIECE})*)\s*\)\s*;?", re.S)
_PIECE = re.compile(_JS_PIECE, re.S)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def _js_literal(piece: str) -> str:
    if piece.startswith("unescape"):
        inner = _PIECE.search(piece[8:]).group(0)
        return unquote(_js_literal(inner))
    body = piece[1:-1]

    def esc(m: re.Match) -> str:
        e = m.group(1)
        if e[0] in "ux" and len(e) > 1:
            return chr(int(e[1:], 16))
        return _JS_SIMPLE.get(e, e)

    return _JS_ESCAPE.sub(esc, body)


def expand_writes(html: str) -> str:
    """Inline scripts made only of ``document.write`` calls of literal strings are replaced by what
    they write (an attack often opens a hidden box in one script and closes it in another)."""

    def repl(m: re.Match) -> str:
        attrs, code = m.group(1), m.group(2)
        if re.search(r"\bsrc\s*=", attrs, re.I) or "document.write" not in code:
            return m.group(0)
        written = []
        for w in _WRITE.finditer(code):
            written.append("".join(_js_literal(p.group(0)) for p in _PIECE.finditer(w.group(1))))
        rest = _WRITE.sub("", code)
        rest = re.sub(r"/\*.*?\*/|//[^\n]*|<!--|-->|[\s;]", "", rest, flags=re.S)
        return "".join(written) if written and not rest else m.group(0)

    return _SCRIPT.sub(repl, html) if "document.write" in html else html
