"""Update counts per column, site and tier for a period (the counts JSON contract).

Retired columns (a complete patrol of their site no longer found them, crawler.retire) count
in no period, nor do items listed only by them; each site lists them apart under
``retired_columns`` (``url``, ``name``, ``path``, ``retired`` ISO date, ``items_total``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Max, Q
from django.utils import timezone

from config.patrolconf import PatrolConf
from crawler.models import Column, Listing, Site

from .rules import Rules, column_override

TIERS = ("county", "department", "town")


def counts(frm: date, to: date, rules: Rules, conf: PatrolConf | None = None) -> dict:
    site_confs = {s.id: s for s in conf.sites} if conf else {}
    in_period = Q(listings__item__publish_date__gte=frm, listings__item__publish_date__lte=to)
    columns = (
        Column.objects.select_related("site")
        .filter(site__active=True, retired_at__isnull=True)
        .annotate(
            items_total=Count("listings", distinct=True),
            items=Count("listings__item", filter=in_period, distinct=True),
            # the newest real date as the column stood at the end of the period
            last=Max("listings__item__publish_date", filter=Q(listings__item__publish_date__lte=to)),
        )
        .order_by("site__id", "path", "url")
    )
    by_site: dict[int, list] = defaultdict(list)
    skipped: list[int] = []
    for col in columns:
        override = column_override(site_confs.get(col.site.site_id), col.url, col.name)
        if override.get("skip"):
            skipped.append(col.pk)  # a skipped column counts nowhere, site totals included
            continue
        by_site[col.site_id].append(
            {
                "url": col.url,
                "name": col.name,
                "category": rules.category(col.name, override.get("category")),
                "items": col.items,
                "items_total": col.items_total,
                "last_published": col.last.isoformat() if col.last else None,
            }
        )
    site_items = dict(
        Listing.objects.filter(
            item__publish_date__gte=frm,
            item__publish_date__lte=to,
            column__site__active=True,
            column__retired_at__isnull=True,
        )
        .exclude(column_id__in=skipped)
        .values("column__site_id")
        .annotate(n=Count("item", distinct=True))
        .values_list("column__site_id", "n")
    )
    retired = retired_columns()
    order = {tier: i for i, tier in enumerate(TIERS)}
    sites = sorted(Site.objects.filter(active=True), key=lambda s: (order.get(s.tier, 9), s.id))
    tiers = dict.fromkeys(TIERS, 0)
    out_sites = []
    for site in sites:
        n = site_items.get(site.pk, 0)
        tiers[site.tier] = tiers.get(site.tier, 0) + n
        out_sites.append(
            {
                "id": site.site_id,
                "name": site.name,
                "tier": site.tier,
                "items": n,
                "columns": by_site.get(site.pk, []),
                "retired_columns": retired.get(site.pk, []),
            }
        )
    return {
        "from": frm.isoformat(),
        "to": to.isoformat(),
        "total": sum(tiers.values()),
        "tiers": tiers,
        "sites": out_sites,
    }


def retired_columns() -> dict[int, list[dict]]:
    """Site pk → its retired columns, newest retirement first (shown as retired, never counted)."""
    out: dict[int, list[dict]] = defaultdict(list)
    cols = (
        Column.objects.filter(site__active=True, retired_at__isnull=False)
        .annotate(items_total=Count("listings", distinct=True))
        .order_by("-retired_at", "path", "url")
    )
    for col in cols:
        out[col.site_id].append(
            {
                "url": col.url,
                "name": col.name,
                "path": col.path,
                "retired": timezone.localdate(col.retired_at).isoformat(),
                "items_total": col.items_total,
            }
        )
    return out


def all_years(rules: Rules, conf: PatrolConf | None = None, to: date | None = None) -> dict:
    return counts(date(1900, 1, 1), to or date(2999, 12, 31), rules, conf)
