"""The annual 主动公开 statistics as a terminal table, an XLSX workbook and a printable HTML page."""

from __future__ import annotations

from . import html, labels
from .rules import Rules
from .sheets import add_sheet, new_workbook, ranked
from .textcols import pad

SECTION = "二、主动公开政府信息情况"


def _tier_rows(data: dict) -> list[list]:
    total = data["total"] or 1
    return [[labels.tier(t), n, f"{100 * n / total:.1f}%"] for t, n in data["by_tier"].items()]


def _category_rows(data: dict, rules: Rules) -> list[list]:
    total = data["total"] or 1
    return [[rules.category_label(k), n, f"{100 * n / total:.1f}%"] for k, n in data["by_category"].items()]


def table(data: dict, rules: Rules) -> str:
    lines = [
        f"{data['year']}年度政府信息公开工作年度报告（统计部分）",
        "",
        SECTION,
        "",
        "（一）主动公开政府信息的数量。" + data["paragraph"],
        "",
    ]
    lines.append("按层级")
    for label, n, share in _tier_rows(data):
        lines.append(f"  {pad(label, 14)}{pad(str(n), 8)}{share}")
    lines.append(f"  {pad('合计', 14)}{data['total']}")
    lines.append("")
    lines.append("按类别（同一条信息在同一单位、同一类别只计一次）")
    for label, n, share in _category_rows(data, rules):
        lines.append(f"  {pad(label, 14)}{pad(str(n), 8)}{share}")
    lines.append("")
    lines.append("单位排名")
    lines.append(
        "  "
        + "".join(
            pad(h, w)
            for h, w in [
                ("名次", 6),
                ("单位", 32),
                ("层级", 10),
                ("本年度", 8),
                ("公文类", 8),
                ("其他", 8),
                ("历年累计", 8),
            ]
        )
    )
    for rank, u in ranked(data["sites"], "items"):
        lines.append(
            "  "
            + "".join(
                [
                    pad(str(rank), 6),
                    pad(u["name"], 32),
                    pad(labels.tier(u["tier"]), 10),
                    pad(str(u["items"]), 8),
                    pad(str(u["document"]), 8),
                    pad(str(u["other"]), 8),
                    str(u["cumulative"]),
                ]
            )
        )
    return "\n".join(lines) + "\n"


def xlsx(data: dict, rules: Rules, path: str) -> None:
    wb = new_workbook()
    add_sheet(
        wb,
        "主动公开情况",
        ["项目", "条数"],
        [
            [f"{data['year']}年度主动公开政府信息", data["total"]],
            ["其中：县政府及县直部门公文类信息", data["document"]],
            ["其中：各镇、各部门其他政府信息", data["other"]],
            [f"历年累计（截至{data['year']}年12月31日）", data["cumulative"]],
            ["说明", data["paragraph"]],
        ],
        widths=[40, 60],
    )
    add_sheet(wb, "按层级", ["层级", "条数", "占比"], _tier_rows(data) + [["合计", data["total"], "100.0%"]])
    add_sheet(wb, "按类别", ["类别", "条数", "占比"], _category_rows(data, rules))
    cats = list(data["by_category"])
    add_sheet(
        wb,
        "单位排名",
        [
            "名次",
            "单位",
            "层级",
            "本年度",
            "公文类",
            "其他",
            "历年累计",
            *[rules.category_label(k) for k in cats],
        ],
        [
            [
                rank,
                u["name"],
                labels.tier(u["tier"]),
                u["items"],
                u["document"],
                u["other"],
                u["cumulative"],
                *[u["by_category"].get(k, 0) for k in cats],
            ]
            for rank, u in ranked(data["sites"], "items")
        ],
    )
    wb.save(path)


def html_page(data: dict, rules: Rules) -> str:
    year = data["year"]
    parts = [
        html.section(
            SECTION,
            "<h3>（一）主动公开政府信息的数量</h3>",
            f'<p class="lead">{html.esc(data["paragraph"])}</p>',
            html.figures(
                [
                    (f"{year}年度主动公开", data["total"]),
                    ("公文类", data["document"]),
                    ("其他", data["other"]),
                    ("历年累计", data["cumulative"]),
                ]
            ),
        )
    ]
    parts.append(
        html.section(
            "按层级统计",
            html.bar_chart(
                f"{year}年度各层级主动公开信息数", [(r[0], r[1]) for r in _tier_rows(data)], unit="条"
            ),
            html.table(
                ["层级", "条数", "占比"],
                _tier_rows(data) + [["合计", data["total"], "100.0%"]],
                numeric=(1, 2),
            ),
        )
    )
    parts.append(
        html.section(
            "按类别统计",
            html.bar_chart(
                f"{year}年度各类别主动公开信息数",
                [(r[0], r[1]) for r in _category_rows(data, rules)],
                unit="条",
            ),
            html.table(["类别", "条数", "占比"], _category_rows(data, rules), numeric=(1, 2)),
        )
    )
    units = ranked(data["sites"], "items")
    parts.append(
        html.section(
            "单位排名",
            html.bar_chart(
                f"{year}年度各单位主动公开信息数",
                [(u["name"], u["items"]) for _, u in units],
                unit="条",
                color="#1f6feb",
            ),
            html.table(
                ["名次", "单位", "层级", "本年度", "公文类", "其他", "历年累计"],
                [
                    [
                        r,
                        u["name"],
                        labels.tier(u["tier"]),
                        u["items"],
                        u["document"],
                        u["other"],
                        u["cumulative"],
                    ]
                    for r, u in units
                ],
                numeric=(0, 3, 4, 5, 6),
            ),
        )
    )
    return html.page(
        f"{year}年度政府信息公开工作年度报告（主动公开统计）",
        f"统计期间：{data['from']} 至 {data['to']}；口径：每个单位按信息地址去重，以发布日期计",
        "".join(parts),
    )
