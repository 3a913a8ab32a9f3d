"""Old OLE2 (Compound File) documents: DOC, WPS (Kingsoft Writer), XLS and ET.

Choice: no maintained pure-Python parser for Word 97 binary text exists (antiword,
catdoc and wvWare are unmaintained C tools, LibreOffice is far too heavy for a patrol),
so this module reads the text itself, with olefile for the container, from the Word
97–2003 piece table ([MS-DOC] §2.4.1 "Retrieving Text"):

* the FIB at the head of the ``WordDocument`` stream gives ``fWhichTblStm`` (which of
  ``0Table``/``1Table`` holds the tables), ``fEncrypted``, and ``fcClx``/``lcbClx``;
* the Clx's ``PlcPcd`` lists the text pieces; each piece is UTF-16LE, or cp1252 when
  ``fCompressed`` is set;
* the pieces together are the whole character stream: main text, footnotes, headers and
  footers, comments, endnotes and text boxes — and deleted revisions, which Word keeps
  in the stream. Field instructions (between 0x13 and 0x14) are dropped, field results
  kept, and Word's control marks become newlines/tabs.

Kingsoft WPS Writer files (.wps, WPS 2000 and later) use the same ``WordDocument``
layout and are read the same way; spreadsheets (``Workbook``/``Book`` streams, .xls and
WPS .et) go to xlrd. The raster pictures of a DOC/WPS/XLS/ET (OfficeArt BLIP records: a scan
pasted in) are read by OCR after the text (:mod:`screening.extract.office_images`). Word 6/95
files, encrypted files, and DOS-era WPS files (not OLE) are reported ``unscreened`` with the
reason rather than guessed at.
"""

from __future__ import annotations

import io
import struct

from .base import Extracted, Limits, Unscreenable
from .office_images import with_ole_pictures
from .xls import extract_xls

_CONTROL = {
    "\r": "\n",
    "\x07": "\t",
    "\x0b": "\n",
    "\x0c": "\n",
    "\x0e": "\n",
    "\x1e": "-",
    "\x1f": "",
    "\x01": "",
    "\x02": "",
    "\x03": "",
    "\x04": "",
    "\x05": "",
    "\x08": "",
}


def _fib(word: bytes) -> tuple[int, int, int, int]:
    """(nFib, flags, fcClx, lcbClx) from a Word 97+ FIB."""
    if len(word) < 0x22:
        raise Unscreenable("corrupt DOC: FIB truncated")
    ident, nfib = struct.unpack_from("<HH", word, 0)
    if ident != 0xA5EC:
        raise Unscreenable(f"corrupt DOC: not a Word FIB (wIdent {ident:#06x})")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if nfib <= 105:  # Word 6.0 (101) … Word 95 (104/105): another FIB layout
        raise Unscreenable(f"Word 6/95 format (nFib {nfib}) not supported")
    pos = 0x20
    csw = struct.unpack_from("<H", word, pos)[0]
    pos += 2 + csw * 2
    cslw = struct.unpack_from("<H", word, pos)[0]
    pos += 2 + cslw * 4
    cb = struct.unpack_from("<H", word, pos)[0]
    pos += 2
    if cb < 34:
        raise Unscreenable(f"Word 6/95 format (nFib {nfib}) not supported")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, pos + 33 * 8)
    return nfib, flags, fc_clx, lcb_clx


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """(cpStart, cpEnd, fc, compressed) for each text piece."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not clx:
        raise Unscreenable("corrupt DOC: piece table outside the table stream")
    i = 0
    while i < len(clx) and clx[i] == 0x01:  # Prc: skip its grpprl
        if i + 3 > len(clx):
            raise Unscreenable("corrupt DOC: truncated Prc")
        i += 3 + struct.unpack_from("<H", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        raise Unscreenable("corrupt DOC: no Pcdt in the piece table")
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5 : i + 5 + lcb]
    if (len(plc) - 4) % 12 != 0 or len(plc) < 16:
        raise Unscreenable("corrupt DOC: bad PlcPcd size")
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for k in range(n):
        fc_raw = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        compressed = bool(fc_raw & 0x40000000)
        fc = fc_raw & 0x3FFFFFFF
        out.append((cps[k], cps[k + 1], fc // 2 if compressed else fc, compressed))
    return out


def _clean(raw: str) -> str:
    out: list[str] = []
    depth = 0  # inside field instructions
    for ch in raw:
        if ch == "\x13":
            depth += 1
            continue
        if ch == "\x14":
            depth = max(depth - 1, 0)
            continue
        if ch == "\x15":
            depth = max(depth - 1, 0) if depth else 0
            continue
        if depth:
            continue
        out.append(_CONTROL.get(ch, ch) if ch < " " or ch in _CONTROL else ch)
    return "".join(out)


def word_text(word: bytes, table_0: bytes | None, table_1: bytes | None, limits: Limits) -> str:
    nfib, flags, fc_clx, lcb_clx = _fib(word)
    if flags & 0x0100:
        raise Unscreenable("encrypted DOC (password required)")
    table = table_1 if flags & 0x0200 else table_0
    if table is None:
        raise Unscreenable("corrupt DOC: table stream missing")
    parts: list[str] = []
    total = 0
    for cp_start, cp_end, fc, compressed in _pieces(table, fc_clx, lcb_clx):
        count = cp_end - cp_start
        if count <= 0:
            continue
        total += count
        if total > limits.max_text_chars:
            raise Unscreenable(f"corrupt DOC: text longer than {limits.max_text_chars:,} characters")
        if compressed:
            chunk = word[fc : fc + count].decode("cp1252", errors="replace")
        else:
            chunk = word[fc : fc + 2 * count].decode("utf-16-le", errors="replace")
        parts.append(chunk)
    return _clean("".join(parts))


def extract_ole(data: bytes, limits: Limits, hint: str = "doc", pictures: bool = True) -> Extracted:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        raise Unscreenable(f"corrupt OLE document: {type(exc).__name__}: {exc}") from exc
    try:
        streams = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
        lower = {s.lower(): s for s in streams}

        def read(name: str) -> bytes | None:
            real = lower.get(name.lower())
            return ole.openstream(real).read() if real else None

        if "wordDocument".lower() in lower:
            kind = "wps" if hint == "wps" else "doc"
            if "encryptedpackage" in lower:
                raise Unscreenable("encrypted document (password required)")
            try:
                text = word_text(read("WordDocument") or b"", read("0Table"), read("1Table"), limits)
            except (struct.error, IndexError) as exc:
                raise Unscreenable(f"corrupt {kind.upper()}: {exc}") from exc
            if not pictures:
                return Extracted.ok(text, kind)
            return with_ole_pictures(read, text, kind, limits)
        if "workbook" in lower or "book" in lower:
            kind = "et" if hint == "et" else "xls"
            book = extract_xls(data, limits, kind)
            if not pictures:
                return book
            return with_ole_pictures(read, book.text, kind, limits)
        if "encryptedpackage" in lower:
            raise Unscreenable("encrypted Office document (password required)")
        if "powerpoint document" in lower:
            raise Unscreenable("unsupported format: PowerPoint 97–2003 (PPT)")
        shown = ", ".join(sorted(streams)[:6])
        raise Unscreenable(f"unsupported format: OLE document without Word or Excel streams ({shown})")
    finally:
        ole.close()
