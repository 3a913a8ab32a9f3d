"""The annual report's 主动公开 statistics (seed report section 二(一), RULES.md).

Counting follows reports/counts.py: an item is a distinct item URL per site (an article
cross-listed in two columns of a site counts once), dated by its real publish date; undated
items are outside every figure. For ``year``:

* ``total`` — items published in the year, summed over active sites;
* ``document`` (公文类) — items of ``document_tiers`` sites (county government and county
  departments) listed in a column whose category is one of ``document_categories``;
* ``other`` = total − document (the towns' items and the other columns of the rest);
* ``cumulative`` — every dated item published on or before 31 December of the year;
* ``by_tier`` and ``by_category`` (an item counts once per site and category), and ``sites``,
  the per-unit figures behind the ranking.

Columns with a ``skip`` override in patrol.yaml are left out of every figure, and so are retired
columns (a complete patrol of their site no longer found them, crawler.retire) in every year:
an item listed only there counts nowhere.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from config.patrolconf import PatrolConf
from crawler.models import Column, Listing, Site

from .rules import Rules, column_override

TIERS = ("county", "department", "town")


def paragraph(data: dict) -> str:
    """Section 二(一)'s sentence with the real figures, worded as the seed report words it."""
    return (
        f"{data['year']}年度，在政府信息公开平台累计主动公开政府信息{data['total']}条。"
        f"其中，县政府及县直部门主动公开的公文类信息有{data['document']}条，"
        f"各镇、各部门主动公开的政府信息有{data['other']}条。"
        f"目前，历年累计主动公开政府信息共{data['cumulative']}条。"
    )


def _columns(rules: Rules, conf: PatrolConf | None) -> dict[int, tuple[int, str]]:
    """Column pk → (site pk, category key) for the columns that count."""
    site_confs = {s.id: s for s in conf.sites} if conf else {}
    out = {}
    for col in Column.objects.select_related("site").filter(site__active=True, retired_at__isnull=True):
        override = column_override(site_confs.get(col.site.site_id), col.url, col.name)
        if not override.get("skip"):
            out[col.pk] = (col.site_id, rules.category(col.name, override.get("category")))
    return out


def annual(year: int, rules: Rules, conf: PatrolConf | None = None) -> dict:
    start, end = date(year, 1, 1), date(year, 12, 31)
    columns = _columns(rules, conf)
    in_year: dict[int, set[int]] = defaultdict(set)  # site pk → item pks published in the year
    upto: dict[int, set[int]] = defaultdict(set)  # site pk → item pks published on or before the end
    per_cat: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = Listing.objects.filter(column_id__in=list(columns), item__publish_date__lte=end).values_list(
        "column_id", "item_id", "item__publish_date"
    )
    for column_id, item_id, published in rows.iterator():
        site_pk, cat = columns[column_id]
        upto[site_pk].add(item_id)
        if published >= start:
            in_year[site_pk].add(item_id)
            per_cat[(site_pk, cat)].add(item_id)

    order = {tier: i for i, tier in enumerate(TIERS)}
    sites = sorted(Site.objects.filter(active=True), key=lambda s: (order.get(s.tier, 9), s.site_id))
    cat_keys = [c.key for c in rules.categories]
    by_tier = dict.fromkeys(TIERS, 0)
    by_category = dict.fromkeys(cat_keys, 0)
    units = []
    for site in sites:
        cats = {k: len(per_cat.get((site.pk, k), ())) for k in cat_keys}
        document = 0
        if site.tier in rules.document_tiers:
            document = len(
                set().union(*(per_cat.get((site.pk, k), set()) for k in rules.document_categories))
            )
        items = len(in_year.get(site.pk, ()))
        by_tier[site.tier] = by_tier.get(site.tier, 0) + items
        for k, n in cats.items():
            by_category[k] += n
        units.append(
            {
                "id": site.site_id,
                "name": site.name,
                "tier": site.tier,
                "items": items,
                "document": document,
                "other": items - document,
                "cumulative": len(upto.get(site.pk, ())),
                "by_category": cats,
            }
        )
    total = sum(u["items"] for u in units)
    document = sum(u["document"] for u in units)
    data = {
        "year": year,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "total": total,
        "document": document,
        "other": total - document,
        "cumulative": sum(u["cumulative"] for u in units),
        "by_tier": by_tier,
        "by_category": by_category,
        "sites": units,
    }
    data["paragraph"] = paragraph(data)
    return data
