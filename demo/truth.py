"""Ground truth of the demo network, computed straight from the generator's model.

Independent of the product's code: it walks the model's columns and articles with the
definitions written in demo/generator.py, reading only the rules *data* in config/rules.yaml
(through demo.rules). Keys of the exported JSON:

* ``counts_2012``, ``counts_all``: the counts contract of ARCHITECTURE.md (``counts_all`` runs
  from 2000-01-01 to the end of the newest item's year). Parent nodes of a column tree list
  no items and are not columns; ``last_published`` is the newest publish date among the
  column's items up to the period's end (the column as it stood then), null when it has none.
* ``annual_2012``: ``total``, ``document`` (公文类), ``other``, ``cumulative``, ``by_tier``,
  ``by_category`` (category keys of rules.yaml; a cross-listed item counts once per site and
  category, and cross-listing stays within one category, so the categories sum to the total).
* ``timeliness_2013_01_07``: the timeliness contract. ``days`` is the days since the last
  update for stale kinds, working days (written < d <= published) for late_publication, null
  otherwise; ``limit`` the window, or the working-day limit, or null.
* ``screening_positives`` (``url``, ``page``, ``kind``), ``hard_negatives``, ``sites`` (config
  entries).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from demo.generator import working_days_between
from demo.model import Column, Network, Site, homepage_blocks
from demo.rules import column_category, column_kind, document_categories, document_tiers, late_limit, window

AS_OF = date(2013, 1, 7)
TIERS = ("county", "department", "town")


def _col_items(net: Network, col: Column) -> dict[str, date | None]:
    """Distinct item URLs the column lists, with their publish dates."""
    return {net.article_url(e.article): e.article.date for e in col.entries}


def _in(d: date | None, start: date, end: date) -> bool:
    return d is not None and start <= d <= end


def counts(net: Network, start: date, end: date) -> dict:
    sites = []
    tiers = dict.fromkeys(TIERS, 0)
    for site in net.sites:
        seen: set[str] = set()
        cols = []
        for col in site.list_columns():
            items = _col_items(net, col)
            period = {u for u, d in items.items() if _in(d, start, end)}
            seen |= period
            dated = [d for d in items.values() if d is not None and d <= end]
            cols.append(
                {
                    "url": net.column_url(col),
                    "name": col.name,
                    "category": column_category(col.name),
                    "items": len(period),
                    "items_total": len(items),
                    "last_published": max(dated).isoformat() if dated else None,
                }
            )
        sites.append(
            {"id": site.id, "name": site.name, "tier": site.tier, "items": len(seen), "columns": cols}
        )
        tiers[site.tier] += len(seen)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "total": sum(tiers.values()),
        "tiers": tiers,
        "sites": sites,
    }


def annual(net: Network, year: int) -> dict:
    start, end = date(year, 1, 1), date(year, 12, 31)
    c = counts(net, start, end)
    doc_cats, doc_tiers = set(document_categories()), set(document_tiers())
    document = 0
    by_category: dict[str, int] = {}
    for site in net.sites:
        per_cat: dict[str, set[str]] = {}
        for col in site.list_columns():
            cat = column_category(col.name)
            per_cat.setdefault(cat, set()).update(
                u for u, d in _col_items(net, col).items() if _in(d, start, end)
            )
        for cat, urls in per_cat.items():
            by_category[cat] = by_category.get(cat, 0) + len(urls)
        if site.tier in doc_tiers:
            document += len(set().union(*[u for k, u in per_cat.items() if k in doc_cats]))
    newest = max((a.date for s in net.sites for a in s.articles if a.date), default=end)
    cumulative = counts(net, date(2000, 1, 1), max(end, date(newest.year, 12, 31)))["total"]
    return {
        "year": year,
        "total": c["total"],
        "document": document,
        "other": c["total"] - document,
        "cumulative": cumulative,
        "by_tier": c["tiers"],
        "by_category": by_category,
    }


def _newest_for_timeliness(col: Column, as_of: date) -> date | None:
    dated = [
        e.article.date for e in col.entries if not e.pinned and e.article.date and e.article.date <= as_of
    ]
    return max(dated) if dated else None


def timeliness(net: Network, as_of: date = AS_OF) -> dict:
    findings = []
    limit = late_limit()
    for site in net.sites:
        for col in site.list_columns():
            if col.empty:
                findings.append(_f("empty_column", site, net.column_url(col), None, None))
                continue
            kind = column_kind(col.name)
            win = window(kind)
            newest = _newest_for_timeliness(col, as_of)
            if win is not None and newest is not None and (as_of - newest).days > win:
                findings.append(_f("stale_column", site, net.column_url(col), (as_of - newest).days, win))
        shown = [
            e.article.date for _, _, rows in homepage_blocks(site) for e in rows if e.article.date <= as_of
        ]
        if shown and (as_of - max(shown)).days > window("homepage"):
            findings.append(
                _f("stale_homepage", site, net.home_url(site), (as_of - max(shown)).days, window("homepage"))
            )
        listed = {id(e.article): e.article for col in site.list_columns() for e in col.entries}
        for art in sorted(listed.values(), key=lambda a: net.article_url(a)):
            if art.external:
                continue
            url = net.article_url(art)
            if art.date is None:
                findings.append(_f("undated_item", site, url, None, None))
            if art.status != "ok":
                findings.append(_f("dead_link", site, url, None, None))
            if art.written and art.date and art.date <= as_of:
                wd = working_days_between(art.written, art.date)
                if wd > limit:
                    findings.append(_f("late_publication", site, url, wd, limit))
    return {"as_of": as_of.isoformat(), "findings": findings}


def _f(kind: str, site: Site, url: str, days: int | None, limit: int | None) -> dict:
    return {"kind": kind, "site": site.id, "url": url, "days": days, "limit": limit}


def screening(net: Network, entries: list[dict]) -> list[dict]:
    out = []
    for p in entries:
        page = net.article_url(p["article"])
        url = net.attachment_url(p["article"], p["attachment"]) if p["attachment"] else page
        out.append({"url": url, "page": page, "kind": p["kind"]})
    return out


def sites_config(net: Network) -> list[dict]:
    return [
        {"id": s.id, "name": s.name, "tier": s.tier, "url": net.site_url(s), "scope": [net.site_url(s)]}
        for s in net.sites
    ]


def compute_truth(net: Network) -> dict:
    newest = max((a.date for s in net.sites for a in s.articles if a.date), default=date(2012, 12, 31))
    return {
        "scale": net.scale,
        "seed": net.seed,
        "generation": net.generation,
        "counts_2012": counts(net, date(2012, 1, 1), date(2012, 12, 31)),
        "counts_all": counts(net, date(2000, 1, 1), max(date(2012, 12, 31), date(newest.year, 12, 31))),
        "annual_2012": annual(net, 2012),
        "timeliness_2013_01_07": timeliness(net, AS_OF),
        "screening_positives": screening(net, net.screening_positives),
        "hard_negatives": screening(net, net.hard_negatives),
        "sites": sites_config(net),
    }


def write_truth(net: Network, path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(compute_truth(net), ensure_ascii=False, indent=1), encoding="utf-8")
    return p
