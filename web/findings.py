"""The review queue and the finding detail as plain functions over the screening store.

Everything returned here is data for autoescaping templates: crawled titles, URLs and hit
contexts stay plain strings (never marked safe), and outbound links pass ``links.href``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from crawler import snapshots
from screening.models import Finding, Review

from . import labels
from .links import href

SEVERITY_RANK = Case(
    When(severity="high", then=Value(3)),
    When(severity="medium", then=Value(2)),
    When(severity="low", then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


# sortable queue columns: key -> order expression (ascending)
SORTS: dict[str, Any] = {
    "severity": SEVERITY_RANK,
    "url": F("url"),
    "site": F("page__site__name"),
    "status": F("status"),
    "found": F("created_at"),
    "confirmed": F("first_confirmed_at"),
}


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # "open" (open + not_fixed: waiting for a person), a Finding status, or "all"
    severity: str = ""
    kind: str = ""
    site: str = ""  # Site.site_id
    flagged: bool = False  # only findings at the configured threshold
    q: str = ""  # text in the URL, the title or a hit
    date_from: date | None = None  # found on or after
    date_to: date | None = None  # found on or before
    sort: str = ""  # a SORTS key, "-" first for descending; default severity then newest

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters (for links that keep the current view)."""
        out = {
            "status": self.status,
            "severity": self.severity,
            "kind": self.kind,
            "site": self.site,
            "flagged": "on" if self.flagged else "",
            "q": self.q,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "sort": self.sort,
        }
        return {k: v for k, v in out.items() if v}


def _search(q: str) -> Q:
    # hits are stored as JSON: on SQLite non-ASCII text is \uXXXX-escaped, on PostgreSQL it is not
    escaped = json.dumps(q)[1:-1]
    cond = (
        Q(url__icontains=q)
        | Q(page_url__icontains=q)
        | Q(page__item__title__icontains=q)
        | Q(attachment__name__icontains=q)
        | Q(hits__icontains=q)
    )
    if escaped != q:
        cond |= Q(hits__icontains=escaped)
    return cond


def queue(filters: QueueFilters) -> QuerySet[Finding]:
    """Findings matching ``filters``; by default highest severity first, then newest first."""
    qs = Finding.objects.select_related("page__site", "page__item", "attachment", "snapshot")
    if filters.status == "open":
        qs = qs.filter(status__in=Finding.QUEUE_STATUSES)
        # a document at a site's former address that reappeared at the new one (crawler.retire):
        # its review is carried by the new address's finding, so the old one leaves the work queue
        qs = qs.exclude(page__item__moved_to__isnull=False)
    elif filters.status and filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(_search(filters.q))
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.kind:
        # kinds is a JSON list of fixed keys; the quoted key matches one element on every backend
        qs = qs.filter(kinds__icontains=f'"{filters.kind}"')
    if filters.site:
        qs = qs.filter(page__site__site_id=filters.site)
    if filters.flagged:
        qs = qs.filter(flagged=True)
    qs = qs.annotate(severity_rank=SEVERITY_RANK)
    key = filters.sort.lstrip("-")
    if key in SORTS:
        expr = SORTS[key]
        desc = filters.sort.startswith("-")
        order = expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True)
        return qs.order_by(order, "-id")
    return qs.order_by("-severity_rank", "-created_at", "-id")


def _title(finding: Finding) -> str:
    if finding.attachment_id and finding.attachment.name:
        return finding.attachment.name
    if finding.page_id and finding.page.item_id:
        return finding.page.item.title
    return ""


@dataclass(frozen=True)
class QueueRow:
    finding: Finding
    title: str
    site: str
    href: str | None
    page_href: str | None
    kinds: list[str]
    hit_count: int
    days_open: int | None = None  # not_fixed / confirmed / removed: days since first confirmed


def queue_row(finding: Finding) -> QueueRow:
    site = finding.page.site.name if finding.page_id else ""
    days = finding.days_open() if finding.status in Finding.TAKEDOWN_STATUSES else None
    return QueueRow(
        finding=finding,
        title=_title(finding),
        site=site,
        href=href(finding.url),
        page_href=href(finding.page_url) if finding.page_url and finding.page_url != finding.url else None,
        kinds=[labels.kind(k) for k in finding.kinds],
        hit_count=len(finding.hits or []),
        days_open=days,
    )


@dataclass(frozen=True)
class HitRow:
    kind: str
    rule: str
    severity: str
    text: str
    before: str  # context split around the (masked) hit text, each part escaped by the template
    match: str
    after: str
    start: Any
    end: Any


def hit_row(hit: dict) -> HitRow:
    text = str(hit.get("text") or "")
    context = str(hit.get("context") or "")
    at = context.find(text) if text else -1
    if at < 0:
        before, match, after = context, "", ""
    else:
        before, match, after = context[:at], text, context[at + len(text) :]
    severity = str(hit.get("severity") or "")
    return HitRow(
        kind=labels.kind(str(hit.get("kind") or "")),
        rule=str(hit.get("rule") or ""),
        severity=labels.SEVERITY_LABELS.get(severity, severity),
        text=text,
        before=before,
        match=match,
        after=after,
        start=hit.get("start"),
        end=hit.get("end"),
    )


@dataclass(frozen=True)
class Detail:
    row: QueueRow
    hits: list[HitRow]
    sha256: str
    size: int | None
    fetched_at: datetime | None
    snapshot_available: bool
    screen_status: str
    reviews: list[Review] = field(default_factory=list)


def detail(finding: Finding) -> Detail:
    if finding.attachment_id:
        fetched_at = finding.attachment.fetched_at
    elif finding.page_id:
        fetched_at = finding.page.fetched_at
    else:
        fetched_at = None
    snap = finding.snapshot
    return Detail(
        row=queue_row(finding),
        hits=[hit_row(h) for h in finding.hits or []],
        sha256=snap.sha256 if snap else "",
        size=snap.size if snap else None,
        fetched_at=fetched_at,
        snapshot_available=bool(snap) and snapshot_path(finding) is not None,
        screen_status=labels.SCREEN_STATUS_LABELS.get(finding.screen_status, finding.screen_status),
        reviews=list(finding.reviews.select_related("reviewer")),
    )


def snapshot_path(finding: Finding) -> Path | None:
    """The stored bytes the finding came from, when the file is there."""
    if finding.snapshot_id is None:
        return None
    path = snapshots.path_for(finding.snapshot.sha256)
    return path if path.is_file() else None
