"""A third unseen county network (tests/othernet3): counts and timeliness must match its truth exactly."""

from __future__ import annotations

import json

import pytest

from tests.crawl_helpers import assert_counts_equal, counts_json, patrol
from tests.othernet3.network import IP_CITY, OtherNetwork3

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_other_network3")]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("othernet3")
    net = OtherNetwork3().start()
    data, cfg = root / "data", root / "patrol.yaml"
    net.write_config(cfg)
    try:
        patrol(data, cfg, "crawl", "--quiet")
        yield net, data, cfg, net.truth()
    finally:
        net.stop()


def test_counts_2012(crawled):
    net, data, cfg, truth = crawled
    assert_counts_equal(counts_json(data, cfg, "--year", "2012"), truth["counts_2012"])


def test_counts_all_years(crawled):
    net, data, cfg, truth = crawled
    want = truth["counts_all"]
    assert_counts_equal(counts_json(data, cfg, "--from", want["from"], "--to", want["to"]), want)


def _key(f: dict) -> tuple:
    return (f["kind"], f["site"], f["url"], f["days"], f["limit"])


def test_timeliness_findings(crawled):
    net, data, cfg, truth = crawled
    out = patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    got = json.loads(out)
    want = truth["timeliness_2013_01_07"]
    assert got["as_of"] == want["as_of"]
    g, w = {_key(f) for f in got["findings"]}, {_key(f) for f in want["findings"]}
    missing, extra = sorted(w - g, key=str), sorted(g - w, key=str)
    for m in missing:
        print("MISSING", m)
    for x in extra:
        print("EXTRA  ", x)
    assert not missing and not extra, f"{len(missing)} missing, {len(extra)} extra findings"


def test_no_request_outside_scopes(crawled):
    """转载 targets on the (unconfigured) city portal are counted, never fetched; the POST-only proxy is POSTed."""
    net = crawled[0]
    assert not [r for r in net.requests if r[0] == IP_CITY]
