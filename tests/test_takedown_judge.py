"""The takedown verdicts one by one (crawler/takedown.py), on fake responses: 410, soft 404,
hit still there (listed → 未整改 with its age; no longer listed → 已核实下架), an answer that
proves nothing (503), and which findings a patrol checks at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from scrapy.http import HtmlResponse, Request

from config.patrolconf import parse
from crawler import takedown
from crawler.models import Column, Item, Listing, Page, Site
from screening.models import Finding

pytestmark = pytest.mark.django_db

CONF = parse(
    "sites:\n"
    "  - {id: jyj, name: 县教育局, tier: department, url: 'https://jyj.example.gov.cn/'}\n"
    "  - {id: nyj, name: 县农业局, tier: department, url: 'https://nyj.example.gov.cn/'}\n"
    "crawl: {delay_seconds: 0}\n"
)
ARTICLE = (
    "<html><head><title>关于会议的通知</title></head><body><h1>关于会议的通知</h1>"
    "<p>发布日期：2025-03-01</p><p>各单位：本通知为内部资料，请妥善保管。会议定于三月五日召开，请准时参加。</p>"
    "<p>特此通知。</p></body></html>"
)
SOFT_404 = "<html><head><title>404 页面不存在</title></head><body><p>抱歉，您访问的页面不存在或已被删除。</p></body></html>"


@dataclass
class FakeSpider:
    conf: object = field(default_factory=lambda: CONF)
    state: dict = field(default_factory=lambda: {"jyj": None})
    counters: dict = field(default_factory=dict)

    def parse_takedown(self, response):  # pragma: no cover - only referenced
        pass

    def on_error(self, failure):  # pragma: no cover - only referenced
        pass


@pytest.fixture
def world():
    jyj = Site.objects.create(
        site_id="jyj", name="县教育局", tier="department", url="https://jyj.example.gov.cn/", scope=[]
    )
    nyj = Site.objects.create(
        site_id="nyj", name="县农业局", tier="department", url="https://nyj.example.gov.cn/", scope=[]
    )
    column = Column.objects.create(site=jyj, url="https://jyj.example.gov.cn/tzgg/", name="通知公告")
    user = get_user_model().objects.create_user("bureau")

    def finding(site, n, status="confirmed", listed=True):
        url = f"{site.url}art/{n}.html"
        item = Item.objects.create(site=site, url=url, title="关于会议的通知", publish_date=date(2025, 3, 1))
        if listed:
            Listing.objects.create(column=column, item=item, title=item.title)
        page = Page.objects.create(site=site, item=item, url=url, status=200)
        f = Finding.objects.create(
            url=url,
            page_url=url,
            page=page,
            severity="medium",
            flagged=True,
            kinds=["internal_marker"],
            hits=[
                {"kind": "internal_marker", "rule": "lexicon:内部资料", "text": "内部资料", "context": "x"}
            ],
        )
        if status != "open":
            f.review(user, "confirmed", "通知整改")
            if status == "removed":
                f.review(user, status, "单位称已下架")
            elif status == "not_fixed":
                f.system_check(status, "仍可访问")
        return f

    return {"jyj": jyj, "nyj": nyj, "finding": finding}


def _response(f: Finding, status: int, body: str = "") -> HtmlResponse:
    request = Request(f.url, meta={"takedown": [f.pk]})
    return HtmlResponse(
        f.url,
        status=status,
        body=body.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )


def _spider() -> FakeSpider:
    spider = FakeSpider()
    spider.takedown = takedown.Pending()
    return spider


def _last(f: Finding):
    return f.reviews.order_by("-at", "-id").first()


def test_which_findings_are_checked(world):
    a = world["finding"](world["jyj"], 1)
    b = world["finding"](world["jyj"], 2, status="removed")
    c = world["finding"](world["jyj"], 3, status="open")
    d = world["finding"](world["nyj"], 4)  # another site: not in this patrol
    spider = FakeSpider()
    requests = takedown.requests(spider)
    assert {r.url for r in requests} == {a.url, b.url}
    assert all(r.callback == spider.parse_takedown and r.dont_filter for r in requests)
    assert c.url not in {r.url for r in requests} and d.url not in {r.url for r in requests}


def test_gone_410(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    f = world["finding"](world["jyj"], 1)
    takedown.judge(_spider(), _response(f, 410))
    f.refresh_from_db()
    assert f.status == "verified_removed" and f.checked_at is not None
    review = _last(f)
    assert review.reviewer is None and review.from_status == "confirmed" and "HTTP 410" in review.note


def test_soft_404(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    f = world["finding"](world["jyj"], 1, status="not_fixed")
    takedown.judge(_spider(), _response(f, 200, SOFT_404))
    f.refresh_from_db()
    assert f.status == "verified_removed" and "软404" in _last(f).note


def test_still_there_and_listed_is_not_fixed_with_its_age(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    f = world["finding"](world["jyj"], 1)
    Finding.objects.filter(pk=f.pk).update(first_confirmed_at=timezone.now() - timedelta(days=12))
    spider = _spider()
    takedown.judge(spider, _response(f, 200, ARTICLE))
    f.refresh_from_db()
    assert f.status == "confirmed"  # judged when the spider closes (the list walk may drop it)
    takedown.finish(spider)
    f.refresh_from_db()
    assert f.status == "not_fixed"
    note = _last(f).note
    assert "仍可访问" in note and "内部资料" in note and "确认后 12 天" in note


def test_still_there_but_no_longer_listed_is_verified(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    f = world["finding"](world["jyj"], 1, listed=False)
    spider = _spider()
    takedown.judge(spider, _response(f, 200, ARTICLE))
    takedown.finish(spider)
    f.refresh_from_db()
    assert f.status == "verified_removed" and "不再列于栏目列表" in _last(f).note


def test_an_error_proves_nothing(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    f = world["finding"](world["jyj"], 1)
    count = f.reviews.count()
    spider = _spider()
    takedown.judge(spider, _response(f, 503, "busy"))
    takedown.finish(spider)
    f.refresh_from_db()
    assert f.status == "confirmed" and f.reviews.count() == count and f.checked_at is None
