"""crawler.extract on every real government page in ../shared/real-pages (hand-checked manifest).

The pages are read in place (never copied into the project). A page with no recorded URL is read
at the URL its ``original_url_hint`` names when the hint holds one, else at a stand-in column URL.

Every list page: its items (title, resolved href, date, pinned) in page order, and the pager facts
the manifest states (page_count, total_records, next_page). A row whose href is script-driven
(``javascript:;``) is still an item; its URL is the synthetic one the contract gives it (the
column URL plus its title and date, ``script_item_url``). Every detail page: publish date, 成文日期,
索引号, 文号, source and title, wherever ``field_locations`` says they are (a title or a signature
line included).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from crawler.extract import (
    column_candidates,
    decode_html,
    find_disclosure_entry,
    homepage_latest,
    page_links,
    parse_detail,
    parse_list,
    script_item_url,
)

SHARED = Path(os.environ.get("PATROL_SHARED") or Path(__file__).resolve().parents[2] / "shared")
REAL = SHARED / "real-pages"
STAND_IN_URL = "http://www.example.gov.cn/xxgk/xxgknb/"  # page 005 has no original URL

pytestmark = pytest.mark.skipif(
    not (REAL / "manifest.json").exists(), reason="shared real pages not available"
)


def _manifest() -> list[dict]:
    if not (REAL / "manifest.json").exists():
        return []
    return json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))


def _pages(kind: str) -> list[dict]:
    return [p for p in _manifest() if p["kind"] == kind]


def _url(page: dict) -> str:
    if page.get("original_url"):
        return page["original_url"]
    hint = re.search(r"https?://[^\s()]+", page.get("original_url_hint") or "")
    return hint.group(0) if hint else STAND_IN_URL


def _want_items(page: dict, url: str) -> list[tuple]:
    """(title, absolute URL, ISO date, pinned) per manifest item; a script-driven href gets the
    synthetic URL, numbered per repeat of the same (title, date) on the page."""
    pinned = {urljoin(url, h) for h in page.get("pinned") or []}
    out, repeats = [], {}
    for item in page["items"]:
        href = item["href"]
        if re.match(r"\s*javascript:", href, re.I):
            key = (item["title"], item["date"])
            repeats[key] = repeats.get(key, 0) + 1
            date = dt.date.fromisoformat(item["date"]) if item["date"] else None
            full = script_item_url(url, item["title"], date, repeats[key])
        else:
            full = urljoin(url, href)
        out.append((item["title"], full, item["date"], bool(item.get("pinned")) or full in pinned))
    return out


def _stated_next(page: dict) -> str | None:
    """The next page's href when the manifest states one (its first word, a file name)."""
    m = re.match(r"([\w.\-]+\.[A-Za-z]+)\b", page.get("next_page") or "")
    return m.group(1) if m else None


def _next_is_postback(page: dict) -> bool:
    return "__doPostBack" in (page.get("next_page") or "")


def _html(page: dict) -> str:
    return decode_html((REAL / page["file"]).read_bytes())


def _iso(d):
    return d.isoformat() if d else None


@pytest.mark.parametrize("page", _pages("list"), ids=lambda p: p["file"])
def test_list_entries_equal_manifest_items(page):
    url = _url(page)
    lp = parse_list(url, _html(page))
    got = [(e.title, e.url, _iso(e.date), e.pinned) for e in lp.entries]
    assert got == _want_items(page, url)
    assert not lp.empty
    assert all(e.partial is None for e in lp.entries)


@pytest.mark.parametrize("page", [p for p in _pages("list") if p.get("page_count")], ids=lambda p: p["file"])
def test_list_pager_facts(page):
    url = _url(page)
    lp = parse_list(url, _html(page))
    assert lp.total_pages == page["page_count"]
    if page.get("total_records") is not None:
        assert lp.total_records == page["total_records"]
    stated = _stated_next(page)
    if stated is not None:
        assert lp.next_url == urljoin(url, stated)
    elif page["page_count"] == 1 or "next_page" in page and page["next_page"] is None:
        assert lp.next_url is None
    if _next_is_postback(page):
        assert lp.next_url is None  # a form post, never a GET URL
    if lp.pages:  # when the pager tells every page: page 1 first, this page included, one URL each
        assert len(lp.pages) == page["page_count"]
        assert lp.pages[0] == url
        assert len(set(lp.pages)) == len(lp.pages)
        if len(lp.pages) > 1 and not lp.post:
            assert lp.next_url == lp.pages[1]


def test_pager_numbering_per_cms():
    by_file = {p["file"]: p for p in _manifest()}
    empire = parse_list(_url(by_file["pages/001.html"]), _html(by_file["pages/001.html"]))
    assert empire.pages[1].endswith("/gsgg/index_2.html") and empire.pages[-1].endswith("/gsgg/index_23.html")
    trs = parse_list(STAND_IN_URL, _html(by_file["pages/005.html"]))
    assert trs.profile == "trs"
    assert trs.pages == [STAND_IN_URL, STAND_IN_URL + "index_1.html"]
    hybrid = parse_list(_url(by_file["pages/010.html"]), _html(by_file["pages/010.html"]))
    assert len(hybrid.entries) == 75  # static blocks only; the avalon template list adds none
    assert hybrid.column_name == "工作进展情况"


@pytest.mark.parametrize("page", _pages("detail"), ids=lambda p: p["file"])
def test_detail_fields_match_manifest(page):
    d = parse_detail(_url(page), _html(page))
    fields = ("title", "publish_date", "written_date", "index_no", "doc_no", "source")
    got = {
        "title": d.title,
        "publish_date": _iso(d.publish_date),
        "written_date": _iso(d.written_date),
        "index_no": d.index_no,
        "doc_no": d.doc_no,
        "source": d.source,
    }
    want = {f: page.get(f) for f in fields}
    assert got == want
    if page.get("publish_datetime"):
        assert d.publish_datetime == page["publish_datetime"]
    assert not d.soft_404


def test_detail_traps():
    by_file = {p["file"]: p for p in _manifest()}
    # 007: stale dates in alt attributes are ignored (meta and visible text agree on 2019-09-18)
    assert parse_detail(
        _url(by_file["pages/007.html"]), _html(by_file["pages/007.html"])
    ).publish_date == dt.date(2019, 9, 18)
    # 006: Maketime meta is a generation time
    assert parse_detail(
        _url(by_file["pages/006.html"]), _html(by_file["pages/006.html"])
    ).publish_date == dt.date(2016, 11, 22)
    # 008: date only in firstpublishedtime meta; body text survives a stray </html> mid-page
    d8 = parse_detail(STAND_IN_URL, _html(by_file["pages/008.html"]))
    assert d8.publish_date == dt.date(2007, 8, 20) and "会议决定" in d8.text
    # 013: &ensp;-split labels, values in <font>, 无 means none
    d13 = parse_detail(_url(by_file["pages/013.html"]), _html(by_file["pages/013.html"]))
    assert (d13.index_no, d13.doc_no, d13.publisher) == (
        "PZ00103-2500-2025-00287",
        None,
        "平潭综合实验区经济发展局",
    )


def test_inline_js_column_object_is_not_links():
    page = next(p for p in _manifest() if p["file"] == "pages/013.html")
    html = _html(page)
    script_urls = set(re.findall(r'url:"(https?://[^"]+)"', html))
    assert len(script_urls) > 50
    anchors = {urljoin(_url(page), h) for h in re.findall(r'<a[^>]+href="([^"]+)"', html)}
    only_in_js = script_urls - anchors
    assert only_in_js
    links = {link.url for link in page_links(_url(page), html)}
    assert not links & only_in_js
    assert not {c.url for c in column_candidates(_url(page), html, set())} & only_in_js
    assert not {e.url for e in parse_list(_url(page), html).entries} & only_in_js


def test_homepage():
    page = next(p for p in _manifest() if p["kind"] == "home")
    url, html = _url(page), _html(page)
    # block rows show MM-DD only; the newest is 07-27 (captured 2018-07-27). The reference (the
    # site's newest item date) gives the year, never the day the patrol runs
    assert homepage_latest(url, html, reference=dt.date(2018, 7, 27)) == dt.date(2018, 7, 27)
    assert homepage_latest(url, html, reference=dt.date(2018, 7, 26)) == dt.date(2018, 7, 26)
    assert homepage_latest(url, html, today=dt.date(2018, 7, 27)) is None  # no year evidence
    entry = find_disclosure_entry(url, html)
    assert entry != url
    assert "信息公开" in {link.text for link in page_links(url, html) if link.url == entry}
