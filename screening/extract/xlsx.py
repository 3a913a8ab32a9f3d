"""XLSX: every cell of every sheet, read from the SpreadsheetML itself.

Hidden and very hidden sheets, hidden rows and hidden columns are all read: a hidden
column of ID numbers is a real leak pattern, and the file is public whatever Excel
shows. Each sheet starts with its name on a line of its own; cells are tab-separated,
rows newline-separated. Cell comments and sheet headers/footers are included. Numbers
are written as stored (integral values in exponent form are expanded, so an 11-digit
mobile stored as a number reads as digits). Pictures (a photographed list pasted onto a
sheet) are read by OCR after the cells (:mod:`screening.extract.office_images`).
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal, InvalidOperation

from lxml import etree

from .base import Extracted, Limits, Unscreenable
from .embedded import embedded_texts
from .office_images import with_pictures
from .ziputil import core_properties, iterparse, member, open_zip, parse, rels

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SI = f"{{{S}}}si"
_T = f"{{{S}}}t"
_RPH = f"{{{S}}}rPh"
_ROW = f"{{{S}}}row"
_C = f"{{{S}}}c"
_V = f"{{{S}}}v"
_IS = f"{{{S}}}is"
_HF = {
    f"{{{S}}}{n}"
    for n in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
}
_EXP = re.compile(r"^-?\d+(\.\d+)?[eE][+-]?\d+$")


def _rich_text(el: etree._Element) -> str:
    """Text of a shared string or inline string: its ``t`` runs, phonetic runs skipped."""
    out = []
    for t in el.iter(_T):
        parent = t.getparent()
        if parent is not None and parent.tag == _RPH:
            continue
        if t.text:
            out.append(t.text)
    return "".join(out)


def shared_strings(zf: zipfile.ZipFile, name: str | None) -> list[str]:
    if not name:
        return []
    out: list[str] = []
    for _, el in iterparse(zf, name, tags=(_SI,)):
        out.append(_rich_text(el))
        el.clear(keep_tail=True)
    return out


def number_text(value: str) -> str:
    if _EXP.match(value):
        try:
            d = Decimal(value)
        except InvalidOperation:
            return value
        if d == d.to_integral_value() and abs(d) < Decimal(10) ** 20:
            return str(int(d))
    if value.endswith(".0"):
        return value[:-2]
    return value


def _sheet_text(zf: zipfile.ZipFile, name: str, strings: list[str]) -> str:
    lines: list[str] = []
    for _, el in iterparse(zf, name, tags=(_ROW, *_HF)):
        if el.tag != _ROW:
            if el.text and el.text.strip():
                lines.append(el.text.strip())
            continue
        cells: list[str] = []
        for c in el.iter(_C):
            kind = c.get("t", "n")
            if kind == "inlineStr":
                is_ = c.find(_IS)
                value = _rich_text(is_) if is_ is not None else ""
            else:
                raw = c.findtext(_V)
                if raw is None:
                    continue
                if kind == "s":
                    try:
                        value = strings[int(raw)]
                    except (ValueError, IndexError):
                        value = ""
                elif kind == "n":
                    value = number_text(raw)
                elif kind == "b":
                    continue
                else:  # str (formula result), e (error)
                    value = raw
            if value:
                cells.append(value)
        if cells:
            lines.append("\t".join(cells))
        el.clear(keep_tail=True)
        parent = el.getparent()
        while parent is not None and el.getprevious() is not None:
            del parent[0]
    return "\n".join(lines)


def _comments_text(zf: zipfile.ZipFile, name: str) -> str:
    out = []
    for _, el in iterparse(zf, name, tags=(f"{{{S}}}comment",)):
        text = _rich_text(el)
        if text.strip():
            out.append(text.strip())
        el.clear(keep_tail=True)
    return "\n".join(out)


def extract_xlsx(data: bytes, limits: Limits, depth: int = 0) -> Extracted:
    zf = open_zip(data, limits, "XLSX")
    wb_name = member(zf, "xl/workbook.xml")
    if not wb_name:
        raise Unscreenable("corrupt XLSX: no xl/workbook.xml")
    try:
        chunks = core_properties(zf)
        strings = shared_strings(zf, member(zf, "xl/sharedStrings.xml"))
        targets = rels(zf, wb_name)
        workbook = parse(zf, wb_name)
        seen: set[str] = set()
        for sheet in workbook.iter(f"{{{S}}}sheet"):
            target = targets.get(sheet.get(f"{{{R}}}id", ""))
            part = member(zf, target) if target else None
            title = sheet.get("name", "")
            body = _sheet_text(zf, part, strings) if part else ""
            if part:
                seen.add(part)
                for rel_target in rels(zf, part).values():
                    if re.search(r"comments\d*\.xml$", rel_target, re.I) and member(zf, rel_target):
                        body = "\n".join(x for x in (body, _comments_text(zf, member(zf, rel_target))) if x)
            chunks.append("\n".join(x for x in (title, body) if x))
        # sheets the workbook does not list are still in the file
        for name in sorted(zf.namelist()):
            if re.match(r"^xl/worksheets/[^/]+\.xml$", name, re.I) and name not in seen:
                text = _sheet_text(zf, name, strings)
                if text:
                    chunks.append(text)
        chunks.extend(embedded_texts(zf, limits, depth))
        text = "\n".join(c for c in chunks if c)
        if depth:  # an embedded workbook's own pictures are not read (one package's budget)
            return Extracted.ok(text, "xlsx")
        return with_pictures(zf, text, "xlsx", limits)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise Unscreenable(f"corrupt XLSX: {exc}") from exc
