"""Snapshot retention: ``patrol prune --keep-days N``.

What goes: the snapshot of an *older version* of a page or attachment URL (a Page/Attachment row
that is not the URL's newest stored fetch) fetched more than N days ago, once nothing that stays
refers to it. What stays, always:

* the newest stored version of every page URL (per kind) and attachment URL, and the newest
  one answered with HTTP 200 — revalidation answers 304s from it (``store.last_page``);
* every snapshot a screening ``Finding`` refers to (evidence, whatever its review status), and
  every snapshot named in a review note (the takedown check's "新快照 sha256 …" evidence);
* every snapshot that a version kept by the rules above, or one fetched within N days, shares
  (snapshots are content-addressed: unchanged pages share one).

Rows: Page and Attachment rows are history (runs, counts and findings point at them), so they
stay; only their ``snapshot`` link is cleared, and the ``Snapshot`` row and file go.

Order, so that a kill at any point is harmless: per batch, one transaction clears the links and
deletes the Snapshot rows (re-checking every reference inside it); only after it commits are
the files removed. A kill between the two leaves files without a row, never a row without its
file; every prune first sweeps such orphan files (older than ``ORPHAN_GRACE``, so a file that
``snapshots.store`` has just written and not yet registered is never touched). A file is moved
aside before it is unlinked and put back if a row for its sha256 appeared meanwhile.

A patrol writes snapshots while it runs, so prune refuses to run beside a running patrol
(``--force`` overrides; the deploy timer runs it at midday, away from the nightly patrol).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import snapshots
from .models import Attachment, Page, PatrolRun, Snapshot

BATCH = 500
ORPHAN_GRACE = timedelta(hours=6)
RUNNING_WINDOW = timedelta(hours=24)  # a "running" patrol older than this is a dead record
SHA_RE = re.compile(r"\b[0-9a-f]{64}\b")
ASIDE = ".prune"


class PatrolRunning(RuntimeError):
    pass


@dataclass
class PruneResult:
    keep_days: int
    cutoff: datetime
    dry_run: bool
    versions_old: int = 0  # older versions (page or attachment rows) past the cutoff
    snapshots_deleted: int = 0
    bytes_freed: int = 0
    pages_unlinked: int = 0
    attachments_unlinked: int = 0
    kept_evidence: int = 0  # candidate snapshots kept as findings' or reviews' evidence
    kept_shared: int = 0  # candidate snapshots still used by a kept or recent version
    files_removed: int = 0
    files_missing: int = 0
    orphans_removed: int = 0
    deleted_sha256: list[str] = field(default_factory=list)

    def summary(self) -> str:
        mb = self.bytes_freed / 1_000_000
        if self.dry_run:
            head = (
                f"清理演练（未删除任何内容）：将删除 {self.snapshots_deleted} 个快照（约 {mb:.1f} MB），"
                f"涉及 {self.pages_unlinked} 个页面旧版本、{self.attachments_unlinked} 个附件旧版本"
            )
        else:
            head = (
                f"清理完成：删除 {self.snapshots_deleted} 个快照（{mb:.1f} MB），"
                f"{self.pages_unlinked} 个页面旧版本和 {self.attachments_unlinked} 个附件旧版本不再保留快照"
            )
        return (
            f"{head}；保留 {self.keep_days} 天内的版本和每个网址的最新版本，"
            f"另因作为保密发现或审核证据保留 {self.kept_evidence} 个、与保留版本共用保留 {self.kept_shared} 个"
            + (f"；清除孤立文件 {self.orphans_removed} 个" if self.orphans_removed else "")
            + (f"；{self.files_missing} 个快照文件原已缺失" if self.files_missing else "")
            + "。"
        )


def running_patrols(now: datetime) -> list[PatrolRun]:
    return list(PatrolRun.objects.filter(status="running", started_at__gte=now - RUNNING_WINDOW))


def _latest_ids(model, group: tuple[str, ...]) -> set[int]:
    """Ids of the newest row with a snapshot per group, and of the newest such row answered 200."""
    with_snap = model.objects.filter(snapshot__isnull=False).order_by()  # no ordering field in the GROUP BY
    keep = set(with_snap.values(*group).annotate(m=Max("id")).values_list("m", flat=True))
    keep |= set(with_snap.filter(status=200).values(*group).annotate(m=Max("id")).values_list("m", flat=True))
    return keep


def _review_shas() -> set[str]:
    from screening.models import Review

    out: set[str] = set()
    for note in Review.objects.filter(note__contains="sha256").values_list("note", flat=True).iterator():
        out.update(SHA_RE.findall(note))
    return out


def _candidates(model, time_field: str, keep: set[int], cutoff: datetime) -> dict[int, list[int]]:
    """snapshot id -> ids of old, not-kept rows that link it."""
    out: dict[int, list[int]] = {}
    rows = (
        model.objects.filter(snapshot__isnull=False, **{f"{time_field}__lt": cutoff})
        .values_list("id", "snapshot_id")
        .order_by("id")
    )
    for rid, sid in rows.iterator(chunk_size=5000):
        if rid not in keep:
            out.setdefault(sid, []).append(rid)
    return out


def prune(
    keep_days: int,
    *,
    dry_run: bool = False,
    force: bool = False,
    batch: int = BATCH,
    now: datetime | None = None,
    log=None,
) -> PruneResult:
    """Remove the snapshots of old versions without findings; see the module docstring."""
    from screening.models import Finding

    if keep_days < 0:
        raise ValueError("keep_days must be >= 0")
    now = now or timezone.now()
    cutoff = now - timedelta(days=keep_days)
    res = PruneResult(keep_days=keep_days, cutoff=cutoff, dry_run=dry_run)
    if not force and not dry_run:
        running = running_patrols(now)
        if running:
            ids = "、".join(f"#{r.pk}" for r in running)
            raise PatrolRunning(f"巡查 {ids} 正在运行，快照仍在写入；请在巡查结束后再清理（或加 --force）")
    if not dry_run:
        res.orphans_removed = sweep_orphans(now)

    keep_pages = _latest_ids(Page, ("url", "kind"))
    keep_atts = _latest_ids(Attachment, ("url",))
    page_cand = _candidates(Page, "fetched_at", keep_pages, cutoff)
    att_cand = _candidates(Attachment, "fetched_at", keep_atts, cutoff)
    res.versions_old = sum(map(len, page_cand.values())) + sum(map(len, att_cand.values()))
    review_shas = _review_shas()
    sids = sorted(set(page_cand) | set(att_cand))

    for i in range(0, len(sids), batch):
        chunk = sids[i : i + batch]
        with transaction.atomic():
            snaps = {s.id: s for s in Snapshot.objects.select_for_update().filter(id__in=chunk)}
            evidence = set(
                Finding.objects.filter(snapshot_id__in=chunk).values_list("snapshot_id", flat=True)
            )
            evidence |= {sid for sid, s in snaps.items() if s.sha256 in review_shas}
            # every row that links the snapshot now (a patrol may have added one since the scan)
            links: dict[int, list[tuple[str, int]]] = {}
            for rid, sid in Page.objects.filter(snapshot_id__in=chunk).values_list("id", "snapshot_id"):
                links.setdefault(sid, []).append(("p", rid))
            for rid, sid in Attachment.objects.filter(snapshot_id__in=chunk).values_list("id", "snapshot_id"):
                links.setdefault(sid, []).append(("a", rid))
            doomed: list[int] = []
            for sid in chunk:
                if sid not in snaps:
                    continue
                if sid in evidence:
                    res.kept_evidence += 1
                    continue
                old = {("p", r) for r in page_cand.get(sid, ())} | {("a", r) for r in att_cand.get(sid, ())}
                if not set(links.get(sid, ())) <= old:
                    res.kept_shared += 1
                    continue
                doomed.append(sid)
            pages = [r for sid in doomed for k, r in links.get(sid, ()) if k == "p"]
            atts = [r for sid in doomed for k, r in links.get(sid, ()) if k == "a"]
            res.pages_unlinked += len(pages)
            res.attachments_unlinked += len(atts)
            res.snapshots_deleted += len(doomed)
            res.bytes_freed += sum(snaps[s].size for s in doomed)
            shas = [snaps[s].sha256 for s in doomed]
            res.deleted_sha256 += shas
            if dry_run or not doomed:
                continue
            Page.objects.filter(id__in=pages).update(snapshot=None)
            Attachment.objects.filter(id__in=atts).update(snapshot=None)
            Snapshot.objects.filter(id__in=doomed).delete()
        # committed: now the files (a kill here leaves orphans, swept by the next prune)
        removed, missing = _remove_files(shas)
        res.files_removed += removed
        res.files_missing += missing
        if log:
            log(f"已处理 {min(i + batch, len(sids))}/{len(sids)} 个候选快照")
    return res


def _remove_files(shas: list[str]) -> tuple[int, int]:
    """Unlink the snapshot files whose rows are gone: each is moved aside first, then one query
    finds rows that exist again (a patrol stored the same bytes meanwhile) and puts those back.
    Returns (removed, missing)."""
    aside: dict[str, Path] = {}
    missing = 0
    for sha in shas:
        path = snapshots.path_for(sha)
        moved = path.with_name(path.name + ASIDE)
        try:
            os.replace(path, moved)
        except FileNotFoundError:
            missing += 1
            continue
        aside[sha] = moved
    back = (
        set(Snapshot.objects.filter(sha256__in=list(aside)).values_list("sha256", flat=True))
        if aside
        else set()
    )
    for sha, moved in aside.items():
        if sha in back:
            os.replace(moved, moved.with_name(sha))
        else:
            moved.unlink()
    return len(aside) - len(back), missing


def _walk_files(root: Path):
    if not root.is_dir():
        return
    for a in os.scandir(root):
        if not a.is_dir() or len(a.name) != 2:
            continue
        for b in os.scandir(a.path):
            if not b.is_dir() or len(b.name) != 2:
                continue
            yield from os.scandir(b.path)


def sweep_orphans(now: datetime, grace: timedelta = ORPHAN_GRACE) -> int:
    """Files left by a killed prune or write: no Snapshot row, untouched for ``grace``."""
    limit = (now - grace).timestamp()
    removed = 0
    pending: dict[str, os.DirEntry] = {}

    def flush() -> int:
        n = 0
        known = set(Snapshot.objects.filter(sha256__in=list(pending)).values_list("sha256", flat=True))
        plain = []
        for sha, entry in pending.items():
            path = Path(entry.path)
            if sha in known:
                if path.name.endswith(ASIDE):  # a prune killed between move and unlink: put it back
                    os.replace(path, path.with_name(sha))
                continue
            if path.name.endswith(ASIDE):
                path.unlink(missing_ok=True)
                n += 1
            else:
                plain.append(sha)
        n += _remove_files(plain)[0]
        pending.clear()
        return n

    for entry in _walk_files(snapshots.root()):
        name = entry.name
        try:
            if not entry.is_file() or entry.stat().st_mtime > limit:
                continue
        except FileNotFoundError:
            continue
        if name.startswith(".") and name.endswith(".tmp"):  # a write killed before its rename
            Path(entry.path).unlink(missing_ok=True)
            removed += 1
            continue
        sha = name.removesuffix(ASIDE)
        if not SHA_RE.fullmatch(sha):
            continue
        pending[sha] = entry
        if len(pending) >= BATCH:
            removed += flush()
    if pending:
        removed += flush()
    return removed
