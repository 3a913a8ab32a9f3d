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
    index: int = 0  # position in the finding's hits (the crop of an OCR hit is asked by it)
    ocr_page: int | None = None  # read by OCR on this page (1-based): a crop of the region is shown


def hit_row(hit: dict, index: int = 0) -> HitRow:
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
        index=index,
        ocr_page=int(hit["page"]) if hit.get("ocr") and ocr_box(hit) is not None else None,
    )


def ocr_box(hit: dict) -> tuple[int, int, int, int] | None:
    """The pixel box an OCR hit was read from, when the hit has a sane one."""
    box = hit.get("box")
    if not hit.get("ocr") or not isinstance(box, list | tuple) or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = (int(v) for v in box)
        page = int(hit.get("page") or 0)
    except (TypeError, ValueError):
        return None
    if page < 1 or x1 <= x0 or y1 <= y0 or min(x0, y0) < 0:
        return None
    return x0, y0, x1, y1


CROP_MARGIN = 24  # pixels around the box: the reviewer sees the mark in its corner of the page
CROP_MAX_SIDE = 1200


def ocr_crop(finding: Finding, index: int) -> bytes | None:
    """PNG of the page region an OCR hit was read from (None when there is none to show)."""
    import io

    from screening.extract.ocr import page_image

    hits = finding.hits or []
    if not 0 <= index < len(hits):
        return None
    box = ocr_box(hits[index])
    path = snapshot_path(finding)
    if box is None or path is None:
        return None
    try:
        img = page_image(path.read_bytes(), int(hits[index]["page"]))
    except Exception:  # noqa: BLE001 - a page that cannot be drawn again shows no crop
        return None
    if img is None:
        return None
    x0, y0, x1, y1 = box
    m = CROP_MARGIN
    area = (max(0, x0 - m), max(0, y0 - m), min(img.width, x1 + m), min(img.height, y1 + m))
    if area[2] <= area[0] or area[3] <= area[1]:
        return None
    crop = img.crop(area).convert("RGB")
    if max(crop.size) > CROP_MAX_SIDE:
        crop.thumbnail((CROP_MAX_SIDE, CROP_MAX_SIDE))
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


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
        hits=[hit_row(h, i) for i, h in enumerate(finding.hits or [])],
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
