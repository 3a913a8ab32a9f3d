"""A sixth independently built unseen network: split scopes, Hanweb variants, gkmlpt tables, a
town whose homepage is its disclosure platform; exact counts and timeliness findings."""

from __future__ import annotations

import json

import pytest

from tests.crawl_helpers import assert_counts_equal, column_key, counts_json, patrol
from tests.othernet6.network import OtherNetwork6

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_other_network6")]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("othernet6")
    net = OtherNetwork6().start()
    data, cfg = root / "data", root / "patrol.yaml"
    net.write_config(cfg)
    try:
        patrol(data, cfg, "crawl", "--quiet")
        yield net, data, cfg
    finally:
        net.stop()


def test_counts_2012(crawled):
    net, data, cfg = crawled
    assert_counts_equal(counts_json(data, cfg, "--year", "2012"), net.truth()["counts_2012"])


def test_counts_all_years(crawled):
    net, data, cfg = crawled
    got = counts_json(data, cfg, "--from", "2000-01-01", "--to", "2012-12-31")
    assert_counts_equal(got, net.truth()["counts_all"])


def test_timeliness(crawled):
    net, data, cfg = crawled
    out = patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    got = {(f["kind"], f["site"], f["url"], f["days"], f["limit"]) for f in json.loads(out)["findings"]}
    want = net.truth()["timeliness_2013_01_07"]
    for f in sorted(want - got, key=str):
        print("missing", f)
    for f in sorted(got - want, key=str):
        print("extra  ", f)
    assert got == want


def test_columns_outside_gkml_tables(crawled):
    """Every column but the gkmlpt-like tables, both periods, and every finding but late_publication
    (split scopes, Hanweb, the town homepage platform, pinned/MM-DD/undated/dead/external rows)."""
    net, data, cfg = crawled
    problems = []
    for key, period in (
        ("counts_2012", ("--year", "2012")),
        ("counts_all", ("--from", "2000-01-01", "--to", "2012-12-31")),
    ):
        got = {c["url"]: c for s in counts_json(data, cfg, *period)["sites"] for c in s["columns"]}
        for s in net.truth()[key]["sites"]:
            for c in s["columns"]:
                if c["url"] in net.gk_columns:
                    continue
                g = got.get(c["url"])
                if g is None or column_key(g) != column_key(c):
                    problems.append(
                        f"{key} {s['id']} {c['name']} {c['url']}: got {g and column_key(g)[1:]} want {column_key(c)[1:]}"
                    )
    assert not problems, "\n".join(problems)
    out = patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    got = {(f["kind"], f["site"], f["url"], f["days"], f["limit"]) for f in json.loads(out)["findings"]}
    want = {f for f in net.truth()["timeliness_2013_01_07"] if f[0] != "late_publication"}
    got = {f for f in got if f[0] != "late_publication"}
    assert got == want, (sorted(want - got, key=str), sorted(got - want, key=str))
