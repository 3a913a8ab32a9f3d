"""Documents embedded in an OOXML package (``word/embeddings``, ``xl/embeddings``).

A spreadsheet of names and ID numbers pasted into a Word notice as an object is a real
leak pattern: the reader sees a picture, the file holds the whole workbook. Embedded
DOCX/XLSX and OLE objects (DOC, XLS, ``oleObject*.bin``) are read one level deep, each
under the same zip and text limits as the package around them; their own pictures are not
read by OCR (the package's pictures are, within its one page budget).
"""

from __future__ import annotations

import re
import zipfile

from .base import Extracted, Limits, Unscreenable

_EMBEDDED = re.compile(r"^(word|xl|ppt)/embeddings/[^/]+$", re.I)


def embedded_texts(zf: zipfile.ZipFile, limits: Limits, depth: int) -> list[str]:
    if depth > 0:
        return []
    from .base import OLE_MAGIC
    from .docx import extract_docx
    from .ole import extract_ole
    from .xlsx import extract_xlsx

    out: list[str] = []
    for name in zf.namelist():
        if not _EMBEDDED.match(name):
            continue
        data = zf.read(name)
        result: Extracted | None = None
        try:
            if data.startswith(b"PK\x03\x04"):
                if b"word/document" in data:
                    result = extract_docx(data, limits, depth=depth + 1)
                elif b"xl/workbook" in data:
                    result = extract_xlsx(data, limits, depth=depth + 1)
            elif data.startswith(OLE_MAGIC):
                result = extract_ole(data, limits, pictures=False)
        except Unscreenable:
            result = None
        if result is not None and result.text.strip():
            out.append(result.text)
    return out
