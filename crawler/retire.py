"""After a patrol: a site's columns become the ones its latest complete patrol found (issue 13).

``settle(run, walks, finished)`` runs once the crawl has ended (crawler.runner):

* **Complete patrol of a site** — the crawl finished normally (Scrapy's finish reason
  ``finished``; a patrol killed, interrupted or failed settles nothing), the site's homepage
  answered (200, or 304 with a stored copy), so did its disclosure entry, and the walk found at
  least one column. A timeout, a connection error, a 5xx, 403 or 429 on the homepage or the
  entry leaves the whole walk cut short (``SiteWalk.broken``); on a deeper tree node (a menu
  node, a column's first list page) it only keeps that node's own column and the columns below
  its menu path from retirement (``SiteWalk.shield``). 404/410 is a definite answer (the page
  is gone). A site showing no column at all (none seen, none failing) is more likely broken or
  moved off-platform than emptied: nothing is retired (the ``no_disclosure_entry`` finding says
  why). Whatever the walk, a finished patrol retires the columns that no longer lie in their
  site's configured scope (the config moved the site, or a nested site took that path over):
  no patrol of that site can see them again.
* **Retire** — at the end of a complete patrol every column of the site not seen in this run
  (``Column.last_seen_run != run``) gets ``retired_at``/``retired_run`` and a ``retired_column``
  SiteFinding (url = the column, ``retired`` = ISO date). It keeps its listings, items, snapshots
  and findings; reports leave it out of every figure. A retired column seen again is un-retired
  by ``store.upsert_column``.
* **Moves** — ``store.sync_sites`` records a changed configured URL or scope, the spider a
  homepage or disclosure entry that redirects to another address in the site's scope; both land
  in ``run.stats["moves"]`` (kept there, so a later patrol still knows the old prefixes when the
  patrol of the move itself was cut short).
* **Linking** (``link_moved_items``) — after retiring, an item listed only by retired columns
  (or no longer listed) whose document reappears in a live column under another URL is linked:
  ``new.moved_from = old``. Same document = same title and same publish date AND (the same path
  after one of the site's old or new prefixes — its configured URL, scope entries, a redirect's
  ends, or the bare origin ``scheme://host:port/`` — OR the same non-empty 索引号); the 索引号
  alone never links (some sites give every document the same one), and a key matching several
  old records links none. The new item takes the old one's ``first_seen_run``; its screening
  findings with the same hits as the old item's take over their review (``_carry_findings``).
  The old item stays as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from . import sitefindings
from .models import Column, Item, Listing, PatrolRun, Site
from .urls import ScopeIndex

ANSWERED_GONE = (404, 410)  # a tree page that is gone answered: its column may be retired


@dataclass
class SiteWalk:
    """What one patrol saw of one site's walk (filled by the spider)."""

    site: Site
    broken: list[str] = field(default_factory=list)  # why the walk was cut short (empty: whole)
    shield: list[tuple[str, str]] = field(default_factory=list)  # failed deeper tree nodes (url, path)

    def shields(self, col: Column) -> bool:
        """True for a column a failed tree node may hide: that node's own column or one below it."""
        return any(
            col.url == url or (path and (col.path == path or col.path.startswith(path + " > ")))
            for url, path in self.shield
        )

    def cut(self, reason: str) -> None:
        if len(self.broken) < 20:
            self.broken.append(reason)


def _dir(url: str) -> str:
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def recorded_moves() -> dict[str, list[dict]]:
    """Site id → every move the patrols recorded (``run.stats["moves"]``), oldest first."""
    out: dict[str, list[dict]] = defaultdict(list)
    for stats in (
        PatrolRun.objects.filter(stats__has_key="moves").order_by("id").values_list("stats", flat=True)
    ):
        for sid, move in (stats.get("moves") or {}).items():
            out[sid].append(move)
    return out


def former_prefixes(site: Site, recorded: dict[str, list[dict]] | None = None) -> set[str]:
    """The site's current and recorded former URL prefixes (configured URL, scope, redirects)."""
    out = {_dir(site.url), *(_dir(p) for p in site.scope or [])}
    moves = (recorded if recorded is not None else recorded_moves()).get(site.site_id, [])
    for move in moves:
        for key in ("url", "scope", "redirect"):
            for value in move.get(key) or []:
                for url in value if isinstance(value, list) else [value]:
                    if isinstance(url, str) and "://" in url:
                        out.add(_dir(url))
    return out


def _suffixes(url: str, prefixes: set[str]) -> set[str]:
    """``url`` minus each prefix it starts with (scheme-insensitive), and minus its bare origin."""
    bare = url.split("://", 1)[-1]
    out = {bare[len(p.split("://", 1)[-1]) :] for p in prefixes if bare.startswith(p.split("://", 1)[-1])}
    out.add(url[len(_origin(url)) :])
    return out


def link_moved_items(
    site: Site, run: PatrolRun, recorded: dict[str, list[dict]] | None = None
) -> list[tuple[int, int]]:
    """Link reappearing items of ``site`` to their old records; returns (old pk, new pk) pairs."""
    live_cols = set(Column.objects.filter(site=site, retired_at__isnull=True).values_list("pk", flat=True))
    listed_live: set[int] = set()
    last_seen: dict[int, int] = defaultdict(int)
    for item_id, column_id, seen in Listing.objects.filter(column__site=site).values_list(
        "item_id", "column_id", "last_seen_run_id"
    ):
        if column_id in live_cols:
            listed_live.add(item_id)
        last_seen[item_id] = max(last_seen[item_id], seen or 0)
    fields = ("pk", "url", "title", "publish_date", "index_no", "first_seen_run_id", "last_seen_run_id")
    rows = Item.objects.filter(site=site).values_list(*fields)
    successors = set(
        Item.objects.filter(site=site, moved_from__isnull=False).values_list("moved_from_id", flat=True)
    )
    old_by_key: dict[tuple, list[tuple]] = defaultdict(list)
    new_items: list[tuple] = []
    for row in rows:
        pk, _url, title, published, _idx, _first, seen = row
        key = (title.strip(), published)
        if pk in listed_live:
            new_items.append(row)
        elif pk not in successors:
            last_seen[pk] = max(last_seen[pk], seen or 0)
            old_by_key[key].append(row)
    if not old_by_key:
        return []
    already = set(Item.objects.filter(site=site, moved_from__isnull=False).values_list("pk", flat=True))
    prefixes = former_prefixes(site, recorded)
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for pk, url, title, published, index_no, first, _seen in new_items:
        if pk in already:
            continue
        olds = [o for o in old_by_key.get((title.strip(), published), []) if o[0] not in used]
        # the document reappeared after its old record was last seen
        olds = [o for o in olds if (first or 0) > last_seen[o[0]]]
        if not olds:
            continue
        mine = _suffixes(url, prefixes)
        by_path = [o for o in olds if mine & _suffixes(o[1], prefixes)]
        by_index = [o for o in olds if index_no and o[4] == index_no]
        match = by_path if by_path else by_index
        if len(match) != 1:
            continue  # none, or ambiguous: never guess
        used.add(match[0][0])
        pairs.append((match[0][0], pk))
    for old_pk, new_pk in pairs:
        _link(old_pk, new_pk)
    return pairs


@transaction.atomic
def _link(old_pk: int, new_pk: int) -> None:
    old = Item.objects.get(pk=old_pk)
    new = Item.objects.get(pk=new_pk)
    new.moved_from = old
    fields = ["moved_from"]
    if old.first_seen_run_id and (not new.first_seen_run_id or old.first_seen_run_id < new.first_seen_run_id):
        new.first_seen_run_id = old.first_seen_run_id
        fields.append("first_seen_run")
    new.save(update_fields=fields)
    _carry_findings(old, new)


def _hit_key(finding) -> tuple:
    hits = sorted((h.get("kind", ""), h.get("rule", ""), h.get("text", "")) for h in finding.hits or [])
    name = finding.url.rsplit("/", 1)[-1] if finding.attachment_id else ""
    return finding.attachment_id is None, name, tuple(hits)


def _carry_findings(old: Item, new: Item) -> None:
    """The new address's screening findings take over the old ones' review (same hits).

    One Review records it on the new finding (the reviewing person's last decision, with a note
    naming the old address): confirmed and dismissed carry over as they are; a document reported
    removed (removed, verified_removed, not_fixed) that is online again at the new address is
    ``not_fixed`` (the patrol's own verdict, as its takedown check gives it).
    """
    from screening.models import Finding

    old_findings = {}
    for f in Finding.objects.filter(page__item=old).exclude(status="open").order_by("id"):
        old_findings.setdefault(_hit_key(f), f)
    if not old_findings:
        return
    for f in Finding.objects.filter(page__item=new, status="open"):
        prev = old_findings.get(_hit_key(f))
        if prev is None:
            continue
        last = prev.reviews.order_by("-at", "-id").first()
        note = f"沿用网站迁移前 {prev.url} 的审核" + (f"：{last.note}" if last and last.note else "")
        if prev.status in ("confirmed", "dismissed"):
            f.review(last.reviewer if last else None, prev.status, note)
        else:
            f.system_check(
                "not_fixed", f"{note}；迁移前已报下架（{prev.get_status_display()}），新地址 {f.url} 仍可访问"
            )


def _retire(walk: SiteWalk, run: PatrolRun, scopes: ScopeIndex, complete: bool) -> list[Column]:
    """Retire what a complete walk did not see; whatever the walk, the columns that no longer lie
    in the site's configured scope (the site moved, or a nested site took that path over)."""
    site, now = walk.site, timezone.now()
    gone = Column.objects.filter(site=site, retired_at__isnull=True).exclude(last_seen_run=run)
    if complete:
        gone = [col for col in gone if not walk.shields(col) or scopes.owner(col.url) != site.site_id]
    else:
        gone = [col for col in gone if scopes.owner(col.url) != site.site_id]
    for col in gone:
        with transaction.atomic():
            col.retired_at, col.retired_run = now, run
            col.save(update_fields=["retired_at", "retired_run"])
            sitefindings.record(
                run,
                site,
                "retired_column",
                col.url,
                retired=timezone.localdate(now).isoformat(),
                name=col.name,
                path=col.path,
            )
    return gone


def settle(run: PatrolRun, walks: dict[str, SiteWalk], finished: bool) -> dict:
    """Retire and link for every completely patrolled site; the summary for ``run.stats``."""
    out: dict = {"retired_columns": 0, "linked_items": 0, "incomplete_sites": {}, "retired": {}}
    if not finished:
        out["incomplete_sites"] = {sid: "巡查未正常结束" for sid in walks}
        return out
    recorded = recorded_moves()
    # scopes as the config gives them (on a tie the first configured site wins, as in patrolconf)
    order = {sid: i for i, sid in enumerate(run.sites or [])}
    sites = sorted(Site.objects.filter(active=True), key=lambda s: (order.get(s.site_id, len(order)), s.pk))
    scopes = ScopeIndex((s.site_id, p) for s in sites for p in (s.scope or [s.url]))
    for sid, walk in walks.items():
        site = walk.site
        complete = True
        if walk.broken:
            out["incomplete_sites"][sid] = walk.broken[0]
            complete = False
        elif not walk.shield and not Column.objects.filter(site=site, last_seen_run=run).exists():
            out["incomplete_sites"][sid] = "未发现任何栏目"
            complete = False
        gone = _retire(walk, run, scopes, complete)
        if gone:
            out["retired"][sid] = len(gone)
            out["retired_columns"] += len(gone)
        out["linked_items"] += len(link_moved_items(site, run, recorded))
    return out
