"""Timeliness findings as of any date (RULES.md; every number from ``config/rules.yaml``).

``evaluate(as_of, rules, conf)`` returns the timeliness contract of ARCHITECTURE.md,
``{"as_of", "findings": [{"kind", "site", "url", "days", "limit", ...}], "veto": [...]}``.
Extra keys on a finding (``name``, ``column_kind``, ``calendar``) and the per-site ``veto``
summary are additions; the five contract fields are exact.

Everything is derived from the store's names and dates and the rules file; "as of" means only
what existed then is judged: items dated after ``as_of`` are ignored everywhere.

Decisions (edge cases):

* **stale_column** — kind from the column name (``rules.column_kind``, per-column ``kind``
  override in patrol.yaml); kind ``other`` has no window and is never judged. The column's last
  update is the newest publish date ``<= as_of`` among the items it lists, external (转载)
  items included. Undated items are not updates. A pinned (置顶) row counts only by its item's
  own publish date, never by its position on top. ``days = (as_of - last).days``; stale when
  ``days > window``. A column that lists items as of ``as_of`` but none of them dated is
  stale with ``days: null`` (never updated, RULES.md: undated counts as not updated).
* **empty_column** — the column shows an empty marker (``Column.empty``), lists nothing, or
  (judging the past) lists only items dated after ``as_of``: it was empty then. An empty column
  is not also judged stale. ``days``/``limit`` null. Judged for every kind, ``other`` too.
* **stale_homepage** — from ``Site.homepage_last_published`` (newest date the homepage's
  latest-news blocks showed at the last patrol): stale when older than the ``homepage``
  window; ``url`` is the site's homepage. A homepage that showed no date, or whose newest date
  is after ``as_of`` (its state on that day is unknown), gives no finding.
* **late_publication** — 成文日期 → 发布日期 over ``late_publication_working_days`` working
  days on the official calendar (reports.workdays); ``days`` = working days, ``limit`` = the
  limit; ``"calendar": "approximate"`` when a year outside the calendar package was counted
  Monday–Friday.
* **undated_item** — an item listed in a judged column, not external, whose detail page was
  fetched and neither the row nor the page gave a publish date. External (转载) items are
  never fetched, so their date cannot be checked: not reported. A dead item is reported as
  dead_link only (the page that would carry its date is gone). Undated items have no age, so
  they are reported at any ``as_of``.
* **dead_link** — a listed, non-external item whose detail page answered HTTP >= 400 or is a
  soft 404; undated dead items at any ``as_of``, dated ones when published ``<= as_of``. Also each
  list page the site's latest patrol found missing in the middle of a column's pages (a
  ``dead_link`` site finding; ``url`` is that list page, ``name`` its column).

Columns with a ``skip`` override are not judged, nor the items listed only there; neither are
retired columns (a complete patrol of their site no longer found them, crawler.retire).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from config.patrolconf import PatrolConf
from crawler import sitefindings
from crawler.models import Column, Item, Site

from .rules import Rules, column_override
from .workdays import count_working_days

KINDS = ("stale_homepage", "stale_column", "empty_column", "late_publication", "undated_item", "dead_link")
TIERS = ("county", "department", "town")
DYNAMIC_NOTICE = ("dynamic", "notice_policy")


@dataclass(frozen=True)
class Finding:
    kind: str
    site: str
    url: str
    days: int | None = None
    limit: int | None = None
    name: str = ""  # column name, item title or site name
    column_kind: str | None = None
    approximate: bool = False

    def as_dict(self) -> dict:
        out = {
            "kind": self.kind,
            "site": self.site,
            "url": self.url,
            "days": self.days,
            "limit": self.limit,
            "name": self.name,
        }
        if self.column_kind:
            out["column_kind"] = self.column_kind
        if self.approximate:
            out["calendar"] = "approximate"
        return out


def _judged_columns(as_of: date, rules: Rules, conf: PatrolConf | None) -> list:
    """Columns of active sites with their kind and as-of figures; skipped columns left out."""
    site_confs = {s.id: s for s in conf.sites} if conf else {}
    upto = Q(listings__item__publish_date__lte=as_of)
    cols = (
        Column.objects.select_related("site")
        .filter(site__active=True, retired_at__isnull=True)
        .annotate(
            n_listed=Count("listings", distinct=True),
            n_dated=Count("listings", filter=upto, distinct=True),
            n_undated=Count("listings", filter=Q(listings__item__publish_date=None), distinct=True),
            last=Max("listings__item__publish_date", filter=upto),
        )
        .order_by("site_id", "url")
    )
    out = []
    for col in cols:
        override = column_override(site_confs.get(col.site.site_id), col.url, col.name)
        if override.get("skip"):
            continue
        col.kind = rules.column_kind(col.name, override.get("kind"))
        out.append(col)
    return out


def column_findings(col, as_of: date, rules: Rules) -> list[Finding]:
    sid = col.site.site_id
    if col.empty or col.n_dated + col.n_undated == 0:
        return [Finding("empty_column", sid, col.url, name=col.name, column_kind=col.kind)]
    window = rules.windows.get(col.kind)
    if window is None:
        return []
    if col.last is None:
        return [Finding("stale_column", sid, col.url, None, window, col.name, col.kind)]
    days = (as_of - col.last).days
    if days > window:
        return [Finding("stale_column", sid, col.url, days, window, col.name, col.kind)]
    return []


def homepage_finding(site: Site, as_of: date, rules: Rules) -> list[Finding]:
    last, window = site.homepage_last_published, rules.windows.get("homepage")
    if last is None or window is None or last > as_of:
        return []
    days = (as_of - last).days
    if days > window:
        return [Finding("stale_homepage", site.site_id, site.url, days, window, "首页", "homepage")]
    return []


def item_findings(item, site_id: str, as_of: date, rules: Rules) -> list[Finding]:
    if item["external"]:
        return []
    published = item["publish_date"]
    if published is not None and published > as_of:
        return []
    url, title = item["url"], item["title"]
    status = item["detail_status"]
    if item["soft_404"] or (status is not None and status >= 400):
        return [Finding("dead_link", site_id, url, name=title)]
    if published is None:
        return [Finding("undated_item", site_id, url, name=title)] if status is not None else []
    written = item["written_date"]
    if written is not None:
        count = count_working_days(written, published)
        if count.days > rules.late_working_days:
            return [
                Finding(
                    "late_publication",
                    site_id,
                    url,
                    count.days,
                    rules.late_working_days,
                    title,
                    approximate=count.approximate,
                )
            ]
    return []


def list_page_findings(site: Site) -> list[Finding]:
    """Missing list pages (404, 5xx, soft 404, timeouts) the site's latest patrol walked past."""
    found = sitefindings.latest(site, ("dead_link",))
    names = dict(
        Column.objects.filter(site=site, url__in=[f.detail.get("column", "") for f in found]).values_list(
            "url", "name"
        )
    )
    return [
        Finding("dead_link", site.site_id, f.url, name=names.get(f.detail.get("column", ""), ""))
        for f in found
    ]


def _listed_items(column_ids: list[int]):
    fields = (
        "site_id",
        "url",
        "title",
        "publish_date",
        "written_date",
        "external",
        "detail_status",
        "soft_404",
    )
    return (
        Item.objects.filter(listings__column_id__in=column_ids)
        .distinct()
        .order_by("site_id", "url")
        .values(*fields)
    )


def veto_summary(site: Site, findings: list[Finding], rules: Rules) -> dict:
    stale = [f for f in findings if f.kind == "stale_column"]
    row = {
        "site": site.site_id,
        "name": site.name,
        "tier": site.tier,
        "stale_columns": len(stale),
        "stale_dynamic_notice_columns": sum(1 for f in stale if f.column_kind in DYNAMIC_NOTICE),
        "empty_columns": sum(1 for f in findings if f.kind == "empty_column"),
        "stale_homepage": any(f.kind == "stale_homepage" for f in findings),
        "late_publications": sum(1 for f in findings if f.kind == "late_publication"),
        "undated_items": sum(1 for f in findings if f.kind == "undated_item"),
        "dead_links": sum(1 for f in findings if f.kind == "dead_link"),
    }
    reasons = []
    for key in ("stale_dynamic_notice_columns", "stale_columns", "empty_columns"):
        limit = rules.veto.get(key)
        if limit is not None and limit is not False and row[key] >= int(limit):
            reasons.append(key)
    if rules.veto.get("stale_homepage") and row["stale_homepage"]:
        reasons.append("stale_homepage")
    row["vetoed"] = bool(reasons)
    row["reasons"] = reasons
    return row


def evaluate(as_of: date, rules: Rules, conf: PatrolConf | None = None) -> dict:
    """All timeliness findings as the store stands, judged as of ``as_of``."""
    order = {tier: i for i, tier in enumerate(TIERS)}
    sites = sorted(Site.objects.filter(active=True), key=lambda s: (order.get(s.tier, 9), s.site_id))
    by_site: dict[int, list[Finding]] = defaultdict(list)
    columns = _judged_columns(as_of, rules, conf)
    for col in columns:
        by_site[col.site_id] += column_findings(col, as_of, rules)
    site_ids = {s.pk: s.site_id for s in sites}
    for item in _listed_items([c.pk for c in columns]):
        by_site[item["site_id"]] += item_findings(item, site_ids[item["site_id"]], as_of, rules)
    kind_order = {k: i for i, k in enumerate(KINDS)}
    findings, veto = [], []
    for site in sites:
        mine = homepage_finding(site, as_of, rules) + by_site.get(site.pk, []) + list_page_findings(site)
        mine.sort(key=lambda f: (kind_order[f.kind], f.url))
        findings += mine
        veto.append(veto_summary(site, mine, rules))
    return {"as_of": as_of.isoformat(), "findings": [f.as_dict() for f in findings], "veto": veto}
