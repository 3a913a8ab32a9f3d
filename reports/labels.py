"""Chinese labels of the reports' keys (one place for every renderer)."""

from __future__ import annotations

TIER_LABELS = {"county": "县政府", "department": "县直部门", "town": "镇"}

FINDING_LABELS = {
    "stale_homepage": "首页不更新",
    "stale_column": "栏目不更新",
    "empty_column": "空白栏目",
    "late_publication": "发布超期",
    "undated_item": "未注明发布时间",
    "dead_link": "链接失效",
}

COLUMN_KIND_LABELS = {
    "homepage": "首页",
    "dynamic": "动态要闻类",
    "notice_policy": "通知公告/政策文件类",
    "plan_personnel": "规划计划/人事类",
    "other": "其他",
}


def tier(key: str) -> str:
    return TIER_LABELS.get(key, key)


def finding(key: str) -> str:
    return FINDING_LABELS.get(key, key)


def column_kind(key: str | None) -> str:
    return COLUMN_KIND_LABELS.get(key or "", key or "")


def veto_reason(key: str, veto: dict) -> str:
    """A veto reason with its threshold from rules.yaml, e.g. 栏目不更新≥10个."""
    n = veto.get(key)
    return {
        "stale_dynamic_notice_columns": f"动态、通知公告/政策类栏目不更新≥{n}个",
        "stale_columns": f"栏目不更新≥{n}个",
        "empty_columns": f"空白栏目≥{n}个",
        "stale_homepage": "首页不更新",
    }.get(key, key)
