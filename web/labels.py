"""Chinese labels for the screening keys shown in the web app."""

from __future__ import annotations

from screening.models import Finding

KIND_LABELS: dict[str, str] = {
    "classified_mark": "密级标志",
    "internal_marker": "内部资料标志",
    "keyword": "关键词",
    "id_number": "身份证号",
    "bank_card": "银行卡号",
    "mobile": "手机号码",
}
SEVERITY_LABELS: dict[str, str] = dict(Finding.SEVERITY)
STATUS_LABELS: dict[str, str] = dict(Finding.STATUS)
# the decisions a reviewer can take (every status but "open")
DECISIONS: list[tuple[str, str]] = [(k, v) for k, v in Finding.STATUS if k != "open"]
DECISION_VERBS: dict[str, str] = {"confirmed": "确认", "dismissed": "排除", "taken_down": "已下架"}


TRIGGER_LABELS: dict[str, str] = {"manual": "手动", "schedule": "定时", "demo": "演示"}
SCREEN_STATUS_LABELS: dict[str, str] = {"screened": "已筛查", "unscreened": "未能筛查"}


def kind(key: str) -> str:
    return KIND_LABELS.get(key, key)
