"""Takedown verified by the next patrol (ARCHITECTURE.md, incremental).

Every finding a person confirmed (or a unit reported removed, or a patrol found not fixed)
has its page or attachment fetched again by each patrol of its site, whatever the
incremental rules say. The verdict is a ``Review`` by the system (reviewer null, the
evidence in its note):

- gone: HTTP 404/410, a soft 404 (an error page served with 200), or the hit gone from the
  new bytes (re-screened with the current lexicon and allowlist) → ``verified_removed``;
- still there → judged when the spider closes: if the list walk of this patrol (or an
  earlier one) dropped the item from every column it was listed in → ``verified_removed``
  ("no longer listed"); else ``not_fixed`` with the days since it was first confirmed.

Other answers (5xx, 403, network errors) prove nothing: the finding keeps its status and
is fetched again by the next patrol.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

import scrapy
from scrapy.http import Response

log = logging.getLogger(__name__)

GONE = (404, 410)


@dataclass
class Pending:
    """Findings whose hits were still served, judged when the spider closes."""

    evidence: dict[int, str] = field(default_factory=dict)  # finding id -> what was seen


def targets(site_ids: list[str]) -> dict[str, list[int]]:
    """URL -> ids of the findings on it awaiting a takedown check, for these sites."""
    from screening.models import Finding

    qs = (
        Finding.objects.filter(status__in=Finding.TAKEDOWN_STATUSES, page__site__site_id__in=site_ids)
        .order_by("pk")
        .values_list("pk", "url")
    )
    out: dict[str, list[int]] = defaultdict(list)
    for pk, url in qs:
        out[url].append(pk)
    return dict(out)


def site_of(finding_id: int) -> str | None:
    from screening.models import Finding

    return Finding.objects.filter(pk=finding_id).values_list("page__site__site_id", flat=True).first()


def requests(spider) -> list[scrapy.Request]:
    """One request per URL with findings to verify, for the sites this patrol walks."""
    spider.takedown = Pending()
    out = []
    for url, ids in targets(list(spider.state)).items():
        site = site_of(ids[0])
        if site not in spider.state:
            continue
        out.append(
            scrapy.Request(
                url,
                callback=spider.parse_takedown,
                errback=spider.on_error,
                priority=2,
                dont_filter=True,
                meta={
                    "site": site,
                    "takedown": ids,
                    "handle_httpstatus_list": list(range(400, 600)),  # redirects are followed
                    "download_maxsize": int(spider.conf.crawl["max_attachment_mb"] * 1024 * 1024),
                },
            )
        )
    spider.counters.setdefault("takedown_checks", 0)
    return out


def _hit_keys(hits) -> set[tuple[str, str]]:
    out = set()
    for h in hits:
        kind = h.get("kind") if isinstance(h, dict) else getattr(h, "kind", "")
        text = h.get("text") if isinstance(h, dict) else getattr(h, "text", "")
        out.add((str(kind or ""), str(text or "")))
    return out


def _content_type(response: Response) -> str:
    return response.headers.get("Content-Type", b"").decode("latin-1").lower()


def judge(spider, response: Response) -> None:
    """The verdict for the findings on one fetched URL (or a note that nothing was proven)."""
    from crawler import extract, snapshots
    from crawler.screen_hook import screen_document
    from screening.models import Finding

    spider.counters["takedown_checks"] = spider.counters.get("takedown_checks", 0) + 1
    ids = response.meta["takedown"]
    findings = list(Finding.objects.filter(pk__in=ids, status__in=Finding.TAKEDOWN_STATUSES))
    if not findings:
        return
    status = response.status
    moved = f"（跳转至 {response.url}）" if response.url != response.request.url else ""
    if status in GONE:
        for f in findings:
            f.system_check("verified_removed", f"HTTP {status}{moved}：页面或附件已不存在")
        return
    if status != 200:
        log.warning("takedown check of %s answered HTTP %s: not judged", response.url, status)
        return
    body = response.body
    ctype = _content_type(response)
    is_page = findings[0].attachment_id is None
    if is_page or "html" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ctype else None
        detail = extract.parse_detail(response.url, extract.decode_html(body, charset))
        if detail.soft_404:
            for f in findings:
                f.system_check("verified_removed", f"HTTP 200 软404{moved}：返回的是错误页，原内容已不存在")
            return
    sha = snapshots.store(body).sha256
    name = findings[0].attachment.name if findings[0].attachment_id else response.url
    result = screen_document(body, name or response.url, ctype, response.url, spider.conf)
    now_seen = _hit_keys(result.hits)
    for f in findings:
        still = _hit_keys(f.hits) & now_seen
        if not still:
            f.system_check("verified_removed", f"命中已消失{moved}：新快照 sha256 {sha}")
        else:
            texts = "、".join(sorted(t for _, t in still)[:5])
            spider.takedown.evidence[f.pk] = f"仍可访问{moved}，命中仍在（{texts}）：快照 sha256 {sha}"


def finish(spider) -> None:
    """Judge what was still served: no longer listed anywhere → verified_removed, else not_fixed."""
    from screening.models import Finding

    pending = getattr(spider, "takedown", None)
    if pending is None:
        return
    for f in Finding.objects.filter(
        pk__in=pending.evidence, status__in=Finding.TAKEDOWN_STATUSES
    ).select_related("page__item"):
        evidence = pending.evidence[f.pk]
        item = f.page.item if f.page_id else None
        if item is not None and not item.listings.exists():
            f.system_check("verified_removed", f"不再列于栏目列表（{evidence}）")
            continue
        days = f.days_open()
        f.system_check("not_fixed", f"{evidence}；确认后 {days if days is not None else '-'} 天")
    pending.evidence.clear()
