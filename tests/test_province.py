"""The simulated province (demo.province): N county networks on loopback, one config, one truth."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlsplit

import pytest

from config import patrolconf
from demo.province import Province, county_prefix, merge_counts
from demo.server import DemoNetwork
from tests.crawl_helpers import column_key, counts_json, patrol


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def province():
    prov = Province(counties=2).start()
    try:
        yield prov
    finally:
        prov.stop()


def test_config_is_valid_and_every_site_answers(province, tmp_path):
    province.reset_counters()
    cfg = province.write_config(tmp_path / "province.yaml")
    conf = patrolconf.load(cfg)
    assert len(conf.sites) == province.sites == 2 * len(DemoNetwork().network.sites)
    ids = [s.id for s in conf.sites]
    assert len(set(ids)) == len(ids)
    assert {i[: len(county_prefix(1))] for i in ids} == {county_prefix(1), county_prefix(2)}
    hosts = Counter()
    for site in province.sites_config():
        parts = urlsplit(site["url"])
        hosts[parts.hostname.rsplit(".", 1)[0]] += 1
        assert parts.port == province.port
        status, headers, body = _get(site["url"])
        assert status == 200, site["url"]
        assert "<html" in body[:2000].decode("utf-8", "replace").lower()
        # the demo's revalidation holds on every county's hosts
        assert _get(site["url"], {"If-None-Match": headers["ETag"]})[0] == 304
    # one /24 per county, no host shared between counties
    assert set(hosts) == {"127.0.1", "127.0.2"}
    # the county name is in each site's name, and the two counties differ
    names = {s["id"]: s["name"] for s in province.sites_config()}
    assert names["c01-county"] != names["c02-county"]
    assert province.requests_total == 2 * province.sites
    assert province.requests_by_status[304] == province.sites


def test_unknown_paths_are_404_per_county(province):
    base = province.sites_config()[0]["url"]
    assert _get(base + "no/such/page.html")[0] == 404


def test_deterministic_and_counties_differ():
    a, b = Province(counties=2), Province(counties=2)
    assert a.truth() == b.truth()
    c1, c2 = a.counties
    assert [s.id.removeprefix("c01-") for s in c1.network.sites] == [
        s.id.removeprefix("c02-") for s in c2.network.sites
    ]
    # different seeds: the counties publish different items
    t1, t2 = c1.truth(), c2.truth()
    assert [s["items"] for s in t1["counts_all"]["sites"]] != [s["items"] for s in t2["counts_all"]["sites"]]


def test_truth_is_the_sum_of_the_counties():
    prov = Province(counties=3)
    truth = prov.truth()
    per = [c.truth() for c in prov.counties]
    for key in ("counts_2012", "counts_all"):
        merged = truth[key]
        assert merged["total"] == sum(t[key]["total"] for t in per)
        assert merged["total"] == sum(s["items"] for s in merged["sites"])
        assert sum(merged["tiers"].values()) == merged["total"]
        assert [s["id"] for s in merged["sites"]] == [s["id"] for t in per for s in t[key]["sites"]]
    ann = truth["annual_2012"]
    assert ann["year"] == 2012
    assert ann["total"] == ann["document"] + ann["other"] == truth["counts_2012"]["total"]
    assert sum(ann["by_tier"].values()) == ann["total"]
    assert len(truth["timeliness_2013_01_07"]["findings"]) == sum(
        len(t["timeliness_2013_01_07"]["findings"]) for t in per
    )
    # a county of the province is the demo network of its seed: same figures, other ids and addresses
    alone = DemoNetwork("small", prov.seed + 2).truth()
    assert [s["items"] for s in per[1]["counts_all"]["sites"]] == [
        s["items"] for s in alone["counts_all"]["sites"]
    ]
    assert per[1]["counts_all"]["total"] == alone["counts_all"]["total"]
    assert {urlsplit(s["url"]).hostname.rsplit(".", 1)[0] for s in per[1]["sites"]} == {"127.0.2"}


def test_merge_refuses_different_periods():
    a = {"from": "2012-01-01", "to": "2012-12-31", "total": 0, "tiers": {}, "sites": []}
    with pytest.raises(ValueError):
        merge_counts([a, {**a, "to": "2013-12-31"}])


def test_the_demo_network_keeps_its_addresses():
    net = DemoNetwork("small")
    assert {urlsplit(s["url"]).hostname.rsplit(".", 1)[0] for s in net.sites_config()} == {"127.0.0"}


@pytest.mark.slow
def test_a_patrol_across_two_counties_counts_exactly(province, tmp_path):
    """One process patrols a site of each county (different CMS, different /24) from the province's
    one config: their counts equal the merged truth."""
    cfg = province.write_config(tmp_path / "province.yaml", crawl={"concurrency_per_site": 4})
    data = tmp_path / "data"
    picked = ["c01-mzj", "c02-nyj"]
    patrol(data, cfg, "crawl", "--quiet", "--site", *picked)
    got = {s["id"]: s for s in counts_json(data, cfg, "--year", "2012")["sites"]}
    want = {s["id"]: s for s in province.truth()["counts_2012"]["sites"]}
    for sid in picked:
        assert got[sid]["items"] == want[sid]["items"] > 0, sid
        assert sorted(map(column_key, got[sid]["columns"])) == sorted(
            map(column_key, want[sid]["columns"])
        ), sid
