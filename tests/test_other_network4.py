"""A fourth unseen network (tests/othernet4): old, odd and badly configured county sites.

Wrong charsets (GBK served as ISO-8859-1 / utf-8, BOM-only UTF-8, invalid bytes), redirected and
meta-refreshed homepages, a two-step disclosure entry, windowed / ``?pageIndex`` / ``&curpage`` /
``javascript:goPage`` (POST) / TRS script pagers, nested-table rows, malformed HTML, a 300-row list,
undated rows, soft 404s, empty columns; planted timeliness gaps as of 2013-01-07.

Two patrols of the same network: ``configured`` uses the homepages as an operator would write them
(three of them answer with an HTTP redirect); ``resolved`` configures those three at the page the
redirect leads to, so that the traps behind the homepage are still exercised.
Counts and timeliness are compared per site (so each xfail names one site's problem) and whole.
"""

from __future__ import annotations

import json

import pytest

from tests.crawl_helpers import assert_counts_equal, column_key, counts_json, patrol
from tests.othernet4.network import OtherNetwork4

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_other_network4")]

SITES = ["county", "jyj", "wsj", "nyj", "lyj", "qsz", "lxx", "bhz"]
PERIODS = {"counts_2012": ("--year", "2012"), "counts_all": ("--from", "2000-01-01", "--to", "2012-12-31")}

REDIRECT = (
    "homepage answering HTTP 301/302 is not followed ('homepage of X answered HTTP 302'): the site "
    "gets no entry and no columns"
)
SHTML = (
    "column URL: product strips a trailing index.shtml, ARCHITECTURE.md removes only index.html/index.htm/"
    "default.htm(l)/default.asp(x)"
)
PAGEINDEX = (
    "numbered-only pager 'index.shtml?pageIndex=2' (no 下一页) not followed: 县政府文件 15 of 30 items"
)
GOPAGE = "javascript:goPage(N) pager with a hidden POST form (page=N) not followed: 统计数据 10 of 30 items"

COUNT_XFAIL: dict = {}
TIMELINESS_XFAIL: dict = {}
WHOLE_XFAIL: dict = {}


def _params(xfails: dict, periods: bool) -> list:
    out = []
    for variant in ("configured", "resolved"):
        for site in SITES:
            for period in PERIODS if periods else [None]:
                reason = xfails.get((variant, site))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                ident = "-".join(x for x in (variant, site, period) if x)
                out.append(pytest.param(variant, site, period, marks=marks, id=ident))
    return out


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    cache: dict[str, tuple] = {}

    def get(variant: str):
        if variant not in cache:
            root = tmp_path_factory.mktemp(f"othernet4-{variant}")
            net = OtherNetwork4().start()
            data, cfg = root / "data", root / "patrol.yaml"
            net.write_config(cfg, resolved=variant == "resolved")
            cache[variant] = (net, data, cfg, {"resolved": variant == "resolved"})
            patrol(data, cfg, "crawl", "--quiet")
        return cache[variant]

    yield get
    for net, *_ in cache.values():
        net.stop()


def _counts(crawled, period: str) -> tuple[dict, dict]:
    net, data, cfg, memo = crawled
    key = ("counts", period)
    if key not in memo:
        memo[key] = counts_json(data, cfg, *PERIODS[period])
    return memo[key], net.truth(resolved=memo["resolved"])[period]


def _timeliness(crawled) -> tuple[set, set]:
    net, data, cfg, memo = crawled
    if "timeliness" not in memo:
        out = patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
        memo["timeliness"] = {
            (f["kind"], f["site"], f["url"], f.get("days"), f.get("limit"))
            for f in json.loads(out)["findings"]
        }
    return memo["timeliness"], net.truth(resolved=memo["resolved"])["timeliness_2013_01_07"]


@pytest.mark.parametrize("variant,site,period", _params(COUNT_XFAIL, periods=True))
def test_site_counts(crawls, variant, site, period):
    got, want = _counts(crawls(variant), period)
    gs = next((s for s in got["sites"] if s["id"] == site), {"items": None, "tier": None, "columns": []})
    ws = next(s for s in want["sites"] if s["id"] == site)
    gcols = {c["url"]: c for c in gs["columns"]}
    wcols = {c["url"]: c for c in ws["columns"]}
    problems = []
    if (gs["items"], gs["tier"]) != (ws["items"], ws["tier"]):
        problems.append(f"site items/tier got {(gs['items'], gs['tier'])} want {(ws['items'], ws['tier'])}")
    for url in sorted(set(gcols) | set(wcols)):
        g, w = gcols.get(url), wcols.get(url)
        if g is None:
            problems.append(f"MISSING column {w['name']} {url} want {column_key(w)[1:]}")
        elif w is None:
            problems.append(f"EXTRA column {g['name']} {url} got {column_key(g)[1:]}")
        elif column_key(g) != column_key(w):
            problems.append(f"column {w['name']} {url} got {column_key(g)[1:]} want {column_key(w)[1:]}")
    print("\n".join(problems))
    assert not problems


@pytest.mark.parametrize("variant,site,period", _params(TIMELINESS_XFAIL, periods=False))
def test_site_timeliness(crawls, variant, site, period):
    got, want = _timeliness(crawls(variant))
    got = {f for f in got if f[1] == site}
    want = {f for f in want if f[1] == site}
    for f in sorted(want - got, key=str):
        print("MISSING", f)
    for f in sorted(got - want, key=str):
        print("EXTRA  ", f)
    assert got == want


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(
            v, marks=[pytest.mark.xfail(strict=True, reason=WHOLE_XFAIL[v])] if v in WHOLE_XFAIL else []
        )
        for v in ("configured", "resolved")
    ],
)
@pytest.mark.parametrize("period", list(PERIODS))
def test_whole_network_counts(crawls, variant, period):
    got, want = _counts(crawls(variant), period)
    assert_counts_equal(got, want)
