"""The inspection report (reports.inspection) as a terminal table, an XLSX workbook and printable HTML."""

from __future__ import annotations

from collections import Counter

from . import html, labels
from .rules import Rules
from .sheets import add_sheet, new_workbook
from .textcols import pad

TITLE = "政府网站检查指标与单项否决报告"

KIND_LABELS = {
    "site_unavailable": "站点无法访问",
    "stale_homepage": "首页不更新",
    "stale_column": "栏目不更新",
    "empty_column": "空白栏目",
    "empty_columns": "空白栏目过多（预警）",
    "unanswered_message": "留言超期未回复",
    "slow_reply": "留言回复超过5个工作日",
    "hidden_link": "暗链（隐藏外链）",
    "wording_error": "表述错误",
    "watch_name": "关注人名",
    "missing_identity": "网站标识缺失",
    "late_publication": "发布超期",
    "undated_item": "未注明发布时间",
    "dead_link": "链接失效",
    "offsite_redirect": "跳转到范围外",
    "no_disclosure_entry": "无信息公开入口",
    "unreadable": "无法读取",
    "retired_column": "栏目已撤销",
}
LEVEL_LABELS = {"veto": "单项否决", "deduct": "扣分", "warning": "预警"}
IDENTITY_LABELS = {
    "site_code": "网站标识码",
    "icp": "ICP备案号",
    "psb": "公安机关备案号",
    "gov_mark": "党政机关网站标识",
}
HOW_LABELS = {  # inspection.checks.hidden
    "display_none": "display:none 隐藏",
    "visibility_hidden": "visibility:hidden 隐藏",
    "zero_size": "零尺寸",
    "offscreen": "移出屏幕外",
    "font_size_zero": "字号为 0",
    "hidden_attr": "hidden 属性",
    "opacity_zero": "完全透明",
}


def kind(key: str) -> str:
    return KIND_LABELS.get(key, key)


def level(key: str) -> str:
    return LEVEL_LABELS.get(key, key)


def reasons_text(row: dict) -> str:
    """The veto reasons in Chinese, in the report's order of kinds (reachability first)."""
    from .inspection import KINDS

    order = {k: i for i, k in enumerate(KINDS)}
    return "、".join(kind(r) for r in sorted(row["reasons"], key=lambda r: order.get(r, 99))) or "-"


def describe(f: dict) -> str:
    """One line in Chinese of what a finding says beyond its kind (for every renderer)."""
    k = f["kind"]
    if k == "site_unavailable":
        text = f"探测 {f['probes']} 次，失败 {f['failures']} 次（{f['rate'] * 100:.2f}%）"
        return text + ("；探测次数不足 140 次，不作结论" if f.get("insufficient") else "")
    if k in ("stale_homepage", "stale_column"):
        days = "从未更新" if f.get("days") is None else f"{f['days']} 天未更新"
        return f"{f.get('name', '')} {days}（限 {f.get('limit')} 天）".strip()
    if k == "late_publication":
        return f"{f.get('name', '')} 成文至发布 {f.get('days')} 个工作日（限 {f.get('limit')}）"
    if k in ("empty_column", "undated_item", "dead_link"):
        return f.get("name", "")
    if k == "empty_columns":
        return f"空白栏目 {f['count']} 个"
    if k == "unanswered_message":
        return f"{f.get('column_name') or f.get('column', '')}：{f.get('name', '')} {f['asked']} 提问，{f['days']} 天未回复"
    if k == "slow_reply":
        return (
            f"{f.get('column_name') or f.get('column', '')}：{f.get('name', '')} {f['asked']} 提问，"
            f"{f['replied']} 回复，用时 {f['workdays']} 个工作日"
        )
    if k == "hidden_link":
        return f"隐藏链接指向 {f.get('target', '')}（{HOW_LABELS.get(f.get('how', ''), f.get('how', ''))}）"
    if k == "wording_error":
        return f"“{f.get('text', '')}”应为“{f.get('suggestion', '')}”"
    if k == "watch_name":
        return f"出现关注人名“{f.get('text', '')}”"
    if k == "missing_identity":
        return "缺少：" + "、".join(IDENTITY_LABELS.get(m, m) for m in f.get("missing", []))
    if k == "offsite_redirect":
        return f"跳转到 {f.get('target', '')}"
    if k == "unreadable":
        return str(f.get("reason", ""))
    if k == "retired_column":
        return f"撤销于 {f.get('retired', '')}"
    return ""


def _names(data: dict) -> dict[str, str]:
    return {s["id"]: s["name"] for s in data["sites"]}


def finding_rows(data: dict) -> list[list]:
    names = _names(data)
    return [
        [names.get(f["site"], f["site"]), level(f["level"]), kind(f["kind"]), describe(f), f["url"]]
        for f in data["findings"]
    ]


def site_rows(data: dict) -> list[list]:
    return [
        [
            s["name"],
            labels.tier(s.get("tier", "")),
            "是" if s["veto"] else "否",
            reasons_text(s),
            s.get("levels", {}).get("veto", 0),
            s.get("levels", {}).get("deduct", 0),
            s.get("levels", {}).get("warning", 0),
        ]
        for s in data["sites"]
    ]


SITE_HEAD = ["单位", "层级", "单项否决", "否决原因", "否决项", "扣分项", "预警项"]
FINDING_HEAD = ["单位", "等级", "指标", "说明", "地址"]


def table(data: dict, rules: Rules | None = None) -> str:
    lines = [f"{TITLE}（截至 {data['as_of']}）", "", "单项否决汇总"]
    widths = (30, 10, 10)
    lines.append("".join(pad(h, w) for h, w in zip(SITE_HEAD[:3], widths, strict=True)) + "否决原因")
    for row in site_rows(data):
        lines.append("".join(pad(str(v), w) for v, w in zip(row[:3], widths, strict=True)) + row[3])
    for lv in ("veto", "deduct", "warning"):
        mine = [f for f in data["findings"] if f["level"] == lv]
        lines += ["", f"{level(lv)}：{len(mine)} 项"]
        names = _names(data)
        for f in mine:
            lines.append(
                f"  {pad(names.get(f['site'], f['site']), 24)}{pad(kind(f['kind']), 22)}{describe(f)}  {f['url']}"
            )
    vetoed = sum(1 for s in data["sites"] if s["veto"])
    lines += ["", f"问题合计: {len(data['findings'])}；单项否决单位: {vetoed}"]
    return "\n".join(lines) + "\n"


def xlsx(data: dict, rules: Rules | None, path: str) -> None:
    wb = new_workbook()
    add_sheet(wb, "单项否决汇总", SITE_HEAD, site_rows(data))
    add_sheet(wb, "全部问题", FINDING_HEAD, finding_rows(data))
    for lv in ("veto", "deduct", "warning"):
        rows = [r for r, f in zip(finding_rows(data), data["findings"], strict=True) if f["level"] == lv]
        add_sheet(wb, level(lv), FINDING_HEAD, rows)
    identity = [
        [s["name"], *[s.get("identity", {}).get(k, "") for k in IDENTITY_LABELS]]
        for s in data["sites"]
        if s.get("identity")
    ]
    if identity:
        add_sheet(wb, "网站标识", ["单位", *IDENTITY_LABELS.values()], identity)
    wb.save(path)


def html_page(data: dict, rules: Rules | None = None) -> str:
    by_level = Counter(f["level"] for f in data["findings"])
    by_kind = Counter(f["kind"] for f in data["findings"])
    vetoed = [s for s in data["sites"] if s["veto"]]
    parts = [
        html.figures(
            [
                ("问题合计", len(data["findings"])),
                ("单项否决单位", len(vetoed)),
                *[(level(lv), by_level.get(lv, 0)) for lv in ("veto", "deduct", "warning")],
            ]
        ),
        html.section(
            "单项否决汇总",
            html.table(
                SITE_HEAD, site_rows(data), numeric=(4, 5, 6), bad_rows=[s["veto"] for s in data["sites"]]
            ),
        ),
        html.section(
            "问题类型分布",
            html.bar_chart("各类问题数量", [(kind(k), n) for k, n in by_kind.most_common()], unit="项"),
        ),
    ]
    for lv in ("veto", "deduct", "warning"):
        rows = [r for r, f in zip(finding_rows(data), data["findings"], strict=True) if f["level"] == lv]
        if rows:  # the section names the level: no level column
            head = [h for i, h in enumerate(FINDING_HEAD) if i != 1]
            body = [[v for i, v in enumerate(r) if i != 1] for r in rows]
            parts.append(html.section(f"{level(lv)}（{len(rows)}）", html.table(head, body, url_cols=(3,))))
    return html.page(
        TITLE,
        f"检查日期：截至 {data['as_of']}；规则：国办秘函〔2019〕19号，config/rules.yaml",
        "".join(parts),
    )
