"""Scopes are compared on parsed URLs (ARCHITECTURE.md), and the scope guard drops what lies outside."""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from config.patrolconf import ConfigError, SiteConf, parse, site_for_url
from crawler.scope import (
    ByteCheckedMetaRefreshMiddleware,
    RefreshHeaderMiddleware,
    ScopeGuard,
    owner,
    parse_refresh,
)
from crawler.urls import in_scope, scope_match

SCOPE = "http://www.example.gov.cn/a/b"


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.gov.cn/a/b",
        "http://www.example.gov.cn/a/b/",
        "http://www.example.gov.cn/a/b/c/d.html?x=1#f",
        "https://www.example.gov.cn/a/b/c",  # sites move to https
        "http://www.example.gov.cn:80/a/b/c",
        "https://www.example.gov.cn:443/a/b/c",
        "HTTP://WWW.EXAMPLE.GOV.CN/a/b/c",
        "http://www.example.gov.cn./a/b/c",  # fully qualified host name
        "//www.example.gov.cn/a/b/c",  # protocol-relative
        "  http://www.example.gov.cn/a/b/c\n",
        "http://www.example.gov.cn/a/%62/c",  # %62 = b
        "http://www.example.gov.cn/a//b/c",
        "http://www.example.gov.cn/a/./b/c",
        "http://www.example.gov.cn/a/b/x/../c",
        "http://www.example.gov.cn/a/b/c\\d.pdf",  # a backslash inside the scope stays inside
    ],
)
def test_inside(url):
    assert scope_match(url, SCOPE) == 2
    assert in_scope(url, [SCOPE])


@pytest.mark.parametrize(
    "url",
    [
        "http://www.example.gov.cn/a/bc",  # sibling path, not a whole segment
        "http://www.example.gov.cn/a/b-old/x",
        "http://www.example.gov.cn/a",
        "http://www.example.gov.cn/A/B/c",  # paths are case-sensitive
        "http://www.example.gov.cn:8080/a/b/c",  # another port
        "http://www.example.gov.cn:443/a/b/c",  # http on port 443 is not the default port
        "http://example.gov.cn/a/b/c",
        "http://www.example.gov.cn.evil.example/a/b/c",
        "http://www.example.gov.cn@evil.example/a/b/c",  # userinfo
        "http://www.example.gov.cn:80@evil.example/a/b/c",
        "http://user:pw@www.example.gov.cn/a/b/c",  # userinfo never matches, even on the right host
        "http://evil.example\\@www.example.gov.cn/a/b/c",
        "http://www.example.gov.cn%2F@evil.example/a/b/",
        "http://www.example.gov.cn/a/b/../c",
        "http://www.example.gov.cn/a/b/%2e%2e/c",
        "http://www.example.gov.cn/a/b/%2E%2E%2Fc",
        "http://www.example.gov.cn/a/b/%252e%252e/c",  # double-encoded
        "http://www.example.gov.cn/a/b\\..\\c",
        "http://www.example.gov.cn/%252e/a/b/c",  # a server that does not decode sees /%252e/
        "http://www.example.gov.cn/a/b%5c..%5cc",
        "http://www.example.gov.cn/a/b/..;/c",  # Tomcat path parameter
        "http://www.example.gov.cn/a/b;x/../../c",
        "ftp://www.example.gov.cn/a/b/c",
        "javascript:location.href='http://www.example.gov.cn/a/b/'",
        "mailto:x@www.example.gov.cn",
        "/a/b/c",
        "http:///a/b/c",
        "http://www.example.gov.cn../a/b/c",
        "http://www.example.gov.cn:99999/a/b/c",
        "http://www.example.gov.cn:80:80/a/b/c",
        "",
    ],
)
def test_outside(url):
    assert scope_match(url, SCOPE) == -1
    assert not in_scope(url, [SCOPE])


def test_trailing_slash_and_host_only_scopes():
    assert scope_match("http://h.gov.cn/a/b/c", "http://h.gov.cn/a/b/") == 2
    assert scope_match("http://h.gov.cn/a/bc", "http://h.gov.cn/a/b/") == -1
    assert scope_match("http://h.gov.cn/x", "http://h.gov.cn") == 0
    assert scope_match("http://h.gov.cn:80@evil.example/", "http://h.gov.cn:80") == -1
    # a scope naming the folder's index file stands for the folder
    assert scope_match("http://h.gov.cn/bm/fgj/art/1.html", "http://h.gov.cn/bm/fgj/index.html") == 2
    assert scope_match("http://h.gov.cn/bm/other/", "http://h.gov.cn/bm/fgj/index.html") == -1


def test_idna_and_percent_encoded_unicode_paths():
    assert scope_match("http://例子.中国/x", "http://xn--fsqu00a.xn--fiqs8s/") == 0
    assert scope_match("http://XN--FSQU00A.xn--fiqs8s/x", "http://例子.中国") == 0
    assert scope_match("http://h.gov.cn/%E9%83%A8%E9%97%A8/1.html", "http://h.gov.cn/部门/") == 1
    assert scope_match("http://h.gov.cn/部门x/1.html", "http://h.gov.cn/部门/") == -1


def conf_sites() -> list[SiteConf]:
    return [
        SiteConf("county", "县政府", "county", "http://h.gov.cn/", ["http://h.gov.cn"]),
        SiteConf("fgj", "发改局", "department", "http://h.gov.cn/bm/fgj/", ["http://h.gov.cn/bm/fgj"]),
        SiteConf(
            "jtj", "交通局", "department", "http://jt.gov.cn/", ["https://jt.gov.cn/", "http://h.gov.cn/jt"]
        ),
    ]


def test_longest_scope_wins_by_segments():
    sites = conf_sites()
    assert site_for_url(sites, "http://h.gov.cn/bm/fgj/1.html").id == "fgj"
    assert site_for_url(sites, "http://h.gov.cn/bm/fgjx/1.html").id == "county"  # not a string prefix
    assert site_for_url(sites, "https://h.gov.cn/jt/1.html").id == "jtj"
    assert site_for_url(sites, "http://jt.gov.cn/x").id == "jtj"
    assert site_for_url(sites, "http://h.gov.cn@jt.gov.cn/x") is None
    assert site_for_url(sites, "http://h.gov.cn.evil.example/") is None
    assert owner({s.id: s.scope for s in sites}, "http://h.gov.cn/bm/fgj/") == "fgj"


def test_equal_scopes_go_to_the_first_site_and_each_list_has_its_own_index():
    a = SiteConf("a", "甲", "town", "http://h.gov.cn/x/", ["http://h.gov.cn/x"])
    b = SiteConf("b", "乙", "town", "https://h.gov.cn/x/", ["https://h.gov.cn/x/"])
    assert site_for_url([a, b], "http://h.gov.cn/x/1.html").id == "a"
    assert site_for_url([b, a], "http://h.gov.cn/x/1.html").id == "b"
    assert site_for_url([b], "http://h.gov.cn/y/1.html") is None


segment = st.text(alphabet="abcxyz019-_.%~", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))


@given(st.lists(segment, min_size=0, max_size=3), st.lists(segment, min_size=0, max_size=3), segment)
def test_prefix_by_whole_segments(scope_segs, rest, sibling):
    """A URL below the scope matches; a sibling segment that merely starts with the last one never does."""
    scope = "http://h.gov.cn/" + "/".join(scope_segs)
    below = scope.rstrip("/") + "/" + "/".join(rest)
    if "%" not in "".join(scope_segs + rest):
        assert scope_match(below, scope) == len(scope_segs)
    if scope_segs and not sibling.startswith("/"):
        sib = "http://h.gov.cn/" + "/".join([*scope_segs[:-1], scope_segs[-1] + sibling])
        assert scope_match(sib, scope) == -1 or "%" in sibling + scope_segs[-1]


@given(st.text(min_size=0, max_size=40))
def test_nothing_with_userinfo_ever_matches(tail):
    url = f"http://h.gov.cn@evil.example/{tail}"
    assert scope_match(url, "http://h.gov.cn") == -1
    assert scope_match(url, "http://evil.example") == -1


BASE = """\
sites:
  - id: county
    name: 县政府
    tier: county
    url: http://h.gov.cn/
    scope:
      - http://h.gov.cn/
      - {bad}
crawl:
  delay_seconds: 0
"""


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("h.gov.cn/bm/", "absolute http(s) URL"),
        ("/bm/fgj/", "absolute http(s) URL"),
        ("ftp://h.gov.cn/", "absolute http(s) URL"),
        ("http://user:pw@h.gov.cn/", "user info"),
        ("http://h.gov.cn:99999/", "invalid port"),
        ("http://h..gov.cn/", "invalid host"),
        ("123", "expected a URL"),
    ],
)
def test_bad_scope_entry_names_its_line(bad, words):
    with pytest.raises(ConfigError) as err:
        parse(BASE.format(bad=bad), "patrol.yaml")
    assert str(err.value).startswith("patrol.yaml:8: sites[0].scope[1]: ")
    assert words in str(err.value)


def test_homepage_with_userinfo_is_refused():
    with pytest.raises(ConfigError, match=r"patrol.yaml:5: sites\[0\].url: .*user info"):
        parse(
            BASE.format(bad="http://h.gov.cn/x/").replace("url: http://h", "url: http://a@h"), "patrol.yaml"
        )


def test_homepage_and_entry_must_lie_in_the_sites_scope():
    text = BASE.format(bad="http://h.gov.cn/x/").replace("      - http://h.gov.cn/\n", "")
    with pytest.raises(ConfigError, match=r"patrol.yaml:5: sites\[0\].url: .*outside the site's scope"):
        parse(text, "patrol.yaml")
    entry = BASE.format(bad="http://h.gov.cn/x/").replace(
        "    scope:", "    entry: http://h.gov.cnx/\n    scope:"
    )
    with pytest.raises(ConfigError, match=r"patrol.yaml:6: sites\[0\].entry: .*outside"):
        parse(entry, "patrol.yaml")
    assert (
        parse(BASE.format(bad="http://h.gov.cn/x/"), "patrol.yaml").sites[0].scope[1] == "http://h.gov.cn/x/"
    )


# -- the guard -----------------------------------------------------------------------------------
class _Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


def guard(spider=None) -> ScopeGuard:
    crawler = SimpleNamespace(stats=_Stats(), spider=spider or SimpleNamespace())
    return ScopeGuard(crawler, {"county": ["http://h.gov.cn/county"], "town": ["http://t.gov.cn"]})


def test_guard_lets_in_scope_requests_and_robots_of_scope_hosts_through():
    g = guard()
    for url in (
        "http://h.gov.cn/county/",
        "https://h.gov.cn/county/a.html",
        "http://t.gov.cn/x",
        "http://h.gov.cn/robots.txt",
    ):
        assert g.process_request(Request(url)) is None
    assert g.stats.values == {}


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/robots.txt",  # robots of an outside host
        "http://h.gov.cn/countyx/",
        "http://h.gov.cn/other/robots.txt",
        "http://h.gov.cn/robots.txt?x=1",
        "http://t.gov.cn:8080/robots.txt",
        "http://t.gov.cn:80@evil.example/",
        "http://h.gov.cn/county/../other/",
    ],
)
def test_guard_drops_and_counts(url):
    g = guard()
    with pytest.raises(IgnoreRequest):
        g.process_request(Request(url))
    assert g.stats.values == {"scope/dropped": 1}
    assert g.dropped == [Request(url).url]


def test_guard_records_the_in_scope_page_a_redirect_left(monkeypatch):
    recorded = []
    monkeypatch.setattr("crawler.sitefindings.record", lambda *a, **kw: recorded.append((a, kw)))
    site = object()
    spider = SimpleNamespace(run="RUN", state={"county": SimpleNamespace(site=site)})
    g = guard(spider)
    chain = ["http://h.gov.cn/county/a.html", "http://h.gov.cn/county/b.html"]
    req = Request(
        "http://evil.example/x",
        meta={"redirect_urls": chain, "redirect_reasons": [302, 307], "site": "county"},
    )
    with pytest.raises(IgnoreRequest):
        g.process_request(req)
    assert recorded == [
        (
            ("RUN", site, "offsite_redirect"),
            {"url": "http://h.gov.cn/county/b.html", "target": "http://evil.example/x", "how": "307"},
        )
    ]
    assert g.stats.values == {"scope/dropped": 1, "scope/dropped_redirects": 1}
    # a request the spider itself made (no redirect) is dropped without a finding
    with pytest.raises(IgnoreRequest):
        g.process_request(Request("http://evil.example/y", meta={"site": "county"}))
    assert len(recorded) == 1


def test_guard_without_scopes_drops_everything():
    g = ScopeGuard(SimpleNamespace(stats=_Stats(), spider=None), {})
    with pytest.raises(IgnoreRequest):
        g.process_request(Request("http://h.gov.cn/"))


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("0; url=http://x.example/", (0.0, "http://x.example/")),
        ("5;URL='/a/b.html'", (5.0, "/a/b.html")),
        ('0,url="b.html"', (0.0, "b.html")),
        ("1.5; URL = c.html ", (1.5, "c.html")),
        ("30", None),
        ("", None),
    ],
)
def test_parse_refresh(value, want):
    assert parse_refresh(value) == want


def test_refresh_header_becomes_a_redirect():
    settings = Settings({"METAREFRESH_ENABLED": True, "METAREFRESH_MAXDELAY": 100, "REDIRECT_MAX_TIMES": 20})
    mw = RefreshHeaderMiddleware(settings)
    mw.crawler = SimpleNamespace(spider=None)
    req = Request("http://h.gov.cn/county/a.html")
    resp = HtmlResponse(
        req.url, body=b"<html></html>", headers={"Refresh": "0; url=http://evil.example/x"}, request=req
    )
    out = mw.process_response(req, resp)
    assert isinstance(out, Request)
    assert out.url == "http://evil.example/x"
    assert out.meta["redirect_urls"] == [req.url]
    assert out.meta["redirect_reasons"] == ["refresh header"]
    slow = HtmlResponse(req.url, body=b"", headers={"Refresh": "600; url=/x"}, request=req)
    assert mw.process_response(req, slow) is slow
    itself = HtmlResponse(req.url, body=b"", headers={"Refresh": "5; url=a.html"}, request=req)
    assert mw.process_response(req, itself) is itself
    back = Request("http://h.gov.cn/county/b.html", meta={"redirect_urls": ["http://h.gov.cn/county/a.html"]})
    loop = HtmlResponse(back.url, body=b"", headers={"Refresh": "0; url=a.html"}, request=back)
    assert mw.process_response(back, loop) is loop


def _meta_refresh_pair():
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware

    settings = Settings({"METAREFRESH_ENABLED": True, "METAREFRESH_MAXDELAY": 100, "REDIRECT_MAX_TIMES": 20})
    ours, scrapys = ByteCheckedMetaRefreshMiddleware(settings), MetaRefreshMiddleware(settings)
    ours.crawler = scrapys.crawler = SimpleNamespace(spider=None)
    return ours, scrapys


def _decision(out, response):
    return "kept" if out is response else (type(out).__name__, getattr(out, "url", None))


@pytest.mark.parametrize(
    "body, headers",
    [
        (b'<html><head><meta http-equiv="Refresh" content="0; url=/xxgk/"></head></html>', {}),
        ('<html><head><meta http-equiv="refresh" content="0;url=/xxgk/"></head></html>'.encode("utf-16"), {}),
        (
            '<html><head><meta http-equiv="refresh" content="0;url=/xxgk/"></head></html>'.encode(
                "utf-16-le"
            ),
            {"Content-Type": "text/html; charset=UTF-16LE"},
        ),
        ("<html><head><title>首页</title></head><body>政务公开</body></html>".encode("gbk"), {}),
    ],
    ids=["ascii-refresh", "utf16-bom-refresh", "utf16-header-refresh", "gbk-none"],
)
def test_byte_checked_meta_refresh_decides_like_scrapys(body, headers):
    ours, scrapys = _meta_refresh_pair()
    req = Request("http://h.gov.cn/county/index.html")
    a = HtmlResponse(req.url, body=body, headers=headers, request=req)
    b = HtmlResponse(req.url, body=body, headers=headers, request=req)
    assert _decision(ours.process_response(req, a), a) == _decision(scrapys.process_response(req, b), b)
    if b"r\x00e\x00f" not in body and b"refresh" not in body.lower():
        assert a._cached_ubody is None  # ruled out in the bytes: never decoded


def test_byte_checked_meta_refresh_skips_decoding_pages_without_one():
    ours, _ = _meta_refresh_pair()
    req = Request("http://h.gov.cn/county/a.html")
    page = HtmlResponse(req.url, body="<html><body>通知公告</body></html>".encode("gbk"), request=req)
    assert ours.process_response(req, page) is page and page._cached_ubody is None
    refresh = HtmlResponse(req.url, body=b'<meta http-equiv="refresh" content="0;url=b.html">', request=req)
    out = ours.process_response(req, refresh)
    assert isinstance(out, Request) and out.url == "http://h.gov.cn/county/b.html"
    assert out.meta["redirect_reasons"] == ["meta refresh"]


def test_byte_checked_meta_refresh_agrees_with_scrapy_on_every_real_page(shared_dir):
    import json

    real = shared_dir / "real-pages"
    entries = json.loads((real / "manifest.json").read_text())
    assert len(entries) == 39
    ours, scrapys = _meta_refresh_pair()
    for entry in entries:
        body = (real / entry["file"]).read_bytes()
        req = Request(entry["original_url"] or "http://www.example.gov.cn/xxgk/index.html")
        a = HtmlResponse(req.url, body=body, request=req)
        b = HtmlResponse(req.url, body=body, request=req)
        got, want = ours.process_response(req, a), scrapys.process_response(req, b)
        assert _decision(got, a) == _decision(want, b), entry["file"]


_PIECES = st.sampled_from(
    [
        "h.gov.cn",
        "evil.example",
        "@",
        ":",
        "80",
        "8080",
        "/",
        "\\",
        "%40",
        "%2f",
        "..",
        ".",
        "a",
        "?",
        "#",
        " ",
        ";",
        "\t",
        "\n",
        "[",
        "]",
        "%00",
        "h．gov．cn",  # full-width dots: IDNA reads them as dots
        "\u0430",  # Cyrillic a
    ]
)


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "//", "http:/", "http:\\\\"]),
    st.lists(_PIECES, max_size=6),
    st.lists(_PIECES, max_size=6),
    st.lists(_PIECES, max_size=6),
)
def test_the_guard_and_the_downloader_agree_on_the_host(prefix, before, after, tail):
    """Whatever the guard admits, Scrapy's downloader connects to the scope's host and port."""
    from scrapy.utils.httpobj import urlparse_cached

    url = prefix + "".join(before) + "h.gov.cn" + "".join(after) + "/a/" + "".join(tail)
    if scope_match(url, "http://h.gov.cn/a") < 0:
        return
    try:
        parts = urlparse_cached(Request("http:" + url if url.startswith("//") else url))
    except ValueError:
        return
    assert parts.hostname in ("h.gov.cn", "h.gov.cn.")
    assert parts.port in (None, 80, 443)
    assert "@" not in parts.netloc


_PATH_PIECES = st.sampled_from(
    [
        "a",
        "b",
        "ab",
        "/",
        "//",
        "\\",
        "..",
        ".",
        "%2e",
        "%2E%2e",
        "%2f",
        "%5c",
        "%252e",
        "%25",
        ";",
        ";x",
        "%20",
        "a;",
        "..;",
    ]
)


def _under_a(path: str) -> bool:
    path = "/" + posixpath.normpath(path).lstrip("/") if path else "/"
    return path == "/a" or path.startswith("/a/")


@given(st.lists(_PATH_PIECES, max_size=4), st.lists(_PATH_PIECES, max_size=6))
def test_whatever_the_guard_admits_every_server_reading_of_the_path_is_inside(before, after):
    """The path Scrapy sends, read raw, decoded once or twice, with backslashes as slashes or path
    parameters dropped, then dot-normalised as servers do, lies under the scope's path."""
    from scrapy.utils.httpobj import urlparse_cached

    url = "http://h.gov.cn/" + "".join(before) + "a/" + "".join(after)
    if scope_match(url, "http://h.gov.cn/a") < 0:
        return
    path = urlparse_cached(Request(url)).path
    once, twice = unquote(path), unquote(unquote(path))
    readings = [path, once, twice, path.replace("\\", "/"), once.replace("\\", "/")]
    readings.append("/".join(seg.split(";")[0] for seg in once.split("/")))
    assert all(_under_a(r) for r in readings), (url, path)


def test_the_patrols_scrapy_components_leave_out_what_it_switched_off(tmp_path):
    """A crawl process builds its components from scrapy_settings: the ones the patrol switches
    off (cookies, remote control, telnet) are not listed at all, so Scrapy never imports them
    (aiohttp, tldextract); the scope guard and Scrapy's own kept components are built."""
    code = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        import django

        django.setup()
        from scrapy.utils.test import get_crawler
        from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
        from scrapy.extension import ExtensionManager
        from config.patrolconf import load
        from crawler.runner import scrapy_settings

        settings = scrapy_settings(load(Path("config/patrol.yaml")))
        crawler = get_crawler(settings_dict=settings)
        mws = DownloaderMiddlewareManager.from_crawler(crawler).middlewares
        exts = ExtensionManager.from_crawler(crawler).middlewares
        names = [type(m).__module__ + "." + type(m).__name__ for m in [*mws, *exts]]
        print(json.dumps({"names": names, "modules": sorted(m for m in ("aiohttp", "tldextract") if m in sys.modules)}))
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PATROL_DATA": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        check=True,
    ).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got["modules"] == []
    names = got["names"]
    assert "crawler.scope.ScopeGuard" in names and "crawler.revalidate.RevalidateMiddleware" in names
    assert "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware" in names
    assert "scrapy.extensions.corestats.CoreStats" in names
    assert not any("Cookies" in n or "RemoteControl" in n or "Telnet" in n for n in names)
