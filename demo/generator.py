"""Deterministic generator of the demo county portal network (the seed report's county).

Counting definitions (the ground truth in demo/truth.py follows them, and so must the product):

* An **item** is a distinct item URL per site. A column counts each URL it lists once (a
  pinned item that is also listed in its normal place counts once); a site counts an
  article cross-listed in two of its columns once. External (转载) links are items of the
  column that lists them, counted where listed, never fetched.
* An item's **publish date** is the list row's own date; when the row shows no date or only
  ``MM-DD``, it is the detail page's 发布日期/发布时间. Items with neither (planted undated
  items) are outside every figure.
* **Published in 2012**: publish date within 2012. The total (3,625) is the sum over sites of
  distinct dated-2012 item URLs; 1,985 of them are 公文类: items of county-tier and
  department-tier sites listed in columns whose category (config/rules.yaml ``counting``,
  by column name) is ``regulation``; 1,640 are the rest (towns' items and the other columns
  of the county and departments). No item is cross-listed between a regulation and a
  non-regulation column, so the split is unambiguous.
* **Cumulative** (10,482): every dated item of every year (none is dated after 2012-12-31).
* Parent nodes of the column tree list no items; they are not columns in the counts.

Scale ``small`` keeps the structure and every planted trap with about 5% of the items.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import chinese_calendar

from demo import plants, text
from demo.cms import assign_paths
from demo.model import Article, Column, Entry, Network, Site
from demo.rules import column_category, column_kind
from demo.sites import SITES, STALE_HOMEPAGES, SiteSpec

DEFAULT_SEED = 20130107
FULL = {"document": 1985, "other": 1640, "cumulative": 10482}
SMALL_EXTRA = 0.02  # small scale: the per-column minimums plus this share of the full figures
FRESH_RANGES = {  # newest-item date of columns that are not planted stale (judged as of 2013-01-07)
    "dynamic": (date(2012, 12, 26), date(2012, 12, 31)),
    "notice_policy": (date(2012, 11, 1), date(2012, 12, 28)),
    "plan_personnel": (date(2012, 6, 1), date(2012, 12, 20)),
    "other": (date(2012, 4, 1), date(2012, 12, 28)),
}
START_YEAR = {"county": 2007, "department": 2008, "town": 2009}
AID_BASE = {"trs": 4000, "hanweb": 1000000, "asp": 100, "gkml": 50000}


def is_workday(d: date) -> bool:
    return chinese_calendar.is_workday(d)


def working_days_between(written: date, published: date) -> int:
    """Working days d with written < d <= published (China's official calendar with 调休)."""
    n, d = 0, written + timedelta(days=1)
    while d <= published:
        n += is_workday(d)
        d += timedelta(days=1)
    return n


def back_workdays(published: date, k: int) -> date:
    """The latest workday w with working_days_between(w, published) == k."""
    n, d = 0, published
    while True:
        if is_workday(d):
            n += 1
            if n == k:
                break
        d -= timedelta(days=1)
    d -= timedelta(days=1)
    while not is_workday(d):
        d -= timedelta(days=1)
    return d


def _rand_date(rng: random.Random, lo: date, hi: date) -> date:
    span = (hi - lo).days
    d = lo
    for _ in range(3):  # offices publish mostly on working days
        d = lo + timedelta(days=rng.randint(0, max(span, 0)))
        if is_workday(d):
            break
    return d


def _allocate(total: int, weights: list[float], mins: list[int]) -> list[int]:
    """Split ``total`` by weight (largest remainder) on top of per-column minimums."""
    out = list(mins)
    rest = total - sum(mins)
    if rest < 0:
        raise ValueError(f"minimums {sum(mins)} exceed total {total}")
    wsum = sum(weights) or 1.0
    shares = [rest * w / wsum for w in weights]
    floors = [int(s) for s in shares]
    left = rest - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [a + b for a, b in zip(out, floors, strict=True)]


# --------------------------------------------------------------------------- structure


def _make_site(spec: SiteSpec, rng: random.Random) -> Site:
    site = Site(
        spec.id, spec.name, spec.tier, spec.style, spec.host, spec.prefix, spec.abbr, dict(spec.variant)
    )
    site.variant["unit"] = spec.unit
    site.variant["org_code"] = f"01610{spec.host:02d}{rng.randint(10, 99)}"
    start = START_YEAR[spec.tier] + rng.randint(0, 1)
    cid = [{"trs": 0, "hanweb": 4000 + spec.host * 100, "asp": 10, "gkml": 100}[spec.style]]

    def build(cs, parent):
        cid[0] += rng.randint(1, 3)
        col = Column(site, cs.name, cs.slug, cid[0], parent=parent, traits=dict(cs.traits))
        col.traits.setdefault("role", cs.role)
        col.traits.setdefault("weight", cs.weight)
        col.traits.setdefault("start", start)
        col.rowdate = col.traits.get("rowdate", "full")
        col.children = [build(c, col) for c in cs.children]
        return col

    site.roots = [build(cs, None) for cs in spec.columns]
    for col in site.list_columns():
        if col.traits.get("empty"):
            continue
        kind = column_kind(col.name)
        lo, hi = FRESH_RANGES[kind]
        col.newest = col.traits.get("stale") or col.traits.get("newest") or _rand_date(rng, lo, hi)
    site.blocks = [(name, site.column(name)) for name in spec.blocks]
    if spec.id in STALE_HOMEPAGES:
        for _, col in site.blocks:
            assert col.newest < date(2012, 12, 24), (spec.id, col.name)
    return site


def _doc_class(site: Site, col: Column) -> str:
    return "D" if site.tier in ("county", "department") and column_category(col.name) == "regulation" else "O"


def _min_counts(col: Column) -> tuple[int, int]:
    t = col.traits
    need12 = t.get("dead404", 0) + t.get("soft404", 0) + t.get("late", 0) + t.get("repost", 0)
    need12 += sum(
        1
        for k in (
            "plant_id_page",
            "plant_secret_pdf",
            "plant_id_xlsx",
            "plant_internal_docx",
            "plant_gbk",
            "plant_internal_page",
            "hardneg_masked",
        )
        if t.get(k)
    )
    need12 += 2 if t.get("hardneg_spring") or t.get("hardneg_national") else 0
    need12 = max(need12, t.get("min12", 0))
    needpre = (
        t.get("pinned", 0) + t.get("external", 0) + (2 if t.get("cross") else 0) + len(t.get("attach", []))
    )
    if col.newest.year < 2012:
        return 0, 1 + need12 + needpre
    return 1 + need12 + (1 if t.get("cross") else 0), needpre


def _quotas(sites: list[Site], scale: str) -> dict[Column, tuple[int, int]]:
    cols = [(s, c) for s in sites for c in s.list_columns() if not c.traits.get("empty")]
    mins = {c: _min_counts(c) for _, c in cols}
    result: dict[Column, list[int]] = {c: [0, 0] for _, c in cols}
    for cls, key in (("D", "document"), ("O", "other")):
        group = [c for s, c in cols if _doc_class(s, c) == cls]
        weights = [
            c.traits["weight"] * (c.newest.timetuple().tm_yday / 366 if c.newest.year == 2012 else 0)
            for c in group
        ]
        m = [mins[c][0] for c in group]
        total = FULL[key] if scale == "full" else sum(m) + round(SMALL_EXTRA * FULL[key])
        for c, n in zip(group, _allocate(total, weights, m), strict=True):
            result[c][0] = n
    group = [c for _, c in cols]
    pre_total = FULL["cumulative"] - FULL["document"] - FULL["other"]
    m = [mins[c][1] for c in group]
    weights = [c.traits["weight"] * max(0.3, min(c.newest.year, 2011) + 1 - c.traits["start"]) for c in group]
    if scale != "full":
        pre_total = sum(m) + round(SMALL_EXTRA * pre_total)
    for c, n in zip(group, _allocate(pre_total, weights, m), strict=True):
        result[c][1] = n
    return {c: (a, b) for c, (a, b) in result.items()}


# --------------------------------------------------------------------------- articles


def new_article(
    site: Site, col: Column, d: date | None, rng: random.Random, sort_date: date | None = None
) -> Article:
    unit = site.variant["unit"]
    role = col.traits["role"]
    issuer, _ = col.traits.get("issuer", (site.name, site.abbr))
    year = (d or sort_date).year
    art = Article(
        site,
        col,
        text.title(rng, role, unit, issuer, year),
        d,
        d or sort_date,
        time=f"{rng.randint(8, 17):02d}:{rng.choice([0, 5, 10, 15, 20, 30, 40, 45, 50]):02d}",
    )
    art.body = text.body(rng, unit)
    art.source = rng.choice(text.SOURCES).format(unit=unit)
    art.views = rng.randint(30, 2000)
    if role == "regulation":
        art.doc = True
        art.publisher = issuer
        if d is not None:
            art.written = back_workdays(d, rng.randint(1, 8))
    col.entries.append(Entry(art))
    site.articles.append(art)
    return art


def _fill_column(site: Site, col: Column, n12: int, npre: int, rng: random.Random) -> None:
    newest = col.newest
    dates = [newest]
    if newest.year == 2012:
        dates += [_rand_date(rng, date(2012, 1, 1), newest - timedelta(days=1)) for _ in range(n12 - 1)]
        pre_hi = date(2011, 12, 31)
        npre_left = npre
    else:
        pre_hi = newest - timedelta(days=1)
        npre_left = npre - 1
    lo = date(col.traits["start"], 1, 1)
    if lo > pre_hi:
        lo = pre_hi - timedelta(days=200)
    dates += [_rand_date(rng, lo, pre_hi) for _ in range(npre_left)]
    for i, d in enumerate(dates):
        art = new_article(site, col, d, rng)
        if i == 0:
            art.tags.add("newest")


def _pick(
    col: Column,
    rng: random.Random,
    n: int,
    *,
    year: int | None = None,
    before: date | None = None,
    workday: bool = False,
    tag: str,
) -> list[Article]:
    cands = [
        e.article
        for e in col.entries
        if not e.article.tags
        and e.article.date is not None
        and e.article.home is col
        and (year is None or e.article.date.year == year)
        and (before is None or e.article.date < before)
        and (not workday or is_workday(e.article.date))
    ]
    cands.sort(key=lambda a: (a.date, a.time))
    chosen = rng.sample(cands, n) if n <= len(cands) else cands
    if len(chosen) < n:
        raise ValueError(f"{col.site.id}/{col.name}: not enough items to plant {tag}")
    for a in chosen:
        a.tags.add(tag)
    return chosen


def _plant_column(site: Site, col: Column, rng: random.Random) -> None:
    t = col.traits
    for a in _pick(col, rng, t.get("pinned", 0), before=date(2012, 1, 1), tag="pinned"):
        col.entries.append(Entry(a, pinned=True))
        if not t.get("pin_dup"):
            col.entries.remove(next(e for e in col.entries if e.article is a and not e.pinned))
    for i, a in enumerate(_pick(col, rng, t.get("external", 0), tag="external")):
        a.external_url, a.title = text.repost(rng, a.date, col.cid * 10 + i + site.host * 1000)
        a.body, a.doc, a.written = [], False, None
    for a in _pick(col, rng, t.get("dead404", 0), year=2012, tag="dead"):
        a.status = "404"
    for a in _pick(col, rng, t.get("soft404", 0), year=2012, tag="dead"):
        a.status = "soft404"
    for a in _pick(col, rng, t.get("late", 0), year=2012, workday=True, tag="late"):
        a.written = back_workdays(a.date, rng.randint(25, 40))
    if t.get("hardneg_spring"):
        a = _pick(col, rng, 1, year=2012, tag="calendar")[0]
        a.date = a.sort_date = date(2012, 2, 8)
        a.written = date(2012, 1, 18)  # 21 calendar days, 12 working days over the Spring Festival
    if t.get("hardneg_national"):
        a = _pick(col, rng, 1, year=2012, tag="calendar")[0]
        a.date = a.sort_date = date(2012, 10, 16)
        a.written = date(2012, 9, 20)  # 26 calendar days, 14 working days over National Day
    for _ in range(t.get("undated", 0)):
        dated = [e.article.date for e in col.entries if e.article.date]
        sd = _rand_date(rng, min(dated), max(dated) - timedelta(days=1))
        art = new_article(site, col, None, rng, sort_date=sd)
        art.tags.add("undated")
        art.written, art.doc = None, False
    plants.plant(site, col, rng, _pick)
    for fmt in t.get("attach", []):
        n = max(1, round(len(col.entries) * 0.03))
        for a in _pick(col, rng, n, tag="attach"):
            plants.attach(a, fmt, rng)


def _cross_list(site: Site, col: Column, rng: random.Random) -> None:
    name, share = col.traits["cross"]
    target = site.column(name)
    assert column_category(target.name) == column_category(col.name), (site.id, col.name, name)
    cands = [
        e.article
        for e in col.entries
        if not e.pinned
        and e.article.home is col
        and e.article.date
        and e.article.status == "ok"
        and not e.article.external
        and "pinned" not in e.article.tags
        and e.article.date <= target.newest
        and "newest" not in e.article.tags
    ]
    cands.sort(key=lambda a: (a.date, a.time))
    n = max(1, round(share * len(cands)))
    for a in rng.sample(cands, min(n, len(cands))):
        a.tags.add("cross")
        target.entries.append(Entry(a))


def _reposts(sites: list[Site], rng: random.Random) -> None:
    county = sites[0].column("政务要闻")
    pool = [e.article for e in county.entries if not e.pinned and not e.article.tags and e.article.date]
    pool.sort(key=lambda a: (a.date, a.time, a.title))
    for site in sites:
        for col in site.list_columns():
            for _ in range(col.traits.get("repost", 0)):
                mine = _pick(col, rng, 1, year=2012, before=col.newest, tag="repost")[0]
                src = [
                    a
                    for a in pool
                    if a.date.year == 2012 and a.date < col.newest and "reposted" not in a.tags
                ]
                orig = rng.choice(src)
                orig.tags.add("reposted")
                mine.repost_of = orig
                mine.external_url = "repost"  # resolved to the county article's URL by Network.article_url
                mine.title, mine.date, mine.sort_date, mine.time = orig.title, orig.date, orig.date, orig.time
                mine.body, mine.doc, mine.written = [], False, None


def _finish_site(site: Site, rng: random.Random, offset: int = 0) -> None:
    own = sorted(
        (a for a in site.articles if not a.external),
        key=lambda a: (a.sort_date, a.time, a.home.cid if a.home else 0),
    )
    aid = AID_BASE[site.style] + offset + rng.randint(0, 500)
    for n, a in enumerate(own):
        aid += rng.randint(1, 6)
        a.aid = aid
        if a.doc or site.style == "gkml":
            a.index_no = text.index_no(site.variant["org_code"], a.sort_date.year, n + 1)
            a.publisher = a.publisher or site.name
    numbers: dict[tuple[str, int], int] = {}
    for a in own:
        if a.doc and a.date:
            _, abbr = a.home.traits.get("issuer", (site.name, site.abbr))
            numbers[(abbr, a.date.year)] = numbers.get((abbr, a.date.year), 0) + 1
            a.doc_no = text.doc_no(abbr, a.date.year, numbers[(abbr, a.date.year)])
    assign_paths(site)
    for col in site.columns():
        col.sort_entries()


def build_network(scale: str = "full", seed: int = DEFAULT_SEED, scans: bool | None = None) -> Network:
    """The demo network; ``scans`` (default: the full scale only) adds the scanned documents that
    only OCR can read (demo/scans.py), drawn from their own random stream: nothing else changes."""
    if scale not in ("full", "small"):
        raise ValueError("scale is 'full' or 'small'")
    scans = scale == "full" if scans is None else scans
    sites = [_make_site(spec, random.Random(f"{seed}:{spec.id}:structure")) for spec in SITES]
    quotas = _quotas(sites, scale)
    net = Network(scale, seed, sites)
    for site in sites:
        rng = random.Random(f"{seed}:{site.id}:{scale}")
        for col in site.list_columns():
            if col in quotas:
                _fill_column(site, col, *quotas[col], rng)
        for col in site.list_columns():
            if col in quotas:
                _plant_column(site, col, rng)
        for col in site.list_columns():
            if col.traits.get("cross"):
                _cross_list(site, col, rng)
    _reposts(sites, random.Random(f"{seed}:reposts:{scale}"))
    if scans:
        for site in sites:
            rng = random.Random(f"{seed}:{site.id}:scans")
            for col in site.list_columns():
                if col in quotas:
                    plants.plant_scans(site, col, rng)
    for i, site in enumerate(sites):
        same_host = sum(1 for s in sites[:i] if s.host == site.host)  # ids are unique per platform
        _finish_site(site, random.Random(f"{seed}:{site.id}:ids"), same_host * 20000)
    net.screening_positives, net.hard_negatives = plants.collect(net)
    return net
