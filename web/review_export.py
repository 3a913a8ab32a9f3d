"""The review queue as XLSX for 整改通知 letters: a summary sheet, then one sheet per responsible unit.

Crawled text (titles, URLs, hit text) is always written as text, never as a formula: the
shared ``reports.sheets.safe_cell``/``text_cell`` store a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a CR as a string with Excel's quote prefix (CSV/XLSX injection).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from reports.sheets import display_width, new_workbook, safe_cell, text_cell

from .findings import QueueRow

HEADERS = [
    "序号",
    "严重程度",
    "状态",
    "确认后天数",
    "标题",
    "地址",
    "所在页面",
    "类型",
    "命中文字",
    "发现时间",
    "编号",
]
WIDTHS = [6, 8, 10, 10, 40, 50, 50, 20, 40, 18, 8]
NO_UNIT = "（未关联站点）"


def _sheet(wb: Workbook, title: str, headers: Sequence[str], rows: list[list[Any]], widths: Sequence[int]):
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for row in rows:
        ws.append(["" if v is None else safe_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            text_cell(cell)  # crawled text stays text (reports/sheets.py)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    return ws


def _sheet_title(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", name).strip() or "站点"
    base = base[:28]
    title, n = base, 2
    while title in used:
        title = f"{base[:25]}({n})"
        n += 1
    used.add(title)
    return title


def _row(i: int, r: QueueRow) -> list[Any]:
    f = r.finding
    hits = "；".join(str(h.get("text") or "") for h in (f.hits or [])[:10])
    return [
        i,
        f.get_severity_display(),
        f.get_status_display(),
        r.days_open,
        r.title,
        f.url,
        f.page_url if f.page_url and f.page_url != f.url else "",
        "、".join(r.kinds),
        hits,
        timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M") if f.created_at else "",
        f.pk,
    ]


def queue_workbook(rows: list[QueueRow], made_at: datetime) -> bytes:
    """Summary per unit, then each unit's findings in the queue's order."""
    by_unit: dict[str, list[QueueRow]] = defaultdict(list)
    for r in rows:
        by_unit[r.site or NO_UNIT].append(r)
    wb = new_workbook()
    summary = []
    for unit, items in by_unit.items():
        high = sum(1 for r in items if r.finding.severity == "high")
        not_fixed = [r for r in items if r.finding.status == "not_fixed"]
        oldest = max((r.days_open or 0 for r in not_fixed), default=None)
        summary.append([unit, len(items), high, len(not_fixed), oldest])
    _sheet(
        wb,
        "汇总",
        ["责任单位", "发现数", "高", "未整改", "未整改最长天数"],
        summary + [[f"导出时间 {made_at:%Y-%m-%d %H:%M}，共 {len(rows)} 条", None, None, None, None]],
        [max(20, *(display_width(u) + 2 for u in by_unit)) if by_unit else 20, 10, 8, 10, 16],
    )
    used = {"汇总"}
    for unit, items in by_unit.items():
        _sheet(wb, _sheet_title(unit, used), HEADERS, [_row(i, r) for i, r in enumerate(items, 1)], WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
