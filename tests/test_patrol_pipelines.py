"""crawler.pipelines on their own: items reach the store, bytes reach screening, the findings
are tied to the snapshot they came from, and closing waits until screening is drained."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from scrapy.utils.test import get_crawler

from config.patrolconf import parse
from crawler import store
from crawler.extract.listpage import Entry
from crawler.items import AttachmentFile, ColumnFound, DetailPage, ListPage
from crawler.models import Attachment, Item, Page, PatrolRun
from crawler.pipelines import ScreenPipeline, StorePipeline
from screening.models import Finding

CONF = """
sites:
  - {id: a, name: 某局, tier: department, url: "http://a.example.cn/", scope: ["http://a.example.cn/"]}
crawl: {}
"""
ID_PAGE = (
    "<html><body><div class='content'><p>低保对象 张三 身份证号 11010519491231002X</p></div></body></html>"
)


class Spider:
    def __init__(self, conf):
        self.conf = conf
        run = PatrolRun.objects.create()
        self.store = store.PatrolStore(run, conf, store.sync_sites(conf))
        self.takedown = None

    def closing_items(self):
        return []


@pytest.fixture
def pipes(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = str(tmp_path)
    monkeypatch.setenv("PATROL_SCREEN_WORKERS", "0")  # screen in this process: no reactor here
    monkeypatch.setattr(store, "FLUSH_SECONDS", 3600)  # flushes only when the test closes
    conf = parse(CONF)
    crawler = get_crawler()
    crawler.spider = Spider(conf)
    s, sc = StorePipeline(crawler), ScreenPipeline(crawler)
    s.open_spider()
    sc.open_spider()
    calls = []
    sc._call = lambda f, *a: calls.append((f, a))  # the reactor's callFromThread, run by hand below
    yield crawler.spider, s, sc, calls
    if s._loop is not None and s._loop.running:
        s._loop.stop()


def _close(s, sc):
    """Both pipelines closing at once, as Scrapy closes them (Deferreds, no reactor needed)."""
    from twisted.internet.defer import Deferred, DeferredList

    return DeferredList([Deferred.fromCoroutine(sc.close_spider()), Deferred.fromCoroutine(s.close_spider())])


@pytest.mark.django_db
def test_a_detail_page_is_stored_then_screened_and_its_finding_tied_to_its_snapshot(pipes):
    spider, s, sc, calls = pipes
    conf = spider.conf
    col, fields = spider.store.note_column("a", "http://a.example.cn/gk/", "社会救助", "社会救助", None, "")
    url = "http://a.example.cn/gk/1.html"
    plan = spider.store.plan_list_page(
        conf.sites[0], col.url, [Entry(url, "低保名单公示", date(2026, 3, 1), None, False)], last_page=True
    )
    for item in (ColumnFound("a", col, fields), ListPage("a", col.url, plan)):
        sc.process_item(s.process_item(item))
    detail = DetailPage(
        "a", url, url, 200, {}, ID_PAGE.encode(), "text/html; charset=utf-8", None, screen=True, attachments=1
    )
    sc.process_item(s.process_item(detail))
    att = AttachmentFile(
        "a", url, url, "http://a.example.cn/gk/1.txt", "名单.txt", 200, {}, "无".encode(), "text/plain"
    )
    sc.process_item(s.process_item(att))
    assert sc.pending == 2 and Page.objects.count() == 0  # screened, not yet stored
    closed = _close(s, sc)
    assert not closed.called  # closing waits for the two results
    for f, a in calls:
        f(*a)
    assert closed.called and sc.pending == 0
    page = Page.objects.get(url=url)
    assert page.screen_status == "screened" and page.item == Item.objects.get(url=url)
    finding = Finding.objects.get()
    assert finding.snapshot_id == page.snapshot_id and finding.page == page
    assert "id_number" in finding.kinds
    assert Attachment.objects.get().screen_status == "screened"
    assert spider.store.findings == 1
    assert s.pages == {}  # the page's one attachment came: its row is no longer held


@pytest.mark.django_db
def test_an_attachment_of_a_page_never_stored_is_refused_not_guessed(pipes):
    spider, s, sc, calls = pipes
    att = AttachmentFile(
        "a",
        "http://a.example.cn/x.html",
        "http://a.example.cn/x.html",
        "http://a.example.cn/x.pdf",
        "x.pdf",
        200,
        {},
        b"%PDF-1.4",
    )
    assert s.process_item(att).attachment is None
    assert sc.process_item(att) is att and sc.pending == 0


@pytest.mark.django_db
def test_a_page_keeps_its_attachments_due_until_they_are_stored_or_the_crawl_goes_idle(pipes):
    spider, s, sc, calls = pipes
    url = "http://a.example.cn/gk/2.html"
    due = [["http://a.example.cn/gk/2.txt", "一.txt"], ["http://a.example.cn/gk/3.txt", "二.txt"]]
    detail = DetailPage(
        "a", url, url, 200, {}, b"<p>x</p>", "text/html", None, attachments=2, attachment_urls=due
    )
    s.process_item(detail)
    s.flush()
    assert Page.objects.get(url=url).attachments_due == due  # a crawl killed now leaves both due
    att = AttachmentFile("a", url, url, due[0][0], due[0][1], 200, {}, "无".encode(), "text/plain")
    s.process_item(att)
    s.flush()
    assert Page.objects.get(url=url).attachments_due == due and url in s.pages  # one still to come
    # the next crawl of the site asks for the one not stored
    assert [(p.url, missing) for p, missing in spider.store.attachments_due(["a"])] == [(url, [due[1]])]
    s._idle()  # nothing in flight: the second will never come (a duplicate of another page's)
    s.flush()
    assert Page.objects.get(url=url).attachments_due is None and s.pages == {}
    assert spider.store.attachments_due(["a"]) == []


@pytest.mark.django_db
def test_a_lease_lost_at_the_last_screen_result_still_lets_the_crawl_close(pipes, monkeypatch, caplog):
    """A worker frozen past its lease wakes to its last screening result: the flush it triggers
    finds the unit gone (LeaseLost). The crawl must still close (its close waits for the pool to
    be drained) and nothing is written or raised into the reactor."""
    from crawler.lease import LeaseLost

    spider, s, sc, calls = pipes
    url = "http://a.example.cn/gk/9.html"
    detail = DetailPage(
        "a", url, url, 200, {}, ID_PAGE.encode(), "text/html; charset=utf-8", None, screen=True
    )
    sc.process_item(s.process_item(detail))
    assert sc.pending == 1
    closed = _close(s, sc)
    assert not closed.called

    def fence():
        raise LeaseLost("unit 1 is no longer this worker's")

    spider.store.fence = fence
    monkeypatch.setattr(store, "FLUSH_SECONDS", 0)  # the result's flush is due at once
    for f, a in calls:
        f(*a)  # would raise LeaseLost out of the reactor's call, and leave the close waiting
    assert sc.pending == 0 and closed.called
    assert s.lost and Page.objects.count() == 0 and Finding.objects.count() == 0
    assert "no longer this worker's" in caplog.text


@pytest.mark.django_db
def test_a_lease_lost_at_the_closing_flush_or_a_takedown_check_ends_quietly(pipes, monkeypatch, caplog):
    """The unit goes to another worker while nothing is being screened: the flush of a takedown
    check, and the last flush of the close, find it gone. Neither may raise (Scrapy would print a
    traceback per crawl, "Scraper close failure"), judge, or finish the takedown checks: the
    worker that holds the unit now does all of that."""
    from twisted.internet.defer import Deferred

    from crawler import takedown
    from crawler.items import TakedownCheck
    from crawler.lease import LeaseLost

    spider, s, sc, calls = pipes
    closed = []

    async def close_spider_async(reason):
        closed.append(reason)

    s.crawler.engine = SimpleNamespace(running=True, close_spider_async=close_spider_async)
    url = "http://a.example.cn/gk/8.html"
    s.process_item(DetailPage("a", url, url, 200, {}, b"<p>x</p>", "text/html", None))
    judged, finished = [], []
    monkeypatch.setattr(takedown, "judge", lambda sp, r: judged.append(r))
    monkeypatch.setattr(takedown, "finish", lambda sp: finished.append(sp))
    s.process_item(TakedownCheck("a response"))  # the lease still held: flushed, then judged
    assert judged == ["a response"] and Page.objects.filter(url=url).exists()

    def fence():
        raise LeaseLost("unit 1 is no longer this worker's")

    spider.store.fence = fence
    s.process_item(DetailPage("a", url + "?2", url + "?2", 200, {}, b"<p>y</p>", "text/html", None))
    assert s.process_item(TakedownCheck("another")) is not None  # nothing raised
    assert judged == ["a response"] and s.lost and closed == ["store_failed"]
    closing = Deferred.fromCoroutine(s.close_spider())
    assert closing.called and closing.result is None  # closed without a failure
    assert finished == [] and not Page.objects.filter(url=url + "?2").exists()
    assert caplog.text.count("no longer this worker's") == 1  # said once


def test_scrapy_finds_no_generator_returning_a_value_among_the_spider_callbacks():
    """Scrapy warns on every patrol about a callback that is a generator with ``return value``
    (it reads the source): ``emits`` wraps plain methods that return lists in a generator, and
    the check must read the generator that runs, not the wrapped method."""
    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.spider import PatrolSpider

    names = [n for n in dir(PatrolSpider) if n.startswith("parse") or n == "on_error"]
    assert "on_error" in names and len(names) > 4
    flagged = [n for n in names if is_generator_with_return_value(getattr(PatrolSpider, n))]
    assert flagged == []


@pytest.mark.django_db
def test_attachments_due_after_a_kill_are_looked_up_a_batch_of_pages_per_query(pipes, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spider, s, sc, calls = pipes
    base = "http://a.example.cn/gk/"
    shared = [base + "shared.txt", "共用.txt"]
    due = {
        1: [[base + "a1.txt", "一.txt"], shared],
        2: [shared],
        3: [shared, [base + "a3.txt", "三.txt"]],
        4: [shared],
        5: [[base + "a5.txt", "五.txt"]],
    }
    for n, urls in due.items():
        url = f"{base}{n}.html"
        s.process_item(DetailPage("a", url, url, 200, {}, b"<p>x</p>", "text/html", None, attachments=len(urls), attachment_urls=urls))  # fmt: skip
    s.flush()
    for n, (att_url, name) in ((1, due[1][0]), (2, shared)):  # page 2 stores the shared file
        page_url = f"{base}{n}.html"
        s.process_item(AttachmentFile("a", page_url, page_url, att_url, name, 200, {}, "无".encode(), "text/plain"))  # fmt: skip
    s.flush()
    Page.objects.filter(url=f"{base}4.html").update(run=PatrolRun.objects.create())  # an older run's page
    monkeypatch.setattr(store.PatrolStore, "DUE_BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        got = [(p.url.rsplit("/", 1)[1], missing) for p, missing in spider.store.attachments_due(["a"])]
    # page 1 has its own file and the shared one its run stored for page 2; page 3 the shared
    # one only; page 4's run stored nothing; page 2 has all it asked for and is not due
    assert got == [("1.html", []), ("3.html", [due[3][1]]), ("4.html", [shared]), ("5.html", due[5])]
    assert len(queries) == 1 + 2  # the due pages, then one query per two pages
