"""The patrol store: the one writer of a patrol (see models.py for the consistency rule).

Two halves:

* **Runs and sites** (``start_run``, ``finish_run``, ``sync_sites``): small writes before and
  after the crawl.
* **PatrolStore**, one per patrol: an in-memory index of what the store holds for each site
  (its columns, items, listings; loaded with three queries per site when the site is first
  touched) and a write buffer. The spider *reads* the index to decide what to fetch
  (``plan_list_page`` classifies a list page's rows as new / changed / known and reserves the
  new rows in the index); the item pipelines hand every item to ``apply_*``, which only queues
  writes; ``flush`` writes the queue in ONE transaction with bulk statements (columns, items,
  listings, snapshots, pages, attachments, screening results, site findings) — whole list pages
  or nothing, so a patrol killed at any point leaves the store consistent and the next patrol
  resumes from what was flushed (rows not flushed are simply found again). The pipelines flush
  every ``FLUSH_OPS`` queued writes or ``FLUSH_SECONDS`` seconds, and at the end.

This is what keeps the database out of the download path: a patrol issues a few statements
per flush instead of ~19 per request (``get_or_create`` per row, ``get`` per response).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from config.patrolconf import PatrolConf, SiteConf, site_for_url

from . import snapshots
from .models import Attachment, Column, Item, Listing, Page, PatrolRun, Site, SiteFinding, Snapshot

FLUSH_OPS = 400  # queued writes that trigger a flush
FLUSH_SECONDS = 2.0  # ... or the age of the oldest queued write
BATCH = 400  # rows per bulk statement (SQLite's variable limit is far above 400 × fields)


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(trigger: str, site_ids: list[str]) -> PatrolRun:
    for run in PatrolRun.objects.filter(status="running"):
        queue = (run.stats or {}).get("queue") or {}
        if queue and not queue.get("local"):
            continue  # a queued patrol belongs to no process: its workers and units finish it
        if not _pid_alive(run.pid) or run.pid == os.getpid():
            run.status = "interrupted"
            run.finished_at = run.finished_at or timezone.now()
            run.error = run.error or "process ended before the patrol finished"
            run.save(update_fields=["status", "finished_at", "error"])
    return PatrolRun.objects.create(trigger=trigger, pid=os.getpid(), sites=site_ids)


def finish_run(run: PatrolRun, status: str, error: str = "") -> None:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    run.save()


def sync_sites(conf: PatrolConf, moves: dict | None = None) -> dict[str, Site]:
    """Store the configured sites; a changed URL or scope of a known site goes into ``moves``
    as ``{site_id: {"url": [old, new], "scope": [old, new]}}`` (crawler.retire reads it)."""
    out: dict[str, Site] = {}
    before = {s.site_id: (s.url, list(s.scope or [])) for s in Site.objects.all()}
    for s in conf.sites:
        old = before.get(s.id)
        if moves is not None and old is not None:
            change = {}
            if old[0] != s.url:
                change["url"] = [old[0], s.url]
            if old[1] and old[1] != list(s.scope):
                change["scope"] = [old[1], list(s.scope)]
            if change:
                moves[s.id] = change
        site, _ = Site.objects.update_or_create(
            site_id=s.id,
            defaults={"name": s.name, "tier": s.tier, "url": s.url, "scope": s.scope, "active": True},
        )
        out[s.id] = site
    Site.objects.exclude(site_id__in=[s.id for s in conf.sites]).update(active=False)
    return out


def stored_sites(conf: PatrolConf) -> dict[str, Site]:
    """The configured sites as stored (a worker of a queued patrol: ``sync_sites`` ran when the
    patrol was queued); a configured site the store does not know is a config that differs."""
    out = {s.site_id: s for s in Site.objects.filter(site_id__in=[c.id for c in conf.sites])}
    missing = [c.id for c in conf.sites if c.id not in out]
    if missing:
        raise ValueError(f"sites not in the store (the worker's config differs): {', '.join(missing[:5])}")
    return out


def _signature(title: str, row_date: date | None, partial: tuple[int, int] | None) -> str:
    raw = f"{title}|{row_date or ''}|{partial or ''}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def _partial_text(partial: tuple[int, int] | None) -> str:
    return f"{partial[0]:02d}-{partial[1]:02d}" if partial else ""


def _partial(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    m, d = text.split("-")
    return int(m), int(d)


def last_structural_pages(urls_of_sites: list[Site] | None = None) -> dict[str, dict]:
    """The newest stored 200 fetch of every homepage / tree / first list page, and the newest
    fetch of every stylesheet the hidden-link check read (one gone, 404/410, included: ``status``,
    no ``sha256``): validators and snapshot (crawler.revalidate answers a 304 from it;
    crawler.inspect checks an unchanged page against it). One query."""
    newest = Page.objects.filter(
        Q(kind__in=("home", "list"), status=200, snapshot__isnull=False) | Q(kind="style")
    )
    if urls_of_sites is not None:
        newest = newest.filter(site__in=urls_of_sites)
    ids = newest.values("url").annotate(last=Max("id")).values("last")
    out: dict[str, dict] = {}
    for url, headers, sha, status in Page.objects.filter(id__in=ids).values_list(
        "url", "headers", "snapshot__sha256", "status"
    ):
        out[url] = {"headers": headers or {}, "sha256": sha, "status": status}
    return out


@dataclass
class PageOutcome:
    new: int = 0
    changed: int = 0
    known: int = 0
    pinned: int = 0
    to_fetch: list[str] = field(default_factory=list)  # item URLs whose detail page to fetch

    @property
    def fresh(self) -> bool:
        """True when the page holds something not seen before (pinned rows do not count)."""
        return bool(self.new or self.changed)


@dataclass
class ListPlan:
    """What one list page changes in the store (built by ``plan_list_page``)."""

    column_url: str
    outcome: PageOutcome
    items: list[Item] = field(default_factory=list)  # new or changed items (instances of the index)
    listings: list[Listing] = field(default_factory=list)  # new or changed listings
    seen: list[Listing] = field(default_factory=list)  # listings seen again unchanged
    empty: bool = False
    next_page: str = ""
    last_page: bool = False
    keep_unseen: bool = False


class SiteIndex:
    """What the store holds for one site (loaded once per patrol, kept current by the plans)."""

    def __init__(self, site: Site):
        self.site = site
        self.columns: dict[str, Column] = {c.url: c for c in Column.objects.filter(site=site)}
        self.items: dict[str, Item] = {i.url: i for i in Item.objects.filter(site=site)}
        by_id = {i.pk: i for i in self.items.values()}
        cols = {c.pk: c for c in self.columns.values()}
        self.listings: dict[str, dict[str, Listing]] = defaultdict(dict)  # column URL → item URL → row
        self.row_dated: set[str] = set()  # item URLs some column lists with a full date
        for row in Listing.objects.filter(column__site=site):
            item, col = by_id.get(row.item_id), cols.get(row.column_id)
            if item is None or col is None:
                continue
            row.item, row.column = item, col
            self.listings[col.url][item.url] = row
            if row.row_date is not None:
                self.row_dated.add(item.url)

    def pending_details(self) -> list[str]:
        return [i.url for i in self.items.values() if i.needs_detail and not i.external]

    def newest_date(self) -> date | None:
        dates = [i.publish_date for i in self.items.values() if i.publish_date]
        return max(dates) if dates else None


_ITEM_FIELDS = [
    "title",
    "publish_date",
    "date_source",
    "written_date",
    "index_no",
    "doc_no",
    "publisher",
    "detail_status",
    "soft_404",
    "needs_detail",
    "signature",
    "last_seen_run",
]
_LISTING_FIELDS = ["title", "row_date", "partial_date", "pinned", "last_seen_run"]


class PatrolStore:
    """The index and write buffer of one patrol (see the module docstring)."""

    DUE_BATCH = 200  # detail pages whose due attachments one query looks up

    def __init__(self, run: PatrolRun, conf: PatrolConf, sites: dict[str, Site]):
        self.run, self.conf, self.sites = run, conf, sites
        self._index: dict[str, SiteIndex] = {}
        self._ops: list[tuple[str, Any]] = []
        self._oldest = 0.0
        self._snapshots: dict[str, Snapshot] = {}  # sha256 → row, for this patrol
        self._site_findings: set[tuple[int, str, str]] = set(
            SiteFinding.objects.filter(run=run).values_list("site_id", "kind", "url")
        )
        self._messages: dict[str, dict] = {}  # site id → message URL → inspection.Message
        self.flushes = 0
        self.findings = 0  # pages and attachments with a finding recorded
        # called first inside every write transaction: a queued patrol's worker proves there that
        # it still owns its unit (raises otherwise, and nothing of the batch is written)
        self.fence = None

    # -- reading (the spider) -------------------------------------------------------------------
    def index(self, site_id: str) -> SiteIndex:
        idx = self._index.get(site_id)
        if idx is None:
            idx = self._index[site_id] = SiteIndex(self.sites[site_id])
        return idx

    def messages(self, site_id: str) -> dict:
        """The 政务咨询 messages stored for a site (inspection.Message by URL), loaded once."""
        found = self._messages.get(site_id)
        if found is None:
            from inspection.models import Message

            site = self.sites[site_id]
            found = self._messages[site_id] = {m.url: m for m in Message.objects.filter(site=site)}
        return found

    def apply_message(self, item) -> None:
        from inspection.models import Message

        known = self.messages(item.site_id)
        row = known.get(item.url)
        fields = {
            "column_url": item.column_url[:1000],
            "column_name": (item.column_name or "")[:200],
            "title": (item.title or "")[:1000],
            "asked": item.asked,
            "replied": item.replied,
            "state": (item.state or "")[:100],
        }
        if row is None:
            row = known[item.url] = Message(
                site=self.sites[item.site_id], url=item.url[:2000], first_seen_run=self.run, **fields
            )
        for k, v in fields.items():
            setattr(row, k, v)
        row.last_seen_run = self.run
        self._queue("message", row)

    def column(self, site_id: str, url: str) -> Column | None:
        return self.index(site_id).columns.get(url)

    def plan_list_page(
        self,
        site_conf: SiteConf,
        column_url: str,
        entries: list,
        *,
        empty: bool = False,
        next_page: str = "",
        last_page: bool = False,
        keep_unseen: bool = False,
    ) -> ListPlan:
        """Classify one list page's rows against the index and reserve what is new in it.
        ``last_page``: the walk reached the end; ``keep_unseen``: some list page of this walk was
        missing, so rows not seen may still be listed there (kept, not dropped)."""
        idx = self.index(site_conf.id)
        run = self.run
        out = PageOutcome()
        plan = ListPlan(column_url, out, empty=empty, next_page=next_page, last_page=last_page)
        plan.keep_unseen = keep_unseen
        column = idx.columns[column_url]
        rows = idx.listings[column_url]
        for entry in entries:
            owner = site_for_url(self.conf.sites, entry.url)
            external = owner is None or owner.id != site_conf.id
            sig = _signature(entry.title, entry.date, entry.partial)
            item = idx.items.get(entry.url)
            created = item is None
            if created:
                item = Item(
                    site=idx.site,
                    url=entry.url,
                    title=entry.title[:1000],
                    publish_date=entry.date,
                    date_source="row" if entry.date else "",
                    external=external,
                    needs_detail=not external and getattr(entry, "fetchable", True),
                    signature=sig,
                    first_seen_run=run,
                    last_seen_run=run,
                )
                idx.items[entry.url] = item
                plan.items.append(item)
            listing = rows.get(entry.url)
            lcreated = listing is None
            if lcreated:
                listing = Listing(
                    column=column,
                    item=item,
                    title=entry.title[:1000],
                    row_date=entry.date,
                    partial_date=_partial_text(entry.partial),
                    pinned=entry.pinned,
                    first_seen_run=run,
                    last_seen_run=run,
                )
                rows[entry.url] = listing
                plan.listings.append(listing)
                if entry.date:
                    idx.row_dated.add(entry.url)
            if entry.pinned:
                out.pinned += 1
            if created or lcreated:
                out.new += 0 if entry.pinned else 1
                if created and item.needs_detail:
                    out.to_fetch.append(item.url)
                if not created and entry.date and not item.publish_date:
                    item.publish_date, item.date_source = entry.date, "row"
                    plan.items.append(item)
                continue
            lsig = _signature(listing.title, listing.row_date, _partial(listing.partial_date))
            if lsig != sig:
                out.changed += 0 if entry.pinned else 1
                listing.title = entry.title[:1000]
                listing.row_date = entry.date
                listing.partial_date = _partial_text(entry.partial)
                if entry.date:
                    idx.row_dated.add(entry.url)
                item.title = entry.title[:1000]
                if entry.date:
                    item.publish_date, item.date_source = entry.date, "row"
                item.signature = sig
                if not item.external:
                    item.needs_detail = True
                    out.to_fetch.append(item.url)
                item.last_seen_run = run
                plan.items.append(item)
                listing.pinned = entry.pinned
                listing.last_seen_run = run
                plan.listings.append(listing)
            else:
                out.known += 1
                if item.needs_detail and not item.external:
                    out.to_fetch.append(item.url)
                if listing.pinned != entry.pinned:
                    listing.pinned = entry.pinned
                    listing.last_seen_run = run
                    plan.listings.append(listing)
                else:
                    listing.last_seen_run = run
                    plan.seen.append(listing)
        return plan

    # -- writing (the pipelines) ----------------------------------------------------------------
    def _queue(self, kind: str, payload: Any) -> None:
        if not self._ops:
            self._oldest = time.monotonic()
        self._ops.append((kind, payload))

    @property
    def due(self) -> bool:
        return bool(self._ops) and (
            len(self._ops) >= FLUSH_OPS or time.monotonic() - self._oldest >= FLUSH_SECONDS
        )

    def note_column(
        self, site_id: str, url: str, name: str, path: str, parent_url: str | None, profile: str
    ) -> tuple[Column, list[str] | None]:
        """A column the walk found: its row in the index (new, or updated and un-retired) and the
        fields that changed (None for a new column); ``apply_column`` queues the write."""
        idx = self.index(site_id)
        col = idx.columns.get(url)
        if col is None:
            parent = idx.columns.get(parent_url) if parent_url else None
            col = Column(
                site=idx.site,
                url=url,
                name=name,
                path=path,
                parent=parent,
                profile=profile,
                first_seen_run=self.run,
                last_seen_run=self.run,
            )
            idx.columns[url] = col
            return col, None
        changed = {"last_seen_run": self.run}
        if col.retired_at is not None:  # found again: a column comes back un-retired
            changed.update(retired_at=None, retired_run=None)
        if name and col.name != name:
            changed["name"] = name
        if path and col.path != path:
            changed["path"] = path
        if profile and col.profile != profile:
            changed["profile"] = profile
        for k, v in changed.items():
            setattr(col, k, v)
        return col, list(changed)

    def apply_column(self, column: Column, fields: list[str] | None) -> None:
        if fields is None:
            self._queue("column_new", column)
        else:
            self._queue("column_update", (column, fields))

    def apply_list_page(self, site_id: str, plan: ListPlan) -> None:
        self._queue("list_page", (site_id, plan))

    def apply_structural(self, site_id: str, url: str, kind: str, status: int, headers: dict, body: bytes):
        self._queue("page", (self._page(site_id, url, kind, status, headers, body, None), None))

    def apply_detail(self, item) -> Page:
        """A detail page: its Page row (returned; the screening result attaches to it) and its
        item's metadata, written together."""
        idx = self.index(item.site_id)
        row = idx.items.get(item.item_url)
        page = self._page(item.site_id, item.url, "detail", item.status, item.headers, item.body, row)
        if item.screen and item.body is not None:
            page.screen_status = "pending"  # until its screen is stored (see apply_attachment)
        page.attachments_due = list(item.attachment_urls) or None  # until they are stored
        if row is not None:
            self._detail_fields(idx, row, item)
        self._queue("page", (page, row))
        return page

    def _detail_fields(self, idx: SiteIndex, row: Item, item) -> None:
        detail, status = item.detail, item.status
        row.detail_status = status
        row.soft_404 = item.soft_404
        row.needs_detail = False
        if detail is not None and not item.soft_404 and status < 400:
            if row.url not in idx.row_dated and detail.publish_date:
                row.publish_date, row.date_source = detail.publish_date, "detail"
            row.written_date = detail.written_date
            row.index_no = (detail.index_no or "")[:200]
            row.doc_no = (detail.doc_no or "")[:200]
            row.publisher = (detail.publisher or detail.source or "")[:200]

    def apply_attachment(self, item, page: Page) -> Attachment:
        idx = self.index(item.site_id)
        snap = self._snapshot(item.body) if item.body is not None else None
        att = Attachment(
            page=page,
            item=idx.items.get(item.item_url),
            url=item.url,
            name=item.name[:500],
            status=item.status,
            headers=item.headers,
            snapshot=snap,
            fetched_at=timezone.now(),
            run=self.run,
            # bytes go to screening now: "pending" until the result is stored, so that a crawl
            # that ends first (killed, taken over) leaves it for the next one to screen
            screen_status=item.screen_status or ("pending" if item.body is not None else ""),
            screen_reason=item.screen_reason[:300],
        )
        self._queue("attachment", att)
        return att

    def attachments_done(self, page: Page) -> None:
        """Every attachment a detail page asked for is stored (or will never come: the crawl went
        idle without it): nothing is due any more."""
        if page.attachments_due is None:
            return
        page.attachments_due = None
        if page.pk is not None:  # written already; otherwise its insert carries the null
            self._queue("attachments_done", page)

    def attachments_due(self, site_ids: list[str]) -> list[tuple[Page, list[list[str]]]]:
        """Detail pages of these sites that an earlier crawl stored before all their attachments
        were, each with the attachments still missing (none stored by that page's patrol run:
        an attachment two pages share is stored once, for the page that asked first)."""
        pages = list(
            Page.objects.filter(site__in=[self.sites[s] for s in site_ids], attachments_due__isnull=False)
            .select_related("item", "site")
            .order_by("pk")
        )
        out = []
        for i in range(0, len(pages), self.DUE_BATCH):  # one query per batch of pages, not per page
            batch = pages[i : i + self.DUE_BATCH]
            urls = {u for page in batch for u, _ in page.attachments_due}
            runs = {page.run_id for page in batch}
            mine = Q(page__in=batch) | Q(run_id__in=runs - {None})
            if None in runs:  # a page whose run was deleted: as run_id=None, attachments of none
                mine |= Q(run__isnull=True)
            stored: defaultdict[tuple[str, int | None], set[str]] = defaultdict(set)
            for url, page_id, run_id in Attachment.objects.filter(mine, url__in=urls).values_list(
                "url", "page_id", "run_id"
            ):
                stored["page", page_id].add(url)
                stored["run", run_id].add(url)
            for page in batch:
                have = stored.get(("page", page.pk), set()) | stored.get(("run", page.run_id), set())
                out.append((page, [[u, n] for u, n in page.attachments_due if u not in have]))
        return out

    def apply_site_finding(self, site_id: str, kind: str, url: str, detail: dict) -> None:
        site = self.sites[site_id]
        key = (site.pk, kind, url[:2000])
        if key in self._site_findings:  # the same (kind, url) twice in a run is kept once
            return
        self._site_findings.add(key)
        self._queue(
            "site_finding", SiteFinding(site=site, run=self.run, kind=kind, url=url[:2000], detail=detail)
        )

    def apply_site(self, site_id: str, fields: dict) -> None:
        site = self.sites[site_id]
        for k, v in fields.items():
            setattr(site, k, v)
        self._queue("site", (site, list(fields)))

    def apply_screen(self, target: Page | Attachment, result, *, url: str, page_url: str) -> None:
        """A screening result for a page or attachment queued earlier (or already written)."""
        self._queue("screen", (target, result, url, page_url))

    def _page(self, site_id, url, kind, status, headers, body, item: Item | None) -> Page:
        snap = self._snapshot(body) if body is not None else None
        return Page(
            site=self.sites[site_id],
            item=item,
            url=url,
            kind=kind,
            status=status,
            headers=headers,
            snapshot=snap,
            run=self.run,
        )

    def _snapshot(self, data: bytes) -> Snapshot:
        """The file is written now (content-addressed, renamed into place); its row at the flush."""
        sha = snapshots.write(data)
        snap = self._snapshots.get(sha)
        if snap is None:
            snap = self._snapshots[sha] = Snapshot(sha256=sha, size=len(data))
        return snap

    # -- the flush ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything queued, in one transaction, with bulk statements."""
        if not self._ops:
            return
        ops, self._ops = self._ops, []
        by: dict[str, list] = defaultdict(list)
        for kind, payload in ops:
            by[kind].append(payload)
        with transaction.atomic():
            if self.fence is not None:
                self.fence()
            self._write(by)
            if self.fence is not None:
                self.fence()  # again at the end: the lease counts from the commit, not the start
        self.flushes += 1
        # written: later copies of the same bytes find their row by one query at their flush
        self._snapshots = {sha: snap for sha, snap in self._snapshots.items() if snap.pk is None}

    def _write(self, by: dict[str, list]) -> None:
        run = self.run
        for col in by["column_new"]:
            if col.parent is not None and col.parent.pk is None:
                col.parent = None  # a parent queued in the same flush is written first (order kept)
            col.save(force_insert=True)
        updates: dict[int, tuple[Column, set]] = {}
        for col, fields in by["column_update"]:
            updates.setdefault(id(col), (col, set()))[1].update(fields)
        for col, fields in updates.values():
            col.save(update_fields=sorted(fields))
        # items and listings of the list pages, in page order
        new_items: dict[int, Item] = {}
        dirty_items: dict[int, Item] = {}
        new_rows: dict[int, Listing] = {}
        dirty_rows: dict[int, Listing] = {}
        seen_rows: dict[int, Listing] = {}
        ends: dict[tuple[str, str], tuple[str, ListPlan]] = {}  # column → its last page in this flush
        for site_id, plan in by["list_page"]:
            for item in plan.items:
                (new_items if item.pk is None else dirty_items)[id(item)] = item
            for row in plan.listings:
                (new_rows if row.pk is None else dirty_rows)[id(row)] = row
            for row in plan.seen:
                seen_rows[id(row)] = row
            key = (site_id, plan.column_url)
            ends.pop(key, None)  # the last page of the walk so far states the progress
            ends[key] = (site_id, plan)
        for _page, item in by["page"]:
            if item is not None:
                (new_items if item.pk is None else dirty_items)[id(item)] = item
        for item in new_items.values():
            dirty_items.pop(id(item), None)
        Item.objects.bulk_create(list(new_items.values()), batch_size=BATCH)
        if dirty_items:
            update_rows(Item, list(dirty_items.values()), _ITEM_FIELDS)
        for row in new_rows.values():
            row.column_id, row.item_id = row.column.pk, row.item.pk
            dirty_rows.pop(id(row), None)
            seen_rows.pop(id(row), None)
        Listing.objects.bulk_create(list(new_rows.values()), batch_size=BATCH)
        if dirty_rows:
            update_rows(Listing, list(dirty_rows.values()), _LISTING_FIELDS)
        seen_ids = [r.pk for r in seen_rows.values() if id(r) not in dirty_rows]
        for i in range(0, len(seen_ids), BATCH):
            Listing.objects.filter(pk__in=seen_ids[i : i + BATCH]).update(last_seen_run=run)
        for site_id, plan in ends.values():
            self._column_progress(site_id, plan)
        # snapshots, pages, attachments
        snaps = {s.sha256: s for s in self._pending_snapshots(by)}
        if snaps:
            known = dict(Snapshot.objects.filter(sha256__in=list(snaps)).values_list("sha256", "id"))
            missing = []
            for sha, snap in snaps.items():
                if sha in known:
                    snap.pk = known[sha]
                else:
                    missing.append(snap)
            # another patrol process may insert the same bytes at the same moment (scale-out: units
            # crawled side by side): its row wins, ours is skipped, and both read the one id back
            Snapshot.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
            if missing:
                ids = dict(
                    Snapshot.objects.filter(sha256__in=[m.sha256 for m in missing]).values_list(
                        "sha256", "id"
                    )
                )
                for snap in missing:
                    snap.pk = ids[snap.sha256]
        pages = [p for p, _ in by["page"]]
        for p in pages:
            p.snapshot_id = p.snapshot.pk if p.snapshot is not None else None
            p.item_id = p.item.pk if p.item is not None else None
        Page.objects.bulk_create(pages, batch_size=BATCH)
        atts = by["attachment"]
        for a in atts:
            a.page_id = a.page.pk
            a.item_id = a.item.pk if a.item is not None else None
            a.snapshot_id = a.snapshot.pk if a.snapshot is not None else None
        Attachment.objects.bulk_create(atts, batch_size=BATCH)
        update_rows(Page, list({id(p): p for p in by["attachments_done"]}.values()), ["attachments_due"])
        if by["screen"]:
            self._screen_results(by["screen"])
        SiteFinding.objects.bulk_create(by["site_finding"], batch_size=BATCH)
        if by["message"]:
            self._write_messages(by["message"])
        for site, fields in by["site"]:
            site.save(update_fields=fields)

    @staticmethod
    def _write_messages(rows: list) -> None:
        from inspection.models import Message

        unique = list({id(r): r for r in rows}.values())
        Message.objects.bulk_create([r for r in unique if r.pk is None], batch_size=BATCH)
        old = [r for r in unique if r.pk is not None]
        fields = ["column_url", "column_name", "title", "asked", "replied", "state", "last_seen_run"]
        if old:
            update_rows(Message, old, fields)

    def _pending_snapshots(self, by) -> list[Snapshot]:
        out = [p.snapshot for p, _ in by["page"] if p.snapshot is not None and p.snapshot.pk is None]
        out += [a.snapshot for a in by["attachment"] if a.snapshot is not None and a.snapshot.pk is None]
        return out

    def _column_progress(self, site_id: str, plan: ListPlan) -> None:
        idx = self.index(site_id)
        column = idx.columns[plan.column_url]
        fields = ["last_seen_run", "next_page"]
        column.last_seen_run = self.run
        if plan.empty != column.empty:
            column.empty = plan.empty
            fields.append("empty")
        column.next_page = "" if plan.last_page else plan.next_page
        if plan.last_page:
            # the walk began at page 1 in this run and reached the end: what it did not see is gone
            # (unless a page of the walk was missing: then its rows cannot be told from deleted ones)
            rows = idx.listings[plan.column_url]
            if not plan.keep_unseen:
                gone = [url for url, r in rows.items() if r.last_seen_run_id != self.run.pk and r.pk]
                ids = [rows[url].pk for url in gone]
                for i in range(0, len(ids), BATCH):
                    Listing.objects.filter(pk__in=ids[i : i + BATCH]).delete()
                for url in gone:
                    del rows[url]
                self._recount_row_dates(idx, gone)
            column.walk_complete = True
            column.items_listed = len(rows)
            fields += ["walk_complete", "items_listed"]
        column.save(update_fields=fields)

    @staticmethod
    def _recount_row_dates(idx: SiteIndex, urls: list[str]) -> None:
        for url in urls:
            if url in idx.row_dated and not any(
                url in rows and rows[url].row_date is not None for rows in idx.listings.values()
            ):
                idx.row_dated.discard(url)

    def _screen_results(self, results: list) -> None:
        from screening.models import active_allow_rules, record_findings
        from screening.service import apply_allowlist

        rules = active_allow_rules()  # read once per flush: small, and revocations apply at once
        threshold = self.conf.screening["threshold"]
        pages, atts = [], []
        for target, result, url, page_url in results:
            result = apply_allowlist(result, url, rules, threshold)
            target.screen_status, target.screen_reason = result.status, (result.reason or "")[:300]
            (atts if isinstance(target, Attachment) else pages).append(target)
            if result.hits:
                page = target.page if isinstance(target, Attachment) else target
                self.findings += 1
                record_findings(
                    result,
                    url=url,
                    page_url=page_url,
                    snapshot=target.snapshot,
                    page=page,
                    attachment=target if isinstance(target, Attachment) else None,
                    run=self.run,
                )
        if pages:
            update_rows(Page, pages, ["screen_status", "screen_reason"])
        if atts:
            update_rows(Attachment, atts, ["screen_status", "screen_reason"])


def update_rows(model, rows: list, fields: list[str]) -> None:
    """``UPDATE … SET the fields WHERE pk = …`` for each row, sent as one executemany.

    Django's ``bulk_update`` builds a CASE expression per field and row in Python, which cost a
    fifth of a patrol's CPU; a prepared statement executed per row costs the database the same
    and Python almost nothing."""
    if not rows:
        return
    meta = model._meta
    cols = [meta.get_field(f) for f in fields]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c.column)} = %s" for c in cols)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"
    params = [[c.get_db_prep_save(getattr(r, c.attname), connection) for c in cols] + [r.pk] for r in rows]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


class QueryCounter:
    """Counts the SQL statements this process sends (``connection.execute_wrapper``); an
    executemany counts once per row it executes."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        if many:
            params = list(params)
            self.count += len(params)
        else:
            self.count += 1
        return execute(sql, params, many, context)

    def install(self):
        return connection.execute_wrapper(self)
