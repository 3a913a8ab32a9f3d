"""``patrol prune``: old versions' snapshots go, evidence and the newest versions stay, kills are safe."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from crawler import prune as prune_mod
from crawler import snapshots
from crawler.models import Attachment, Page, PatrolRun, Site, Snapshot
from screening.models import Finding

pytestmark = pytest.mark.django_db

OLD = timedelta(days=100)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def site():
    return Site.objects.create(site_id="s1", name="测试站", tier="county", url="http://127.0.0.1:9/")


@pytest.fixture
def run():
    return PatrolRun.objects.create(status="ok")


def page(site, run, url, body, *, age=OLD, status=200, kind="detail") -> Page:
    p = Page.objects.create(
        site=site, url=url, kind=kind, status=status, headers={}, snapshot=snapshots.store(body), run=run
    )
    Page.objects.filter(pk=p.pk).update(fetched_at=timezone.now() - age)
    return p


def attachment(parent, run, url, body, *, age=OLD, status=200) -> Attachment:
    a = Attachment.objects.create(
        page=parent, url=url, status=status, headers={}, snapshot=snapshots.store(body), run=run
    )
    Attachment.objects.filter(pk=a.pk).update(fetched_at=timezone.now() - age)
    return a


def file_of(obj) -> Path:
    return snapshots.path_for(obj.sha256 if isinstance(obj, Snapshot) else obj.snapshot.sha256)


def assert_consistent():
    """No row points at a missing file."""
    for sha in Snapshot.objects.values_list("sha256", flat=True):
        assert snapshots.path_for(sha).is_file(), sha


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_old_versions_go_newest_and_recent_stay(site, run):
    url = "http://127.0.0.1:9/a.html"
    v1 = page(site, run, url, b"version 1")
    v2 = page(site, run, url, b"version 2")
    v3 = page(site, run, url, b"version 3")  # the newest: revalidation answers 304s from it
    other = page(site, run, "http://127.0.0.1:9/b.html", b"only version")
    recent_old = page(site, run, "http://127.0.0.1:9/c.html", b"c 1", age=timedelta(days=5))
    recent_new = page(site, run, "http://127.0.0.1:9/c.html", b"c 2", age=timedelta(days=1))
    gone = [file_of(v1), file_of(v2)]
    res = prune_mod.prune(30)
    assert res.snapshots_deleted == 2 and res.pages_unlinked == 2
    assert res.bytes_freed == len(b"version 1") + len(b"version 2")
    assert not any(p.exists() for p in gone)
    assert fresh(v1).snapshot_id is None and fresh(v2).snapshot_id is None
    for kept in (v3, other, recent_old, recent_new):
        assert fresh(kept).snapshot_id == kept.snapshot_id and file_of(kept).is_file()
    # the rows themselves are history and stay
    assert Page.objects.count() == 6
    assert_consistent()
    # a second prune has nothing left to do
    assert prune_mod.prune(30).snapshots_deleted == 0


def test_keep_days_zero_keeps_only_the_newest(site, run):
    url = "http://127.0.0.1:9/a.html"
    old = page(site, run, url, b"x1", age=timedelta(minutes=5))
    new = page(site, run, url, b"x2", age=timedelta(minutes=1))
    res = prune_mod.prune(0)
    assert res.snapshots_deleted == 1
    assert fresh(old).snapshot_id is None and fresh(new).snapshot_id is not None


def test_the_newest_200_stays_when_the_newest_fetch_failed(site, run):
    url = "http://127.0.0.1:9/list.html"
    ok_old = page(site, run, url, b"list v1", kind="list")
    ok_new = page(site, run, url, b"list v2", kind="list")
    err = page(site, run, url, b"<html>502</html>", kind="list", status=502)
    res = prune_mod.prune(30)
    assert fresh(ok_old).snapshot_id is None
    assert fresh(ok_new).snapshot_id is not None and fresh(err).snapshot_id is not None
    assert res.snapshots_deleted == 1
    # what revalidation reads (the newest stored 200 fetch of the URL) is still there
    newest = Page.objects.filter(url=url, status=200, snapshot__isnull=False).order_by("-id").first()
    assert newest.pk == ok_new.pk and file_of(ok_new).is_file()


def test_versions_are_per_url_and_kind(site, run):
    url = "http://127.0.0.1:9/"
    home = page(site, run, url, b"home", kind="home")
    page(site, run, url, b"list newer", kind="list")
    prune_mod.prune(30)
    assert fresh(home).snapshot_id is not None  # the newest of its kind


def test_findings_and_review_evidence_are_kept_forever(site, run):
    url = "http://127.0.0.1:9/leak.html"
    leaked = page(site, run, url, "秘密★1年 旧版本".encode())
    page(site, run, url, b"cleaned")
    Finding.objects.create(url=url, page_url=url, snapshot=leaked.snapshot, page=leaked, severity="high")
    # the takedown check stores a snapshot that no Page links and names it in a review note
    url2 = "http://127.0.0.1:9/b.html"
    named = page(site, run, url2, b"bytes named by a review")
    page(site, run, url2, b"b newest")
    f2 = Finding.objects.create(url=url2, page_url=url2, snapshot=snapshots.store(b"hit"), severity="high")
    f2.system_check("verified_removed", f"命中已消失：新快照 sha256 {named.snapshot.sha256}")
    res = prune_mod.prune(30)
    assert res.snapshots_deleted == 0 and res.kept_evidence == 2
    assert fresh(leaked).snapshot_id == leaked.snapshot_id and file_of(leaked).is_file()
    assert file_of(named).is_file()


def test_a_snapshot_shared_with_a_kept_version_stays(site, run):
    url = "http://127.0.0.1:9/a.html"
    same_old = page(site, run, url, b"unchanged")
    page(site, run, url, b"unchanged")  # the newest fetch: the same bytes, the same snapshot
    other_url_old = page(site, run, "http://127.0.0.1:9/z.html", b"unchanged")
    page(site, run, "http://127.0.0.1:9/z.html", b"z2")
    res = prune_mod.prune(30)
    assert res.snapshots_deleted == 0 and res.kept_shared == 1
    assert fresh(same_old).snapshot_id and fresh(other_url_old).snapshot_id
    assert file_of(same_old).is_file()


def test_attachments_keep_their_newest_version(site, run):
    p = page(site, run, "http://127.0.0.1:9/a.html", b"page")
    a1 = attachment(p, run, "http://127.0.0.1:9/f.pdf", b"%PDF-1 old")
    a2 = attachment(p, run, "http://127.0.0.1:9/f.pdf", b"%PDF-1 new")
    res = prune_mod.prune(30)
    assert res.attachments_unlinked == 1 and res.snapshots_deleted == 1
    assert fresh(a1).snapshot_id is None and fresh(a2).snapshot_id is not None
    assert_consistent()


def test_dry_run_changes_nothing(site, run):
    url = "http://127.0.0.1:9/a.html"
    v1 = page(site, run, url, b"v1")
    page(site, run, url, b"v2")
    out = StringIO()
    call_command("prune", "--keep-days", "30", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"将删除 {v1.snapshot.sha256}" in text
    assert "清理演练" in text and "将删除 1 个快照" in text
    assert fresh(v1).snapshot_id == v1.snapshot_id and file_of(v1).is_file()


def test_command_summary_is_chinese(site, run):
    url = "http://127.0.0.1:9/a.html"
    page(site, run, url, b"v1")
    page(site, run, url, b"v2")
    out = StringIO()
    call_command("prune", "--keep-days", "30", stdout=out)
    assert out.getvalue().startswith("清理完成：删除 1 个快照")


def test_refuses_beside_a_running_patrol(site, run):
    PatrolRun.objects.create(status="running")
    with pytest.raises(CommandError, match="正在运行"):
        call_command("prune", "--keep-days", "30", stdout=StringIO())
    # a dead "running" record from long ago does not block
    PatrolRun.objects.filter(status="running").update(started_at=timezone.now() - timedelta(days=3))
    call_command("prune", "--keep-days", "30", stdout=StringIO())


def test_a_kill_after_the_commit_leaves_only_orphan_files(site, run, monkeypatch):
    urls = [f"http://127.0.0.1:9/{i}.html" for i in range(7)]
    olds = [page(site, run, u, f"{u} old".encode()) for u in urls]
    for u in urls:
        page(site, run, u, f"{u} new".encode())
    files = [file_of(p) for p in olds]

    def killed(shas):
        raise KeyboardInterrupt  # the process dies between the commit and the first unlink

    monkeypatch.setattr(prune_mod, "_remove_files", killed)
    with pytest.raises(KeyboardInterrupt):
        prune_mod.prune(30, batch=3)
    monkeypatch.undo()
    # the first batch committed: 3 rows gone, their files still there; the rest untouched
    assert sum(fresh(p).snapshot_id is None for p in olds) == 3
    assert all(f.is_file() for f in files)
    assert_consistent()
    # the next prune finishes the job; orphan files go once they are older than the grace time
    res = prune_mod.prune(30)
    assert res.snapshots_deleted == 4
    for f in files:
        if f.exists():
            os.utime(f, (time.time() - 7 * 3600,) * 2)
    res = prune_mod.prune(30)
    assert res.orphans_removed == 3
    assert not any(f.exists() for f in files)
    assert_consistent()


def test_sweep_puts_back_a_file_moved_aside_whose_row_exists(site, run):
    p = page(site, run, "http://127.0.0.1:9/a.html", b"keep me")
    path = file_of(p)
    aside = path.with_name(path.name + prune_mod.ASIDE)
    os.replace(path, aside)  # a prune killed between its move and its row check
    os.utime(aside, (time.time() - 7 * 3600,) * 2)
    prune_mod.sweep_orphans(timezone.now())
    assert path.is_file() and not aside.exists()


def test_a_fresh_unregistered_file_is_not_an_orphan(site, run):
    """snapshots.store writes the file before its row: a young file without a row stays."""
    sha = "ab" * 32
    path = snapshots.path_for(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"being stored")
    assert prune_mod.sweep_orphans(timezone.now()) == 0 and path.exists()
    assert prune_mod.sweep_orphans(timezone.now() + timedelta(hours=7)) == 1 and not path.exists()


# --------------------------------------------------------------------------- a real patrol's store


@pytest.mark.slow
def test_prune_after_real_patrols_keeps_incremental_patrols_exact(tmp_path):
    """Patrol a site of the small demo (with a planted leak), change it, patrol again,
    prune everything prunable: the store stays consistent, findings keep their snapshots, and the
    next patrol still revalidates (304s) and counts exactly."""
    import sqlite3

    from demo.server import DemoNetwork
    from tests.crawl_helpers import column_key, counts_json, patrol

    picked = ["nyj"]  # changed by DemoNetwork.mutate, holds a planted finding
    with DemoNetwork("small") as net:
        data, cfg = tmp_path / "data", tmp_path / "patrol.yaml"
        net.write_config(cfg, crawl={"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4})
        patrol(data, cfg, "crawl", "--quiet", "--site", *picked)
        net.mutate()
        patrol(data, cfg, "crawl", "--quiet", "--site", *picked)
        before = json.loads(patrol(data, cfg, "findings", "--status", "all", "--format", "json").stdout)
        assert before["findings"]
        dry = patrol(data, cfg, "prune", "--keep-days", "0", "--dry-run").stdout
        out = patrol(data, cfg, "prune", "--keep-days", "0").stdout
        assert "清理完成" in out
        n = int(out.split("删除 ", 1)[1].split(" 个快照")[0])
        assert n > 0 and f"将删除 {n} 个快照" in dry
        # every snapshot row finds its file; findings keep theirs
        listed = {p.name for p in (data / "snapshots").rglob("*") if p.is_file()}
        con = sqlite3.connect(data / "patrol.sqlite3")
        rows = {r[0] for r in con.execute("select sha256 from crawler_snapshot")}
        evidence = {
            r[0]
            for r in con.execute(
                "select s.sha256 from crawler_snapshot s join screening_finding f on f.snapshot_id = s.id"
            )
        }
        con.close()
        assert rows <= listed and evidence and evidence <= rows
        after = json.loads(patrol(data, cfg, "findings", "--status", "all", "--format", "json").stdout)
        assert after == before
        net.reset_counters()
        patrol(data, cfg, "crawl", "--quiet", "--site", *picked)
        assert net.requests_by_status[304] > 0
        got = {s["id"]: s for s in counts_json(data, cfg, "--year", "2012")["sites"]}
        want = {s["id"]: s for s in net.truth()["counts_2012"]["sites"]}
        for sid in picked:
            assert got[sid]["items"] == want[sid]["items"] > 0, sid
            assert sorted(map(column_key, got[sid]["columns"])) == sorted(
                map(column_key, want[sid]["columns"])
            )


def test_remove_files_puts_back_a_file_whose_row_exists_again(site, run):
    """A patrol that stored the same bytes between the commit and the unlink keeps its file."""
    stored = snapshots.store(b"stored again by a patrol")
    gone_sha = snapshots.write(b"really gone")
    removed, missing = prune_mod._remove_files([stored.sha256, gone_sha, "cd" * 32])
    assert (removed, missing) == (1, 1)
    assert file_of(stored).is_file() and not snapshots.path_for(gone_sha).exists()
    assert not list(snapshots.root().rglob("*" + prune_mod.ASIDE))
