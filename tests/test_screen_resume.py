"""A crawl that ends before its screens come back (SIGKILL, a worker's unit taken over) leaves its
pages and attachments ``pending``; the next crawl of those sites screens them from their
snapshots, so no finding is lost and none is recorded twice."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.crawl_helpers import patrol

pytestmark = pytest.mark.xdist_group("crawl")


def _findings(data, cfg) -> list[dict]:
    out = json.loads(patrol(data, cfg, "findings", "--status", "all", "--format", "json").stdout)["findings"]
    for f in out:
        f.pop("id", None)
    return sorted(out, key=lambda f: (f["url"], f["page"]))


def test_pending_screens_are_done_by_the_next_crawl(crawled_small, tmp_path):
    net, data0, cfg = crawled_small
    data = tmp_path / "data"
    shutil.copytree(data0, data)
    want = _findings(data, cfg)
    assert want
    db = sqlite3.connect(data / "patrol.sqlite3")
    # as if the crawl had died after storing the pages and attachments, before their screens came
    pages = [r[0] for r in db.execute("select page_id from screening_finding where attachment_id is null")]
    atts = [
        r[0]
        for r in db.execute("select attachment_id from screening_finding where attachment_id is not null")
    ]
    assert pages and atts
    db.execute(f"update crawler_page set screen_status = 'pending' where id in ({','.join(map(str, pages))})")  # noqa: S608
    db.execute(
        f"update crawler_attachment set screen_status = 'pending' where id in ({','.join(map(str, atts))})"  # noqa: S608
    )
    db.execute("delete from screening_review")
    db.execute("delete from screening_finding")
    db.commit()
    assert _findings(data, cfg) == []
    patrol(data, cfg, "crawl", "--quiet")
    got = _findings(data, cfg)
    assert [(f["url"], f["page"], f["kinds"], f["hits"]) for f in got] == [
        (f["url"], f["page"], f["kinds"], f["hits"]) for f in want
    ]
    left = db.execute(
        "select (select count(*) from crawler_page where screen_status = 'pending')"
        " + (select count(*) from crawler_attachment where screen_status = 'pending')"
    ).fetchone()[0]
    assert left == 0
    # a third patrol finds nothing pending and records nothing twice
    patrol(data, cfg, "crawl", "--quiet")
    assert len(_findings(data, cfg)) == len(want)


def test_attachments_a_killed_crawl_never_fetched_are_fetched_by_the_next(crawled_small, tmp_path):
    """The detail page was stored, its attachments had not come yet when the crawl died: the page
    keeps them due, and the next crawl (whose incremental walk never opens that page again)
    fetches and screens the missing ones — the same findings, on the same pages, none twice."""
    net, data0, cfg = crawled_small
    data = tmp_path / "data"
    shutil.copytree(data0, data)
    want = _findings(data, cfg)
    db = sqlite3.connect(data / "patrol.sqlite3")
    assert (
        db.execute("select count(*) from crawler_page where attachments_due is not null").fetchone()[0] == 0
    )
    lost = db.execute(
        "select a.id, a.page_id, a.url, a.name from crawler_attachment a"
        " join screening_finding f on f.attachment_id = a.id"
    ).fetchall()
    assert lost
    for att_id, page_id, url, name in lost:
        db.execute(
            "delete from screening_review where finding_id in"
            " (select id from screening_finding where attachment_id = ?)",
            (att_id,),
        )
        db.execute("delete from screening_finding where attachment_id = ?", (att_id,))
        db.execute("delete from crawler_attachment where id = ?", (att_id,))
        db.execute(
            "update crawler_page set attachments_due = ? where id = ?", (json.dumps([[url, name]]), page_id)
        )
    db.commit()
    assert len(_findings(data, cfg)) == len(want) - len(lost)
    patrol(data, cfg, "crawl", "--quiet")
    got = _findings(data, cfg)
    assert [(f["url"], f["page"], f["kinds"], f["hits"]) for f in got] == [
        (f["url"], f["page"], f["kinds"], f["hits"]) for f in want
    ]
    assert (
        db.execute("select count(*) from crawler_page where attachments_due is not null").fetchone()[0] == 0
    )
    # a third patrol has nothing due and records nothing twice
    patrol(data, cfg, "crawl", "--quiet")
    assert len(_findings(data, cfg)) == len(want)
    assert (
        db.execute("select count(*) from crawler_attachment where url = ?", (lost[0][2],)).fetchone()[0] == 1
    )
