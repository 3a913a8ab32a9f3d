"""Counts as a terminal table, an XLSX workbook (Chinese headers) and a printable HTML page."""

from __future__ import annotations

from . import html, labels
from .rules import Rules
from .sheets import add_sheet, new_workbook, ranked
from .textcols import pad

TIER_LABELS = labels.TIER_LABELS


def table(data: dict, rules: Rules, columns: bool = True) -> str:
    """The counts as text; ``columns=False`` gives one line per unit (the summary of ``patrol demo``)."""
    lines = [f"更新数量统计 {data['from']} 至 {data['to']}", ""]
    head = [("单位", 30), ("层级", 10)]
    if columns:
        head += [("栏目", 28), ("类别", 10)]
    head += [("期间条数", 10)]
    if columns:
        head += [("栏目总数", 10), ("最近更新", 12)]
    lines.append("".join(pad(h, w) for h, w in head))
    for site in data["sites"]:
        unit = [pad(site["name"], 30), pad(labels.tier(site["tier"]), 10)]
        if columns:
            unit += [pad("(合计)", 28), pad("", 10)]
        lines.append("".join([*unit, pad(str(site["items"]), 10)]))
        if not columns:
            continue
        for col in site["columns"]:
            lines.append(
                "".join(
                    [
                        pad("", 40),
                        pad(col["name"][:13], 28),
                        pad(rules.category_label(col["category"]), 10),
                        pad(str(col["items"]), 10),
                        pad(str(col["items_total"]), 10),
                        col["last_published"] or "-",
                    ]
                )
            )
        for col in site.get("retired_columns", []):
            lines.append(
                "".join(
                    [
                        pad("", 40),
                        pad(col["name"][:13], 28),
                        pad("已撤销", 10),
                        pad("-", 10),
                        pad(str(col["items_total"]), 10),
                        f"{col['retired']} 撤销（不计入）",
                    ]
                )
            )
    lines.append("")
    for tier, n in data["tiers"].items():
        lines.append(f"{labels.tier(tier)}: {n}")
    lines.append(f"合计: {data['total']}")
    return "\n".join(lines) + "\n"


def _column_rows(data: dict, rules: Rules) -> list[list]:
    return [
        [
            site["name"],
            labels.tier(site["tier"]),
            col["name"],
            rules.category_label(col["category"]),
            col["url"],
            col["items"],
            col["items_total"],
            col["last_published"] or "",
        ]
        for site in data["sites"]
        for col in site["columns"]
    ]


RETIRED_HEAD = ["单位", "层级", "栏目", "栏目地址", "撤销日期", "原列出条数"]


def _retired_rows(data: dict) -> list[list]:
    """Columns a complete patrol no longer found: shown with their date, counted nowhere."""
    return [
        [site["name"], labels.tier(site["tier"]), col["name"], col["url"], col["retired"], col["items_total"]]
        for site in data["sites"]
        for col in site.get("retired_columns", [])
    ]


def xlsx(data: dict, rules: Rules, path: str) -> None:
    wb = new_workbook()
    add_sheet(
        wb,
        "单位汇总",
        ["名次", "单位", "层级", "期间条数", "栏目数"],
        [
            [rank, s["name"], labels.tier(s["tier"]), s["items"], len(s["columns"])]
            for rank, s in ranked(data["sites"], "items")
        ]
        + [["", "合计", "", data["total"], ""]],
    )
    add_sheet(
        wb,
        "栏目明细",
        ["单位", "层级", "栏目", "类别", "栏目地址", "期间条数", "栏目总数", "最近更新"],
        _column_rows(data, rules),
        widths=[30, 10, 28, 10, 60, 10, 10, 12],
    )
    add_sheet(
        wb,
        "层级汇总",
        ["层级", "期间条数"],
        [[labels.tier(t), n] for t, n in data["tiers"].items()] + [["合计", data["total"]]],
    )
    retired = _retired_rows(data)
    if retired:
        add_sheet(wb, "已撤销栏目", RETIRED_HEAD, retired, widths=[30, 10, 28, 60, 12, 10])
    wb.save(path)


def html_page(data: dict, rules: Rules) -> str:
    units = ranked(data["sites"], "items")
    by_cat: dict[str, int] = {}
    for site in data["sites"]:
        for col in site["columns"]:
            by_cat[col["category"]] = by_cat.get(col["category"], 0) + col["items"]
    parts = [
        html.figures([("期间合计", data["total"]), *[(labels.tier(t), n) for t, n in data["tiers"].items()]])
    ]
    parts.append(
        html.section(
            "按层级统计",
            html.bar_chart("各层级更新条数", [(labels.tier(t), n) for t, n in data["tiers"].items()], "条"),
        )
    )
    parts.append(
        html.section(
            "按类别统计（栏目条数之和，跨栏目信息分别计入）",
            html.bar_chart(
                "各类别栏目更新条数", [(rules.category_label(k), n) for k, n in by_cat.items()], "条"
            ),
        )
    )
    parts.append(
        html.section(
            "单位排名",
            html.bar_chart(
                "各单位更新条数", [(s["name"], s["items"]) for _, s in units], "条", color="#1f6feb"
            ),
            html.table(
                ["名次", "单位", "层级", "期间条数", "栏目数"],
                [[r, s["name"], labels.tier(s["tier"]), s["items"], len(s["columns"])] for r, s in units],
                numeric=(0, 3, 4),
            ),
        )
    )
    parts.append(
        html.section(
            "栏目明细",
            html.table(
                ["单位", "层级", "栏目", "类别", "栏目地址", "期间条数", "栏目总数", "最近更新"],
                _column_rows(data, rules),
                numeric=(5, 6),
                url_cols=(4,),
            ),
        )
    )
    retired = _retired_rows(data)
    if retired:
        parts.append(
            html.section(
                "已撤销栏目（最近一次完整巡查未再发现，不计入统计）",
                html.table(RETIRED_HEAD, retired, numeric=(5,), url_cols=(3,)),
            )
        )
    return html.page("政府网站更新数量统计", f"统计期间：{data['from']} 至 {data['to']}", "".join(parts))
