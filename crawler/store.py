"""Writes of the patrol, each a small transaction (see models.py for the consistency rule)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from config.patrolconf import PatrolConf, SiteConf, site_for_url

from . import snapshots
from .models import Attachment, Column, Item, Listing, Page, PatrolRun, Site


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


def upsert_column(
    site: Site, url: str, name: str, path: str, parent: Column | None, profile: str, run: PatrolRun
) -> Column:
    col, created = Column.objects.get_or_create(
        site=site,
        url=url,
        defaults={
            "name": name,
            "path": path,
            "parent": parent,
            "profile": profile,
            "first_seen_run": run,
            "last_seen_run": run,
        },
    )
    if not created:
        changed = {"last_seen_run": run}
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
        col.save(update_fields=list(changed))
    return col


def _signature(title: str, row_date: date | None, partial: tuple[int, int] | None) -> str:
    raw = f"{title}|{row_date or ''}|{partial or ''}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


@dataclass
class PageOutcome:
    new: int = 0
    changed: int = 0
    known: int = 0
    pinned: int = 0
    to_fetch: list[tuple[int, str]] = field(default_factory=list)  # (item id, url) detail pages to fetch

    @property
    def fresh(self) -> bool:
        """True when the page holds something not seen before (pinned rows do not count)."""
        return bool(self.new or self.changed)


def save_list_page(
    column: Column,
    entries: list,
    run: PatrolRun,
    conf: PatrolConf,
    site_conf: SiteConf,
    *,
    empty: bool = False,
    next_page: str = "",
    last_page: bool = False,
    keep_unseen: bool = False,
) -> PageOutcome:
    """Record one list page's entries; all or nothing. ``last_page``: the walk reached the end;
    ``keep_unseen``: some list page of this walk was missing, so rows not seen may still be listed
    there (they are kept, not dropped)."""
    out = PageOutcome()
    with transaction.atomic():
        site = column.site
        for entry in entries:
            owner = site_for_url(conf.sites, entry.url)
            external = owner is None or owner.id != site_conf.id
            sig = _signature(entry.title, entry.date, entry.partial)
            item, created = Item.objects.get_or_create(
                site=site,
                url=entry.url,
                defaults={
                    "title": entry.title[:1000],
                    "publish_date": entry.date,
                    "date_source": "row" if entry.date else "",
                    "external": external,
                    "needs_detail": not external and getattr(entry, "fetchable", True),
                    "signature": sig,
                    "first_seen_run": run,
                    "last_seen_run": run,
                },
            )
            listing, lcreated = Listing.objects.get_or_create(
                column=column,
                item=item,
                defaults={
                    "title": entry.title[:1000],
                    "row_date": entry.date,
                    "partial_date": f"{entry.partial[0]:02d}-{entry.partial[1]:02d}" if entry.partial else "",
                    "pinned": entry.pinned,
                    "first_seen_run": run,
                    "last_seen_run": run,
                },
            )
            if entry.pinned:
                out.pinned += 1
            if created or lcreated:
                out.new += 0 if entry.pinned else 1
                if created and item.needs_detail:
                    out.to_fetch.append((item.id, item.url))
                if not lcreated:
                    continue
                if not created and entry.date and not item.publish_date:
                    item.publish_date, item.date_source = entry.date, "row"
                    item.save(update_fields=["publish_date", "date_source"])
                continue
            lsig = _signature(listing.title, listing.row_date, _partial(listing.partial_date))
            if lsig != sig:
                out.changed += 0 if entry.pinned else 1
                listing.title = entry.title[:1000]
                listing.row_date = entry.date
                listing.partial_date = (
                    f"{entry.partial[0]:02d}-{entry.partial[1]:02d}" if entry.partial else ""
                )
                item.title = entry.title[:1000]
                if entry.date:
                    item.publish_date, item.date_source = entry.date, "row"
                item.signature = sig
                if not item.external:
                    item.needs_detail = True
                    out.to_fetch.append((item.id, item.url))
                item.last_seen_run = run
                item.save()
            else:
                out.known += 1
                if item.needs_detail and not item.external:
                    out.to_fetch.append((item.id, item.url))
            listing.pinned = entry.pinned
            listing.last_seen_run = run
            listing.save()
        fields = ["last_seen_run"]
        column.last_seen_run = run
        if empty != column.empty:
            column.empty = empty
            fields.append("empty")
        column.next_page = "" if last_page else next_page
        fields.append("next_page")
        if last_page:
            # the walk began at page 1 in this run and reached the end: what it did not see is gone
            # (unless a page of the walk was missing: then its rows cannot be told from deleted ones)
            if not keep_unseen:
                column.listings.exclude(last_seen_run=run).delete()
            column.walk_complete = True
            column.items_listed = column.listings.count()
            fields += ["walk_complete", "items_listed"]
        column.save(update_fields=fields)
    return out


def _partial(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    m, d = text.split("-")
    return int(m), int(d)


def save_page(
    site: Site,
    url: str,
    kind: str,
    status: int,
    headers: dict,
    body: bytes | None,
    run: PatrolRun,
    item: Item | None = None,
) -> Page:
    snap = snapshots.store(body) if body is not None else None
    return Page.objects.create(
        site=site, item=item, url=url, kind=kind, status=status, headers=headers, snapshot=snap, run=run
    )


def last_page(url: str, kinds: tuple[str, ...] = ("home", "list")) -> Page | None:
    return (
        Page.objects.filter(url=url, kind__in=kinds, snapshot__isnull=False, status=200)
        .select_related("snapshot")
        .order_by("-id")
        .first()
    )


def save_detail(
    item: Item, detail, status: int, soft_404: bool, row_has_full_date: bool, page: Page | None
) -> None:
    with transaction.atomic():
        item.detail_status = status
        item.soft_404 = soft_404
        item.needs_detail = False
        if detail is not None and not soft_404 and status < 400:
            if not row_has_full_date and detail.publish_date:
                item.publish_date, item.date_source = detail.publish_date, "detail"
            item.written_date = detail.written_date
            item.index_no = (detail.index_no or "")[:200]
            item.doc_no = (detail.doc_no or "")[:200]
            item.publisher = (detail.publisher or detail.source or "")[:200]
        item.save()


def item_row_has_full_date(item: Item) -> bool:
    return item.listings.filter(row_date__isnull=False).exists()


def pending_details(site: Site) -> list[tuple[int, str]]:
    return list(Item.objects.filter(site=site, needs_detail=True, external=False).values_list("id", "url"))


def save_attachment(
    page: Page,
    item: Item | None,
    url: str,
    name: str,
    status: int | None,
    headers: dict,
    body: bytes | None,
    run: PatrolRun,
    screen_status: str = "",
    screen_reason: str = "",
) -> Attachment:
    snap = snapshots.store(body) if body is not None else None
    return Attachment.objects.create(
        page=page,
        item=item,
        url=url,
        name=name[:500],
        status=status,
        headers=headers,
        snapshot=snap,
        fetched_at=timezone.now(),
        run=run,
        screen_status=screen_status,
        screen_reason=screen_reason[:300],
    )
