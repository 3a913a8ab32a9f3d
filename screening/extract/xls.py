"""XLS (BIFF, Excel 97–2003) and WPS spreadsheets (.et) saved in that format, via xlrd.

xlrd reads every sheet (hidden ones included) and every cell regardless of hidden rows
or columns. Numbers that are whole are written without ``.0`` so a mobile or ID stored as
a number reads as digits.
"""

from __future__ import annotations

import xlrd

from .base import Extracted, Limits, Unscreenable


def _cell_text(cell: xlrd.sheet.Cell) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR, xlrd.XL_CELL_BOOLEAN):
        return ""
    value = cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER and isinstance(value, float):
        if value.is_integer() and abs(value) < 1e20:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def extract_xls(data: bytes, limits: Limits, kind: str = "xls") -> Extracted:
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=_Null())
    except xlrd.biffh.XLRDError as exc:
        raise Unscreenable(f"unreadable {kind.upper()}: {exc}") from exc
    except Exception as exc:  # xlrd raises assorted errors on damaged files
        raise Unscreenable(f"corrupt {kind.upper()}: {type(exc).__name__}: {exc}") from exc
    chunks: list[str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.get_sheet(index)
            lines = [sheet.name]
            for r in range(sheet.nrows):
                cells = [t for t in (_cell_text(c) for c in sheet.row(r)) if t]
                if cells:
                    lines.append("\t".join(cells))
            chunks.append("\n".join(lines))
            book.unload_sheet(index)
    except Exception as exc:
        raise Unscreenable(f"corrupt {kind.upper()}: {type(exc).__name__}: {exc}") from exc
    finally:
        book.release_resources()
    return Extracted.ok("\n".join(chunks), kind)


class _Null:
    def write(self, *_: object) -> None:
        pass
