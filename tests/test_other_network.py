"""Count a portal network this project has never seen (tests/othernet), built independently of demo/.

The network (云台县: TRS-like li/tr/div lists with createPageHTML pagers, EmpireCMS index_2 numbering,
Hanweb jpage + dataproxy.jsp, a GBK ASP site, a JSP ?pageNo= site with <dl> lists) exports its own ground
truth; the patrol must reproduce it exactly for 2012 and for all years, and must never request the
unconfigured city site that 转载 rows link to.
"""

from __future__ import annotations

import pytest

from tests.crawl_helpers import assert_counts_equal, counts_json, patrol
from tests.othernet.network import ALL_FROM, ALL_TO, OtherNetwork

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_other_network")]


@pytest.fixture(scope="module")
def other_crawled(tmp_path_factory):
    net = OtherNetwork().start()
    root = tmp_path_factory.mktemp("othernet")
    data, cfg = root / "data", root / "patrol.yaml"
    net.write_config(cfg)
    try:
        patrol(data, cfg, "crawl", "--quiet")
        yield net, data, cfg
    finally:
        net.stop()


def test_other_network_counts_2012(other_crawled):
    net, data, cfg = other_crawled
    assert_counts_equal(counts_json(data, cfg, "--year", "2012"), net.truth()["counts_2012"])


def test_other_network_counts_all_years(other_crawled):
    net, data, cfg = other_crawled
    assert_counts_equal(counts_json(data, cfg, "--from", ALL_FROM, "--to", ALL_TO), net.truth()["counts_all"])


def test_other_network_external_links_not_fetched(other_crawled):
    net, _, _ = other_crawled
    assert net.external_requests() == 0, [p for p in net.paths if p[0] == "127.0.0.50"][:5]
