"""Counts as a terminal table and as an XLSX workbook (Chinese headers)."""

from __future__ import annotations

from .rules import Rules

TIER_LABELS = {"county": "县政府", "department": "县直部门", "town": "镇"}


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(data: dict, rules: Rules, columns: bool = True) -> str:
    lines = [f"更新数量统计 {data['from']} 至 {data['to']}", ""]
    head = [("单位", 30), ("层级", 10), ("栏目", 28), ("类别", 10), ("期间条数", 10), ("栏目总数", 10), ("最近更新", 12)]
    lines.append("".join(_pad(h, w) for h, w in head))
    for site in data["sites"]:
        lines.append("".join([_pad(site["name"], 30), _pad(TIER_LABELS.get(site["tier"], site["tier"]), 10),
                              _pad("(合计)", 28), _pad("", 10), _pad(str(site["items"]), 10)]))
        if not columns:
            continue
        for col in site["columns"]:
            lines.append("".join([_pad("", 40), _pad(col["name"][:13], 28),
                                  _pad(rules.category_label(col["category"]), 10), _pad(str(col["items"]), 10),
                                  _pad(str(col["items_total"]), 10), col["last_published"] or "-"]))
    lines.append("")
    for tier, n in data["tiers"].items():
        lines.append(f"{TIER_LABELS.get(tier, tier)}: {n}")
    lines.append(f"合计: {data['total']}")
    return "\n".join(lines) + "\n"


def xlsx(data: dict, rules: Rules, path: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "单位汇总"
    ws.append(["单位", "层级", "期间条数"])
    for site in sorted(data["sites"], key=lambda s: -s["items"]):
        ws.append([site["name"], TIER_LABELS.get(site["tier"], site["tier"]), site["items"]])
    ws.append(["合计", "", data["total"]])
    cols = wb.create_sheet("栏目明细")
    cols.append(["单位", "层级", "栏目", "类别", "栏目地址", "期间条数", "栏目总数", "最近更新"])
    for site in data["sites"]:
        for col in site["columns"]:
            cols.append([site["name"], TIER_LABELS.get(site["tier"], site["tier"]), col["name"],
                         rules.category_label(col["category"]), col["url"], col["items"], col["items_total"],
                         col["last_published"] or ""])
    tiers = wb.create_sheet("层级汇总")
    tiers.append(["层级", "期间条数"])
    for tier, n in data["tiers"].items():
        tiers.append([TIER_LABELS.get(tier, tier), n])
    for sheet, widths in ((ws, [32, 12, 12]), (cols, [32, 12, 30, 12, 60, 12, 12, 14]), (tiers, [14, 12])):
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, w in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = w
    wb.save(path)
