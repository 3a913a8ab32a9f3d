"""A second unseen county network (tests/othernet2, built independently of demo/ and tests/othernet/).

One patrol of eight sites in four CMS families; counts for 2012 and all years and the timeliness findings as of
2013-01-07 must equal the network's own truth exactly.
"""

from __future__ import annotations

import json

import pytest

from tests.crawl_helpers import assert_counts_equal, counts_json, patrol
from tests.othernet2.network import OtherNetwork2

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_other_network2")]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("othernet2")
    net = OtherNetwork2().start()
    try:
        data, cfg = root / "data", root / "patrol.yaml"
        net.write_config(cfg)
        patrol(data, cfg, "crawl", "--quiet")
        yield net, data, cfg, net.truth()
    finally:
        net.stop()


def test_counts_2012(crawled):
    net, data, cfg, truth = crawled
    assert_counts_equal(counts_json(data, cfg, "--year", "2012"), truth["counts_2012"])


def test_counts_all_years(crawled):
    net, data, cfg, truth = crawled
    assert_counts_equal(
        counts_json(data, cfg, "--from", "2000-01-01", "--to", "2012-12-31"), truth["counts_all"]
    )


def _key(f: dict) -> tuple:
    return f["kind"], f["site"], f["url"], f["days"], f["limit"]


def test_timeliness_2013_01_07(crawled):
    net, data, cfg, truth = crawled
    got = json.loads(
        patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    )
    want = truth["timeliness_2013_01_07"]
    assert got["as_of"] == want["as_of"]
    g, w = {_key(f) for f in got["findings"]}, {_key(f) for f in want["findings"]}
    missing, extra = sorted(w - g, key=str), sorted(g - w, key=str)
    print("missing:", *missing, sep="\n  ")
    print("extra:", *extra, sep="\n  ")
    assert not missing and not extra, f"missing {len(missing)}: {missing}\nextra {len(extra)}: {extra}"
