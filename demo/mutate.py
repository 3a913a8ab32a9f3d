"""A deterministic change of the demo network, for incremental-patrol tests.

Each call adds new items (dated 2013-01-05/06) at the top of three columns in three CMS styles,
changes the title of one existing list entry (and its detail page), and, the first time,
adds a new column with three items to one site's tree. The truth is recomputed from the
changed model (demo.truth.compute_truth).
"""

from __future__ import annotations

import random
from datetime import date

from demo.cms import assign_paths
from demo.generator import new_article
from demo.model import Column, Network, Site

ADDITIONS = [
    ("county", "政务要闻", [date(2013, 1, 5), date(2013, 1, 6)]),
    ("jyj", "教育动态", [date(2013, 1, 6)]),
    ("nyj", "农业动态", [date(2013, 1, 5)]),
]
RETITLE = ("county", "通知公告")
NEW_COLUMN = ("scj", "抽检信息", "cjxx", [date(2012, 12, 20), date(2012, 12, 28), date(2013, 1, 4)])


def _add(site: Site, col: Column, dates: list[date], rng: random.Random) -> None:
    top = max(a.aid for a in site.articles)
    for d in dates:
        art = new_article(site, col, d, rng)
        top += rng.randint(1, 4)
        art.aid = top
        art.tags.add("mutation")
        if art.doc or site.style == "gkml":
            art.index_no = f"{site.variant['org_code']}/{d.year}-{90000 + art.aid % 10000:05d}"
            art.publisher = art.publisher or site.name
        if art.doc:
            art.doc_no = f"{site.abbr}〔{d.year}〕{100 + art.aid % 50}号"


def mutate(net: Network) -> None:
    net.generation += 1
    rng = random.Random(f"{net.seed}:mutate:{net.generation}")
    touched: set[Site] = set()
    for site_id, name, dates in ADDITIONS:
        site = net.site(site_id)
        _add(site, site.column(name), dates, rng)
        touched.add(site)
    site = net.site(RETITLE[0])
    entry = next(e for e in site.column(RETITLE[1]).entries if not e.pinned and not e.article.external)
    entry.article.title = (
        entry.article.title.removesuffix("的通知") + f"的补充通知（第{net.generation}次更正）"
    )
    touched.add(site)
    site_id, name, slug, dates = NEW_COLUMN
    site = net.site(site_id)
    if not any(c.name == name for c in site.columns()):
        cid = max(c.cid for c in site.columns()) + 2
        col = Column(site, name, slug, cid, traits={"role": "other", "weight": 0.2, "start": 2012})
        site.roots.append(col)
        _add(site, col, dates, rng)
        touched.add(site)
    for site in touched:
        assign_paths(site)
        for col in site.columns():
            col.sort_entries()
