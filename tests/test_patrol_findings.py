"""The patrol screens what it fetches: the demo's planted positives are flagged, its hard
negatives are not, and every finding hangs on the snapshot it came from."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.crawl_helpers import patrol

pytestmark = pytest.mark.xdist_group("crawl")


def test_patrol_findings_match_the_planted_positives(crawled_small):
    net, data, cfg = crawled_small
    truth = net.truth()
    out = json.loads(patrol(data, cfg, "findings", "--status", "all", "--format", "json").stdout)
    flagged = {(f["url"], f["page"]): set(f["kinds"]) for f in out["findings"] if f["flagged"]}
    for pos in truth["screening_positives"]:
        assert pos["kind"] in flagged.get((pos["url"], pos["page"]), set()), pos
    negatives = {n["url"] for n in truth["hard_negatives"]}
    assert not negatives & {url for url, _ in flagged}
    assert len(flagged) == len(truth["screening_positives"]), sorted(flagged)
    for f in out["findings"]:
        for hit in f["hits"]:
            # personal data never leaves the store unmasked
            if hit["kind"] in ("id_number", "mobile", "bank_card"):
                assert "*" in hit["text"], hit

    db = sqlite3.connect(data / "patrol.sqlite3")
    rows = db.execute(
        "select f.url, s.sha256 from screening_finding f join crawler_snapshot s on s.id = f.snapshot_id"
    ).fetchall()
    assert len(rows) == len(out["findings"])
    for _url, sha in rows:
        assert (data / "snapshots" / sha[:2] / sha[2:4] / sha).exists()
    unscreened = db.execute(
        "select count(*) from crawler_page p join crawler_item i on i.id = p.item_id "
        "where p.kind = 'detail' and p.status = 200 and not i.soft_404 and p.screen_status = ''"
    ).fetchone()[0]
    assert unscreened == 0  # every real detail page fetched was screened (soft 404s are not pages)
