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
