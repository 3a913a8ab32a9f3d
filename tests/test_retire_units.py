"""crawler.retire's matching rules on a hand-made store: what links a moved item, what never does."""

from __future__ import annotations

from datetime import date

import pytest

from crawler import retire
from crawler.models import Column, Item, Listing, PatrolRun, Site


def test_path_after_the_old_and_the_new_prefix_match():
    prefixes = {"http://old.example.cn:8080/gk/", "https://new.example.cn/xxgk/"}
    old = retire._suffixes("http://old.example.cn:8080/gk/zcwj/t1.html", prefixes)
    new = retire._suffixes("https://new.example.cn/xxgk/zcwj/t1.html", prefixes)
    assert "zcwj/t1.html" in old & new
    other = retire._suffixes("https://new.example.cn/xxgk/zcwj/t2.html", prefixes)
    assert not old & other


def test_a_failed_tree_node_shields_its_own_subtree_only():
    walk = retire.SiteWalk(site=None, shield=[("http://h/gk/zcwj/", "政策文件")])
    below = Column(url="http://h/gk/zcwj/xzf/", path="政策文件 > 县政府文件")
    itself = Column(url="http://h/gk/zcwj/", path="政策文件")
    beside = Column(url="http://h/gk/zcwjjd/", path="政策文件解读")
    assert walk.shields(below) and walk.shields(itself)
    assert not walk.shields(beside)


def _site(url: str) -> Site:
    return Site.objects.create(site_id="s1", name="某局", tier="department", url=url, scope=[url])


def _item(site, col, url, title, day, run, index_no=""):
    item = Item.objects.create(
        site=site,
        url=url,
        title=title,
        publish_date=day,
        index_no=index_no,
        first_seen_run=run,
        last_seen_run=run,
    )
    Listing.objects.create(column=col, item=item, title=title, first_seen_run=run, last_seen_run=run)
    return item


@pytest.mark.django_db
def test_linking_needs_title_date_and_path_or_index_never_index_alone():
    r1 = PatrolRun.objects.create(status="ok")
    site = _site("http://old.example.cn/")
    old_col = Column.objects.create(
        site=site, url="http://old.example.cn/gk/", name="通知公告", first_seen_run=r1
    )
    same_path = _item(site, old_col, "http://old.example.cn/gk/1.html", "关于A的通知", date(2012, 3, 1), r1)
    by_index = _item(
        site, old_col, "http://old.example.cn/gk/2.html", "关于B的通知", date(2012, 3, 2), r1, "X-1"
    )
    index_only = _item(
        site, old_col, "http://old.example.cn/gk/3.html", "关于C的通知", date(2012, 3, 3), r1, "X-0"
    )
    r2 = PatrolRun.objects.create(status="ok")
    site.url, site.scope = "https://new.example.cn/", ["https://new.example.cn/"]
    site.save()
    new_col = Column.objects.create(
        site=site, url="https://new.example.cn/gk/", name="通知公告", first_seen_run=r2
    )
    old_col.retired_at, old_col.retired_run = r2.started_at, r2
    old_col.save()
    a = _item(site, new_col, "https://new.example.cn/gk/1.html", "关于A的通知", date(2012, 3, 1), r2)
    b = _item(
        site, new_col, "https://new.example.cn/other/9.html", "关于B的通知", date(2012, 3, 2), r2, "X-1"
    )
    # the same 索引号 as an old record but another title: not the same document
    c = _item(
        site, new_col, "https://new.example.cn/other/8.html", "关于D的通知", date(2012, 3, 3), r2, "X-0"
    )
    # same title, another date: not the same document either
    d = _item(site, new_col, "https://new.example.cn/gk/3.html", "关于C的通知", date(2012, 3, 4), r2)

    pairs = retire.link_moved_items(site, r2, recorded={})
    assert sorted(pairs) == sorted([(same_path.pk, a.pk), (by_index.pk, b.pk)])
    for item in (a, b, c, d):
        item.refresh_from_db()
    assert a.moved_from == same_path and a.first_seen_run == r1
    assert b.moved_from == by_index and b.first_seen_run == r1
    assert c.moved_from is None and c.first_seen_run == r2
    assert d.moved_from is None
    assert index_only.pk not in {p[0] for p in pairs}
    # linking again changes nothing
    assert retire.link_moved_items(site, r2, recorded={}) == []
