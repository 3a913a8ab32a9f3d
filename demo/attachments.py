"""Small real attachment files (pdf, docx, xlsx, xls) rendered from an Attachment's lines.

PDFs use the STSong-Light CID font (Chinese text layer, as many county PDFs have); output is
made reproducible (reportlab invariant mode, fixed document dates).
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from datetime import datetime

from demo.model import Attachment

FIXED = datetime(2012, 12, 31, 9, 0, 0)
_lock = threading.Lock()


def render(att: Attachment) -> bytes:
    """The file's bytes (made once per attachment, then kept on it)."""
    with _lock:
        data = getattr(att, "_data", None)
        if data is None:
            if att.scan:
                from demo import scans

                draw = scans.red_header_pdf if att.fmt == "pdf" else scans.table_photo_jpg
                data = draw(att, att.title)
            else:
                data = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls}[att.fmt](att)
            att._data = data
        return data


def _pdf(att: Attachment) -> bytes:
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(att.title)
    y = 780
    for line in att.lines:
        for i in range(0, max(len(line), 1), 34):
            c.setFont("STSong-Light", 12)
            c.drawString(60, y, line[i : i + 34])
            y -= 22
            if y < 60:
                c.showPage()
                y = 780
    c.save()
    return buf.getvalue()


def _docx(att: Attachment) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.created = FIXED
    d.core_properties.modified = FIXED
    d.core_properties.title = att.title
    for line in att.lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return _zip_fixed(buf.getvalue())


def _xlsx(att: Attachment) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    ws = wb.active
    ws.title = "Sheet1"
    for line in att.lines:
        ws.append(line.split("\t"))
    if att.hidden_sheet:
        hs = wb.create_sheet("Sheet2")
        hs.sheet_state = "hidden"
        for line in att.hidden_sheet:
            hs.append(line.split("\t"))
    buf = io.BytesIO()
    wb.save(buf)
    return _zip_fixed(buf.getvalue())


def _xls(att: Attachment) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for r, line in enumerate(att.lines):
        for c, val in enumerate(line.split("\t")):
            ws.write(r, c, val)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_fixed(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            ni = zipfile.ZipInfo(info.filename, date_time=(2012, 12, 31, 9, 0, 0))
            ni.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2012-12-31T09:00:00Z", data
                )
            dst.writestr(ni, data)
    return out.getvalue()
