"""DOCX: every text part of the package, read straight from its WordprocessingML.

Body paragraphs and tables, headers, footers, footnotes, endnotes, comments, text boxes,
tracked insertions (``w:ins``, kept as ordinary runs) and tracked deletions
(``w:delText``: deleted text is still in the file anyone can download), plus the
title/subject/keywords of the document properties. Alternate content is read once
(the ``mc:Fallback`` copy of a text box is skipped). Pictures (a scan pasted in) are read by
OCR after the text (:mod:`screening.extract.office_images`).
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from .base import Extracted, Limits, Unscreenable
from .embedded import embedded_texts
from .office_images import with_pictures
from .ziputil import core_properties, iterparse, member, open_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_T = f"{{{W}}}t"
_DEL = f"{{{W}}}delText"
_P = f"{{{W}}}p"
_TAB = f"{{{W}}}tab"
_BR = f"{{{W}}}br"
_CR = f"{{{W}}}cr"
_TC = f"{{{W}}}tc"
_TR = f"{{{W}}}tr"
_FALLBACK = f"{{{MC}}}Fallback"

# order of the parts in the extracted text; anything else under word/ that holds text too
_PARTS = [
    re.compile(r"^word/document\d*\.xml$", re.I),
    re.compile(r"^word/header\d*\.xml$", re.I),
    re.compile(r"^word/footer\d*\.xml$", re.I),
    re.compile(r"^word/footnotes\.xml$", re.I),
    re.compile(r"^word/endnotes\.xml$", re.I),
    re.compile(r"^word/comments\.xml$", re.I),
]


def _part_text(zf: zipfile.ZipFile, name: str) -> str:
    out: list[str] = []
    skipping = 0
    for event, el in iterparse(zf, name, events=("start", "end")):
        tag = el.tag
        if tag == _FALLBACK:
            skipping += 1 if event == "start" else -1
            if event == "end":
                el.clear(keep_tail=True)
            continue
        if event == "start" or skipping:
            continue
        if tag == _T or tag == _DEL:
            if el.text:
                out.append(el.text)
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
        elif tag == _P:
            out.append("\n")
            el.clear(keep_tail=True)
        elif tag == _TC:  # cells of a row on one line, tab-separated
            if out and out[-1] == "\n":
                out[-1] = "\t"
            else:
                out.append("\t")
        elif tag == _TR:
            if out and out[-1] == "\t":
                out[-1] = "\n"
            else:
                out.append("\n")
    return "".join(out)


def docx_parts(zf: zipfile.ZipFile) -> list[str]:
    names = zf.namelist()
    ordered: list[str] = []
    for pattern in _PARTS:
        ordered.extend(sorted(n for n in names if pattern.match(n) and n not in ordered))
    return ordered


def extract_docx(data: bytes, limits: Limits, depth: int = 0) -> Extracted:
    zf = open_zip(data, limits, "DOCX")
    if not member(zf, "word/document.xml"):
        raise Unscreenable("corrupt DOCX: no word/document.xml")
    chunks = core_properties(zf)
    try:
        for name in docx_parts(zf):
            text = _part_text(zf, name).strip("\n")
            if text:
                chunks.append(text)
        chunks.extend(embedded_texts(zf, limits, depth))
        if depth:  # an embedded document's own pictures are not read (one package's budget)
            return Extracted.ok("\n".join(chunks), "docx")
        return with_pictures(zf, "\n".join(chunks), "docx", limits)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError) as exc:
        raise Unscreenable(f"corrupt DOCX: {exc}") from exc
