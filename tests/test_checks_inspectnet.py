"""The pure inspection checks on the pages of tests/inspectnet, judged like the report judges them,
equal the network's truth (no crawl: pages are read from the network's table; the lead's end-to-end
test compares ``report inspection --format json`` with the same truth)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest

from inspection.checks import (
    check_watch,
    check_wording,
    consult_links,
    hidden_links,
    interaction_links,
    judge_message,
    load_watch,
    load_wording,
    missing_identity,
    parse_message_list,
    parse_message_page,
    site_identity,
    stylesheet_urls,
)
from inspection.checks.dom import parse, text_of
from tests.inspectnet.network import AS_OF, HERE, IPS, NAMES, InspectNetwork

LEVEL = {"serious": "veto", "normal": "warning"}


@pytest.fixture(scope="module")
def net():
    n = InspectNetwork()
    n.port = 8  # pages only: nothing is served
    n.build()
    return n


def _in_scope(net, site):
    base = net.base(site) + "/"
    return lambda u: u.startswith(base)


def _text_and_date(html):
    root = parse(html)
    body = root.find("body")
    text = text_of(body if body is not None else root)
    date = None
    info = root.find(".//div[@class='info']")
    if info is not None:
        date = dt.date.fromisoformat(text_of(info).split("：")[1][:10])
    return text, date


def _judge(net) -> list[dict]:
    as_of = dt.date.fromisoformat(AS_OF)
    lex = load_wording([HERE / "wording.yaml"])
    watch = load_watch([HERE / "watch.yaml"])
    out: list[dict] = []
    for site, ip in IPS.items():
        base = net.base(site)
        home = net.page(site, "/")
        missing = missing_identity(site_identity(base + "/", home))
        if missing:
            out.append(
                {"kind": "missing_identity", "level": "deduct", "site": site, "url": "/", "missing": missing}
            )
        sheets = {}
        for u in stylesheet_urls(base + "/", home):
            path = urlsplit(u).path
            if u.startswith(base) and (ip, path) in net.pages:
                sheets[u] = net.pages[(ip, path)][2]
        for h in hidden_links(base + "/", home, sheets, _in_scope(net, site)):
            target = h.target.replace(net.outside, "{outside}")
            out.append(
                {
                    "kind": "hidden_link",
                    "level": "veto",
                    "site": site,
                    "url": "/",
                    "target": target,
                    "how": h.how,
                }
            )
        for (pip, path), (_st, headers, html) in sorted(net.pages.items()):
            if pip != ip or "html" not in headers["Content-Type"]:
                continue
            text, published = _text_and_date(html)
            for h in check_wording(text, lex):
                out.append({"kind": "wording_error", "level": LEVEL[h.severity], "site": site, "url": path,
                            "text": h.text, "suggestion": h.suggestion})  # fmt: skip
            for h in check_watch(text, published, watch):
                out.append(
                    {"kind": "watch_name", "level": "warning", "site": site, "url": path, "text": h.text}
                )
        # 互动交流: the section linked from the homepage, its 政务咨询 columns, every list page, each message
        cols = []
        for section in interaction_links(base + "/", home):
            cols += [u for _n, u in consult_links(section, net.page(site, urlsplit(section).path))]
        for col in cols:
            url, rows = col, []
            while url:
                page = parse_message_list(url, net.page(site, urlsplit(url).path))
                rows += page.rows
                url = page.next_url if page.next_url and page.next_url != url else None
                if url and urlsplit(url).path in {urlsplit(r.url).path for r in rows}:
                    break
            for r in rows:
                detail = parse_message_page(r.url, net.page(site, urlsplit(r.url).path))
                asked = r.asked or detail.asked
                replied = r.replied or detail.replied
                state = r.state or detail.state
                v = judge_message(asked, replied, state, as_of)
                if v is None:
                    continue
                f = {"kind": v.kind, "site": site, "url": urlsplit(r.url).path, "column": urlsplit(col).path,
                     "asked": asked.isoformat()}  # fmt: skip
                if v.kind == "unanswered_message":
                    f.update(level="veto", days=v.days)
                else:
                    f.update(level="warning", replied=replied.isoformat(), workdays=v.workdays)
                out.append(f)
    return out


def _key(f: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in f.items()))


def test_pure_checks_equal_the_network_truth(net):
    expected = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))["findings"]
    got = _judge(net)
    assert sorted(map(_key, got)) == sorted(map(_key, expected))


def test_truth_site_vetoes_follow_the_findings():
    data = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
    for s in data["sites"]:
        kinds = sorted({f["kind"] for f in data["findings"] if f["site"] == s["id"] and f["level"] == "veto"})
        assert s["reasons"] == kinds and s["veto"] == bool(kinds)
        assert s["name"] == NAMES[s["id"]]


def test_truth_resolves_to_absolute_urls(net):
    t = net.truth()
    assert all(f["url"].startswith("http://127.0.0.14") for f in t["findings"])
    assert any(f.get("target", "").startswith(net.outside) for f in t["findings"])


def test_network_serves_its_pages_and_logs_the_outside(tmp_path):
    import urllib.request

    n = InspectNetwork().start()
    try:
        for site in IPS:
            with urllib.request.urlopen(n.base(site) + "/", timeout=5) as r:
                assert r.status == 200 and NAMES[site] in r.read().decode("utf-8")
        with urllib.request.urlopen(n.base("hx") + "/css/main.css", timeout=5) as r:
            assert r.headers["Content-Type"].startswith("text/css")
        assert n.outside_requests == []
        conf = n.write_config(tmp_path / "patrol.yaml")
        assert (tmp_path / "wording.yaml").is_file() and (tmp_path / "watch.yaml").is_file()
        assert "inspection" in conf.read_text(encoding="utf-8")
        assert all(f["url"].startswith(n.base(f["site"])) for f in n.truth()["findings"])
    finally:
        n.stop()
