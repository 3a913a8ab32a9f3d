"""Shared XLSX sheet writer: Chinese headers, bold frozen header row, sensible column widths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

MIN_WIDTH, MAX_WIDTH = 8, 70
# A spreadsheet reads a text starting with one of these as a formula (CSV/XLSX injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """A value as it may be written to a cell: text loses the control characters XLSX cannot
    hold (openpyxl would refuse the whole workbook); other values pass unchanged. Every
    writer also calls :func:`text_cell` on the cell, so text never becomes a formula."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def text_cell(cell) -> None:
    """Keep a text cell text: ``=HYPERLINK(…)``, ``@SUM(…)``, ``+``/``-``/tab/CR-leading
    crawled text is stored as a string with Excel's quote prefix, never as a formula."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def append_row(ws, row: Sequence) -> None:
    """Append ``row`` to ``ws`` the safe way (:func:`safe_cell`, :func:`text_cell`)."""
    ws.append([safe_cell("" if v is None else v) for v in row])
    for cell in ws[ws.max_row]:
        text_cell(cell)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def add_sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[int] | None = None,
) -> None:
    """One sheet: header row bold and frozen, widths from the content unless given."""
    ws = wb.create_sheet(title[:31])
    append_row(ws, headers)
    fitted = [display_width(str(h)) for h in headers]
    for row in rows:
        row = ["" if v is None else v for v in row]
        append_row(ws, row)
        for i, v in enumerate(row[: len(fitted)]):
            fitted[i] = max(fitted[i], display_width(str(v)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths or fitted):
        ws.column_dimensions[get_column_letter(i + 1)].width = max(MIN_WIDTH, min(MAX_WIDTH, w + 2))


def ranked(rows: list[dict], key: str) -> list[tuple[int, dict]]:
    """Competition ranking (1, 2, 2, 4) by ``key`` descending; ties keep the given order."""
    ordered = sorted(rows, key=lambda r: -r[key])
    out, rank, prev = [], 0, None
    for i, row in enumerate(ordered, start=1):
        if row[key] != prev:
            rank, prev = i, row[key]
        out.append((rank, row))
    return out
