"""Discovery that falls back, pagination that knows the total, and what could not be read is said
(issue 7, items 2, 3 and 7) on a loopback network of its own (tests/fallbacknet).

One patrol, then a second (incremental) one of the unchanged network:

* counts are exact per column for 2012 (``patrol report counts --format json``): the entry behind
  a script-written redirect stub gives the tree; an entry without a tree falls back to the
  homepage's menus and to a ``document.write`` menu on the list pages; a site whose 信息公开 link
  leaves the scope counts its homepage menus, never its homepage as a column; a TRS column with
  index_3 missing and an ASP column with pages 3 (500) and 4 (soft 404) missing count every row
  of the pages that exist, up to the stated last page;
* the site findings are exactly the planted ones (``patrol runs --format json``): dead_link per
  missing list page, unreadable for a refused page, a challenge page, a script-drawn column and a
  pager without an address for page 2, an entry without a tree, no_disclosure_entry;
* missing list pages are ``dead_link`` findings of the timeliness report (url = the list page);
* the outside host is never asked for anything.
"""

from __future__ import annotations

import json

import pytest

from tests.crawl_helpers import counts_json, patrol
from tests.fallbacknet.network import IPS, FallbackNetwork

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_fallback_network")]


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    network = FallbackNetwork().start()
    root = tmp_path_factory.mktemp("fallbacknet")
    data, cfg = root / "data", root / "patrol.yaml"
    network.write_config(cfg)
    memo: dict = {}
    for n in (1, 2):
        patrol(data, cfg, "crawl", "--quiet")
        memo[n] = {
            "counts": counts_json(data, cfg, "--year", "2012"),
            "runs": json.loads(patrol(data, cfg, "runs", "--format", "json").stdout)["runs"],
        }
    memo["timeliness"] = json.loads(
        patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    )
    memo["runs_table"] = patrol(data, cfg, "runs", "-v").stdout
    yield network, memo
    network.stop()


def _columns(counts: dict, site: str) -> dict:
    sites = {s["id"]: s for s in counts["sites"]}
    return {c["url"]: (c["items"], c["items_total"], c["last_published"]) for c in sites[site]["columns"]}


# the inspection checks' findings (a homepage without 网站标识码 …) are judged on tests/inspectnet;
# this network plants what the walk itself sees
INSPECTION_KINDS = {"missing_identity", "hidden_link", "wording_error", "watch_name"}


def _findings(run: dict) -> set[tuple[str, str, str, str]]:
    return {
        (site, f["kind"], f["url"], f["detail"].get("code", ""))
        for site, found in run["sites"].items()
        for f in found["findings"]
        if f["kind"] not in INSPECTION_KINDS
    }


@pytest.mark.parametrize("patrol_no", [1, 2])
@pytest.mark.parametrize("site", list(IPS))
def test_counts_exact(net, site, patrol_no):
    network, memo = net
    assert _columns(memo[patrol_no]["counts"], site) == network.truth()[site]


def test_real_figure_tail_pages_counted(net):
    """The issue's figure: pages 2..k exist, one middle page missing, stated last page N."""
    network, memo = net
    cols = _columns(memo[1]["counts"], "stub")
    base = network.base("stub")
    assert cols[f"{base}/xxgk/tzgg/"][0] == 60  # 5 pages of 15, index_3 missing (45 before the fix)
    assert cols[f"{base}/list.asp?classid=2"][0] == 41  # 12+12+(500)+(soft 404)+12+5 (24 before)


def test_no_homepage_column_when_entry_leaves_scope(net):
    network, memo = net
    cols = _columns(memo[1]["counts"], "away")
    assert f"{network.base('away')}/" not in cols
    assert sorted(cols) == sorted(network.truth()["away"])


@pytest.mark.parametrize("patrol_no", [1, 2])
def test_site_findings_exact(net, patrol_no):
    network, memo = net
    run = memo[patrol_no]["runs"][0]
    assert _findings(run) == network.findings()


def test_away_finding_names_the_outside_entry(net):
    network, memo = net
    away = memo[1]["runs"][0]["sites"]["away"]["findings"]
    entry = next(f for f in away if f["kind"] == "no_disclosure_entry")
    assert entry["detail"]["target"].startswith("http://127.0.0.209:")
    assert "范围以外" in entry["detail"]["reason"]


def test_missing_list_pages_in_timeliness(net):
    network, memo = net
    got = {(f["site"], f["url"]) for f in memo["timeliness"]["findings"] if f["kind"] == "dead_link"}
    want = {(s, url) for s, kind, url, _ in network.findings() if kind == "dead_link"}
    assert want <= got
    names = {f["url"]: f["name"] for f in memo["timeliness"]["findings"] if f["kind"] == "dead_link"}
    assert names[f"{network.base('stub')}/xxgk/tzgg/index_3.html"] == "通知公告"


def test_runs_table_lists_findings_in_chinese(net):
    network, memo = net
    table = memo["runs_table"]
    walls = next(line for line in table.splitlines() if line.strip().startswith("walls："))
    assert "无法读取 4" in walls  # beside the inspection kinds of its homepage (网站标识缺失 …)
    assert f"[无法读取] {network.base('walls')}/gkml/rsxx/index.html" in table
    assert "[列表页失效]" in table and "[无信息公开入口]" in table


def test_outside_host_never_asked(net):
    network, _ = net
    assert network.outside_requests == []


def test_overrides_make_an_unreadable_site_exact(net, tmp_path):
    """The README's worked example: without its overrides ``custom`` has no entry and counts
    nothing; with entry, columns (a menu selector), row, link and date it is exact (above)."""
    network, memo = net
    assert _columns(memo[1]["counts"], "custom") == network.truth()["custom"]
    assert not [f for f in _findings(memo[1]["runs"][0]) if f[0] == "custom"]
    data, cfg = tmp_path / "data", network.write_config(tmp_path / "patrol.yaml", overrides=False)
    patrol(data, cfg, "crawl", "--site", "custom", "--quiet")
    assert _columns(counts_json(data, cfg, "--year", "2012"), "custom") == {}
    run = json.loads(patrol(data, cfg, "runs", "--format", "json").stdout)["runs"][0]
    assert _findings(run) == {
        ("custom", "no_disclosure_entry", f"{network.base('custom')}/", "entry_missing")
    }


def test_a_list_page_that_times_out_is_a_dead_link_and_the_walk_ends(net, tmp_path):
    """notree's 通知公告 has 2 pages; its page 2 answers only after the patrol stopped waiting."""
    network, _ = net
    base = network.base("notree")
    key = (IPS["notree"], "/tzgg/index_1.html")
    network.slow[key] = 6
    try:
        cfg = network.write_config(tmp_path / "patrol.yaml", crawl={"timeout_seconds": 2})
        data = tmp_path / "data"
        patrol(data, cfg, "crawl", "--site", "notree", "--quiet")
    finally:
        network.slow.pop(key)
    cols = _columns(counts_json(data, cfg, "--year", "2012"), "notree")
    want = network.truth()["notree"]
    assert cols[f"{base}/tzgg/"][0] == 10  # page 1 only
    assert {u: v for u, v in cols.items() if u != f"{base}/tzgg/"} == {
        u: v for u, v in want.items() if u != f"{base}/tzgg/"
    }
    run = json.loads(patrol(data, cfg, "runs", "--format", "json").stdout)["runs"][0]
    dead = [f for f in run["sites"]["notree"]["findings"] if f["kind"] == "dead_link"]
    assert [f["url"] for f in dead] == [f"{base}/tzgg/index_1.html"]
    assert dead[0]["detail"]["column"] == f"{base}/tzgg/"
