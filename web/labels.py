"""Chinese labels for the screening keys shown in the web app."""

from __future__ import annotations

from screening.models import HIT_KIND_LABELS, Finding

KIND_LABELS: dict[str, str] = HIT_KIND_LABELS
SEVERITY_LABELS: dict[str, str] = dict(Finding.SEVERITY)
STATUS_LABELS: dict[str, str] = dict(Finding.STATUS)
# the decisions a reviewer can take; "open" reopens a decided finding (verified_removed and
# not_fixed are the patrol's takedown verdicts, never a person's)
DECISION_VERBS: dict[str, str] = {
    "confirmed": "确认",
    "dismissed": "排除（误报）",
    "removed": "已下架",
    "open": "重新打开",
}
DECISIONS: list[tuple[str, str]] = [(k, STATUS_LABELS[k]) for k in Finding.DECISIONS]


TRIGGER_LABELS: dict[str, str] = {"manual": "手动", "schedule": "定时", "demo": "演示", "web": "网页发起"}
SCREEN_STATUS_LABELS: dict[str, str] = {"screened": "已筛查", "unscreened": "未能筛查", "pending": "待筛查"}


def kind(key: str) -> str:
    return KIND_LABELS.get(key, key)
