"""crawler.revalidate.RevalidateMiddleware on its own: validators out, a 304 answered from the
stored snapshot, and a 304 without a readable copy asked again unconditionally."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler import snapshots
from crawler.revalidate import FLAG, RevalidateMiddleware

URL = "http://a.example.cn/zwgk/"
BODY = "<html><body>栏目</body></html>".encode("gbk")


@pytest.fixture
def mw(settings, tmp_path):
    settings.DATA_DIR = str(tmp_path)
    m = RevalidateMiddleware(get_crawler())
    m.crawler.stats.open_spider()
    sha = snapshots.write(BODY)
    headers = {
        "ETag": '"v1"',
        "Last-Modified": "Mon, 02 Mar 2026 08:00:00 GMT",
        "Content-Type": "text/html; charset=gbk",
    }
    m.stored = {URL: {"headers": headers, "sha256": sha}}
    return m


def test_a_structural_request_carries_the_stored_validators(mw):
    req = Request(URL, meta={"revalidate": True})
    assert mw.process_request(req) is None
    assert req.headers[b"If-None-Match"] == b'"v1"'
    assert req.headers[b"If-Modified-Since"] == b"Mon, 02 Mar 2026 08:00:00 GMT"
    assert req.headers[b"Cache-Control"] == b"max-age=0"


def test_other_requests_and_a_full_patrol_send_no_validators(mw):
    plain = Request(URL)
    mw.process_request(plain)
    assert b"If-None-Match" not in plain.headers
    mw.full = True
    full = Request(URL, meta={"revalidate": True})
    mw.process_request(full)
    assert b"If-None-Match" not in full.headers
    unknown = Request("http://a.example.cn/other/", meta={"revalidate": True})
    mw.full = False
    mw.process_request(unknown)
    assert b"If-None-Match" not in unknown.headers


def test_a_304_becomes_the_stored_copy_flagged(mw):
    req = Request(URL, meta={"revalidate": True})
    got = mw.process_response(req, Response(URL, status=304, request=req))
    assert got.status == 200 and FLAG in got.flags
    assert got.body == BODY
    assert got.headers[b"Content-Type"] == b"text/html; charset=gbk"
    assert mw.crawler.stats.get_value("revalidate/not_modified") == 1


def test_a_200_passes_untouched(mw):
    req = Request(URL, meta={"revalidate": True})
    fresh = HtmlResponse(URL, status=200, body=b"<html>new</html>", request=req)
    assert mw.process_response(req, fresh) is fresh


def test_a_304_without_a_readable_copy_is_asked_again_without_validators(mw):
    snapshots.path_for(mw.stored[URL]["sha256"]).unlink()
    req = Request(URL, meta={"revalidate": True}, headers={"If-None-Match": '"v1"'})
    again = mw.process_response(req, Response(URL, status=304, request=req))
    assert isinstance(again, Request)
    assert b"If-None-Match" not in again.headers and again.dont_filter
    assert again.meta["revalidate"] is False
    assert mw.process_request(again) is None and b"If-None-Match" not in again.headers


def test_unchanged_is_a_304_or_the_stored_bytes_sent_again_and_copy_reads_the_stored_fetch(mw):
    req = Request(URL, meta={"revalidate": True})
    assert mw.unchanged(mw.process_response(req, Response(URL, status=304, request=req)))
    assert mw.unchanged(HtmlResponse(URL, status=200, body=BODY, request=req))  # no validators sent
    assert not mw.unchanged(HtmlResponse(URL, status=200, body=BODY + b" ", request=req))
    assert not mw.unchanged(HtmlResponse("http://a.example.cn/other/", status=200, body=BODY))
    status, headers, body = mw.copy(URL)
    assert (status, body, headers["ETag"]) == (200, BODY, '"v1"')
    assert mw.copy("http://a.example.cn/other/") is None
    sheet = "http://a.example.cn/css/gone.css"  # a stylesheet that is gone: kept without bytes
    mw.stored[sheet] = {"headers": {}, "sha256": None, "status": 404}
    assert mw.copy(sheet) == (404, {}, b"")
    gone = Request(sheet, meta={"revalidate": True})
    mw.process_request(gone)
    assert b"If-None-Match" not in gone.headers and b"Cache-Control" not in gone.headers
    assert not mw.unchanged(Response(sheet, status=404, request=gone))
