"""The timeliness report as a terminal table, an XLSX workbook and a printable HTML page."""

from __future__ import annotations

from collections import Counter

from . import html, labels
from .rules import Rules
from .sheets import add_sheet, new_workbook, ranked
from .textcols import pad

TITLE = "政府网站时效性检查报告"


def _sites(data: dict) -> dict[str, dict]:
    return {v["site"]: v for v in data.get("veto", [])}


def _days(f: dict) -> str:
    if f["days"] is None:
        return "-" if f["limit"] is None else "从未更新"
    return str(f["days"])


def _reasons(row: dict, rules: Rules) -> str:
    return "；".join(labels.veto_reason(r, rules.veto) for r in row["reasons"])


def ranking(data: dict) -> list[tuple[int, dict]]:
    """Units ranked by their number of findings (most first)."""
    per_site = Counter(f["site"] for f in data["findings"])
    rows = [{**v, "findings": per_site.get(v["site"], 0)} for v in data.get("veto", [])]
    return ranked(rows, "findings")


def table(data: dict, rules: Rules) -> str:
    sites = _sites(data)
    lines = [f"{TITLE}（截至 {data['as_of']}）", ""]
    lines.append("单项否决汇总")
    head = [
        ("单位", 30),
        ("层级", 10),
        ("栏目不更新", 12),
        ("动态通知类", 12),
        ("空白栏目", 10),
        ("首页", 8),
        ("否决", 6),
    ]
    lines.append("".join(pad(h, w) for h, w in head) + "原因")
    for v in data.get("veto", []):
        lines.append(
            "".join(
                [
                    pad(v["name"], 30),
                    pad(labels.tier(v["tier"]), 10),
                    pad(str(v["stale_columns"]), 12),
                    pad(str(v["stale_dynamic_notice_columns"]), 12),
                    pad(str(v["empty_columns"]), 10),
                    pad("不更新" if v["stale_homepage"] else "正常", 8),
                    pad("是" if v["vetoed"] else "否", 6),
                ]
            )
            + _reasons(v, rules)
        )
    lines.append("")
    for kind in labels.FINDING_LABELS:
        mine = [f for f in data["findings"] if f["kind"] == kind]
        lines.append(f"{labels.finding(kind)}: {len(mine)}")
        for f in mine:
            site = sites.get(f["site"], {}).get("name", f["site"])
            extra = f" 天数 {_days(f)}" + (f" / 限 {f['limit']}" if f["limit"] is not None else "")
            note = "（日历为近似）" if f.get("calendar") == "approximate" else ""
            lines.append(f"  {pad(site, 30)}{pad(f.get('name', '')[:20], 42)}{extra}{note}  {f['url']}")
    lines.append("")
    lines.append(
        f"问题合计: {len(data['findings'])}；单项否决单位: {sum(1 for v in data.get('veto', []) if v['vetoed'])}"
    )
    return "\n".join(lines) + "\n"


# per finding kind: (header, value getter) — only the fields that mean something for that kind
_SITE = [
    ("单位", lambda f, site: site.get("name", f["site"])),
    ("层级", lambda f, site: labels.tier(site.get("tier", ""))),
]
_URL = [("地址", lambda f, site: f["url"])]
_COLUMN = [
    ("栏目", lambda f, site: f.get("name", "")),
    ("栏目类型", lambda f, site: labels.column_kind(f.get("column_kind"))),
]
_TITLE = [("标题", lambda f, site: f.get("name", ""))]
FIELDS = {
    "stale_homepage": _SITE
    + [("距最近更新天数", lambda f, s: f["days"]), ("时限（天）", lambda f, s: f["limit"])]
    + _URL,
    "stale_column": _SITE
    + _COLUMN
    + [("距最近更新天数", lambda f, s: _days(f)), ("时限（天）", lambda f, s: f["limit"])]
    + _URL,
    "empty_column": _SITE + _COLUMN + _URL,
    "late_publication": _SITE
    + _TITLE
    + [
        ("成文至发布工作日", lambda f, s: f["days"]),
        ("时限（工作日）", lambda f, s: f["limit"]),
        ("日历", lambda f, s: "近似（按周一至周五）" if f.get("calendar") == "approximate" else "官方"),
    ]
    + _URL,
    "undated_item": _SITE + _TITLE + _URL,
    "dead_link": _SITE + _TITLE + _URL,
}
NUMERIC = {"距最近更新天数", "时限（天）", "成文至发布工作日", "时限（工作日）"}


def kind_table(data: dict, kind: str) -> tuple[list[str], list[list]]:
    sites = _sites(data)
    fields = FIELDS[kind]
    rows = [
        [get(f, sites.get(f["site"], {})) for _, get in fields] for f in data["findings"] if f["kind"] == kind
    ]
    return [h for h, _ in fields], rows


def xlsx(data: dict, rules: Rules, path: str) -> None:
    wb = new_workbook()
    add_sheet(
        wb,
        "单项否决汇总",
        [
            "单位",
            "层级",
            "栏目不更新",
            "动态、通知公告/政策类不更新",
            "空白栏目",
            "首页不更新",
            "发布超期",
            "未注明发布时间",
            "链接失效",
            "单项否决",
            "否决原因",
        ],
        [
            [
                v["name"],
                labels.tier(v["tier"]),
                v["stale_columns"],
                v["stale_dynamic_notice_columns"],
                v["empty_columns"],
                "是" if v["stale_homepage"] else "否",
                v["late_publications"],
                v["undated_items"],
                v["dead_links"],
                "是" if v["vetoed"] else "否",
                _reasons(v, rules),
            ]
            for v in data.get("veto", [])
        ],
    )
    add_sheet(
        wb,
        "单位排名",
        ["名次", "单位", "层级", "问题数", "单项否决"],
        [
            [rank, v["name"], labels.tier(v["tier"]), v["findings"], "是" if v["vetoed"] else "否"]
            for rank, v in ranking(data)
        ],
    )
    for kind, label in labels.FINDING_LABELS.items():
        add_sheet(
            wb,
            label,
            *kind_table(data, kind),
        )
    wb.save(path)


def html_page(data: dict, rules: Rules) -> str:
    by_kind = Counter(f["kind"] for f in data["findings"])
    veto = data.get("veto", [])
    vetoed = [v for v in veto if v["vetoed"]]
    parts = [
        html.figures(
            [
                ("问题合计", len(data["findings"])),
                ("单项否决单位", len(vetoed)),
                *[(labels.finding(k), by_kind.get(k, 0)) for k in labels.FINDING_LABELS],
            ]
        )
    ]
    parts.append(
        html.section(
            "问题类型分布",
            html.bar_chart(
                "各类问题数量",
                [(labels.finding(k), by_kind.get(k, 0)) for k in labels.FINDING_LABELS],
                unit="项",
            ),
        )
    )
    ranked_rows = [(rank, v) for rank, v in ranking(data) if v["findings"]]
    parts.append(
        html.section(
            "单位排名（按问题数）",
            html.bar_chart(
                "各单位问题数",
                [(v["name"], v["findings"]) for _, v in ranked_rows],
                unit="项",
                color="#b22222",
            ),
            html.table(
                ["名次", "单位", "层级", "问题数", "单项否决"],
                [
                    [r, v["name"], labels.tier(v["tier"]), v["findings"], "是" if v["vetoed"] else "否"]
                    for r, v in ranked_rows
                ],
                numeric=(0, 3),
            ),
        )
    )
    parts.append(
        html.section(
            "单项否决汇总",
            html.table(
                ["单位", "层级", "栏目不更新", "动态通知类不更新", "空白栏目", "首页", "单项否决", "原因"],
                [
                    [
                        v["name"],
                        labels.tier(v["tier"]),
                        v["stale_columns"],
                        v["stale_dynamic_notice_columns"],
                        v["empty_columns"],
                        "不更新" if v["stale_homepage"] else "正常",
                        "是" if v["vetoed"] else "否",
                        _reasons(v, rules),
                    ]
                    for v in veto
                ],
                numeric=(2, 3, 4),
                bad_rows=[v["vetoed"] for v in veto],
            ),
        )
    )
    for kind, label in labels.FINDING_LABELS.items():
        mine = [f for f in data["findings"] if f["kind"] == kind]
        if not mine:
            continue
        headers, rows = kind_table(data, kind)
        numeric = [i for i, h in enumerate(headers) if h in NUMERIC]
        parts.append(
            html.section(
                f"{label}（{len(mine)}）",
                html.table(headers, rows, numeric=numeric, url_cols=(len(headers) - 1,)),
            )
        )
    return html.page(f"{TITLE}", f"检查日期：截至 {data['as_of']}；规则：config/rules.yaml", "".join(parts))
