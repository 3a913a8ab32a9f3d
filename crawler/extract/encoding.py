"""Turn response bytes into text: BOM, then HTTP header, then <meta>, then sniffing.

GB2312 and GBK are decoded as GB18030 (a superset), so characters outside GB2312 such as 镕 and 喆
survive. Undecodable bytes are replaced; this never raises.
"""

from __future__ import annotations

import codecs

from . import patterns as P

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def normalise_charset(name: str | bytes | None) -> str | None:
    """Canonical Python codec name for a declared charset, GB family mapped to gb18030; None if unknown."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    name = name.strip().strip("\"'").lower()
    if name in P.GB_FAMILY:
        return "gb18030"
    if name in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    """Charset declared in a <meta> tag or XML declaration within the first 4 KB."""
    head = body[:4096]
    for rx in (P.META_CHARSET_RE, P.XML_DECL_RE):
        m = rx.search(head)
        if m:
            cs = normalise_charset(m.group(1))
            if cs:
                return cs
    return None


def _strict(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    return _strict(body, "utf-8") is not None


def decode_html(body: bytes, header_charset: str | None = None) -> str:
    """Decode an HTML (or XML) response body; see module docstring for the order of evidence."""
    if not body:
        return ""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, "replace")
    header = normalise_charset(header_charset)
    if header in P.WEAK_HEADER_CHARSETS or header in ("latin-1", "iso8859-1", "ascii", "cp1252"):
        header = None
    meta = meta_charset(body)
    candidates: list[str] = []
    for enc in (header, meta):
        if enc and enc not in candidates:
            candidates.append(enc)
    # a page declared as GB but whose bytes are valid UTF-8 (with non-ASCII) is UTF-8: mojibake the
    # other way round is vanishingly unlikely for more than a few characters
    if candidates and candidates[0] == "gb18030" and _looks_utf8(body):
        candidates.insert(0, "utf-8")
    for enc in candidates + ["utf-8", "gb18030"]:
        text = _strict(body, enc)
        if text is not None:
            return text
    return body.decode(candidates[0] if candidates else "gb18030", "replace")
