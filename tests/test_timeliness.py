"""Timeliness: the official working-day calendar, the rules on hand-built rows, the demo's truth."""

from __future__ import annotations

import json
from datetime import date

import pytest

from reports.rules import load_rules
from reports.workdays import count_working_days, covered, is_workday, working_days_between
from tests.crawl_helpers import patrol

D = date
AS_OF = D(2013, 1, 7)


# --------------------------------------------------------------------------- working days


def test_spring_festival_2012_holidays_and_adjusted_weekends():
    assert not any(is_workday(D(2012, 1, day)) for day in range(22, 29))  # 除夕 … 初六 off
    assert is_workday(D(2012, 1, 21))  # Saturday, 调休 worked
    assert is_workday(D(2012, 1, 29))  # Sunday, 调休 worked
    assert not is_workday(D(2012, 2, 4))  # an ordinary Saturday
    # formed Wed 18 Jan, published Wed 8 Feb: 21 calendar days, 12 working days
    assert working_days_between(D(2012, 1, 18), D(2012, 2, 8)) == 12


def test_national_day_and_mid_autumn_2012():
    assert not is_workday(D(2012, 9, 30))
    assert not any(is_workday(D(2012, 10, day)) for day in range(1, 8))
    assert is_workday(D(2012, 9, 29))  # Saturday, 调休 worked
    assert is_workday(D(2012, 10, 8))
    # formed 20 Sep, published 16 Oct: 26 calendar days, 14 working days
    assert working_days_between(D(2012, 9, 20), D(2012, 10, 16)) == 14


def test_exactly_twenty_and_twenty_one_working_days():
    formed = D(2012, 3, 1)  # Thursday; no holiday in March 2012
    assert working_days_between(formed, D(2012, 3, 29)) == 20
    assert working_days_between(formed, D(2012, 3, 30)) == 21
    # Saturday 31 March 2012 was a 调休 working day before 清明
    assert working_days_between(formed, D(2012, 3, 31)) == 22


def test_convention_formed_day_excluded_publish_day_included():
    assert working_days_between(D(2012, 3, 1), D(2012, 3, 1)) == 0
    assert working_days_between(D(2012, 3, 2), D(2012, 3, 5)) == 1  # Friday → Monday
    assert working_days_between(D(2012, 3, 5), D(2012, 3, 2)) == 0  # published before formed
    assert working_days_between(D(2012, 3, 2), D(2012, 3, 4)) == 0  # weekend only


def test_years_outside_the_calendar_fall_back_to_weekdays_and_say_so():
    assert covered(D(2012, 1, 1)) and not covered(D(2099, 1, 1))
    assert not is_workday(D(2099, 1, 3))  # a Saturday
    assert is_workday(D(2099, 1, 5))  # a Monday, not known to be a holiday
    count = count_working_days(D(2099, 1, 2), D(2099, 1, 9))  # Fri → next Fri
    assert (count.days, count.approximate) == (5, True)
    assert not count_working_days(D(2012, 3, 1), D(2012, 3, 30)).approximate


# --------------------------------------------------------------------------- rules on hand-built rows


@pytest.fixture
def store(db):
    from crawler.models import Column, Item, Listing, Site

    class Store:
        def __init__(self):
            self.n = 0

        def site(self, sid="s1", tier="county", home=None, name="测试县人民政府"):
            return Site.objects.create(
                site_id=sid,
                name=name,
                tier=tier,
                url=f"http://{sid}.test/",
                scope=[f"http://{sid}.test/"],
                homepage_last_published=home,
            )

        def column(self, site, name, empty=False):
            self.n += 1
            return Column.objects.create(site=site, url=f"{site.url}col{self.n}/", name=name, empty=empty)

        def item(
            self,
            col,
            published,
            pinned=False,
            written=None,
            status=200,
            soft_404=False,
            external=False,
            url=None,
        ):
            self.n += 1
            item, _ = Item.objects.get_or_create(
                site=col.site,
                url=url or f"{col.site.url}art/{self.n}.html",
                defaults=dict(
                    title=f"信息{self.n}",
                    publish_date=published,
                    written_date=written,
                    detail_status=None if external else status,
                    soft_404=soft_404,
                    external=external,
                    needs_detail=False,
                ),
            )
            Listing.objects.create(column=col, item=item, title=item.title, row_date=published, pinned=pinned)
            return item

    return Store()


def _eval(as_of=AS_OF, conf=None):
    from reports.timeliness import evaluate

    return evaluate(as_of, load_rules(), conf)


def _keys(data, kind=None):
    return {
        (f["kind"], f["url"], f["days"], f["limit"]) for f in data["findings"] if kind in (None, f["kind"])
    }


def test_pinned_old_item_on_top_does_not_make_a_stale_column_fresh(store):
    site = store.site()
    col = store.column(site, "工作动态")
    store.item(col, D(2010, 5, 1), pinned=True)  # on top of the list, old
    store.item(col, D(2012, 11, 30))
    assert _keys(_eval(), "stale_column") == {("stale_column", col.url, 38, 14)}


def test_pinned_item_counts_by_its_own_date(store):
    site = store.site()
    col = store.column(site, "通知公告")
    store.item(col, D(2012, 12, 20), pinned=True)  # pinned, and really new
    store.item(col, D(2011, 1, 4))
    assert _keys(_eval(), "stale_column") == set()


def test_undated_items_are_not_updates_and_are_reported(store):
    site = store.site()
    col = store.column(site, "工作动态")
    store.item(col, D(2012, 12, 1))
    undated = store.item(col, None)  # sits on top of the list, no date anywhere
    store.item(col, None, external=True)  # 转载: never fetched, its date cannot be checked
    store.item(col, None, status=None)  # detail page not fetched yet: not judged yet
    never = store.column(site, "政策文件")
    only_undated = store.item(never, None)
    data = _eval()
    assert _keys(data, "stale_column") == {
        ("stale_column", col.url, 37, 14),
        ("stale_column", never.url, None, 180),
    }
    assert _keys(data, "undated_item") == {
        ("undated_item", undated.url, None, None),
        ("undated_item", only_undated.url, None, None),
    }


def test_as_of_in_the_past_ignores_later_items(store):
    site = store.site(home=D(2012, 12, 31))
    col = store.column(site, "部门动态")
    store.item(col, D(2012, 6, 1))
    store.item(col, D(2012, 12, 30), written=D(2012, 10, 1))  # late, but published after the as-of date
    store.item(col, D(2012, 12, 28), status=404)  # dead, published after the as-of date
    future_only = store.column(site, "人事信息")
    store.item(future_only, D(2012, 9, 1))
    past = _eval(D(2012, 7, 1))
    assert _keys(past) == {("stale_column", col.url, 30, 14), ("empty_column", future_only.url, None, None)}
    now = _eval()
    assert _keys(now, "stale_column") == set()
    assert {f["kind"] for f in now["findings"]} == {"late_publication", "dead_link"}


def test_empty_columns_other_kind_and_overrides(store):
    from config.patrolconf import parse

    site = store.site()
    empty = store.column(site, "应急管理", empty=True)
    other = store.column(site, "便民服务")  # kind other: counted, never judged
    store.item(other, D(2009, 1, 5))
    as_other = store.column(site, "乡镇动态")
    store.item(as_other, D(2011, 1, 5))
    skipped = store.column(site, "图片新闻")
    store.item(skipped, D(2011, 1, 5), status=404)
    data = _eval()
    assert ("empty_column", empty.url, None, None) in _keys(data)
    assert not [f for f in data["findings"] if f["url"] == other.url]
    conf = parse(f"""
sites:
  - id: s1
    name: 测试县人民政府
    tier: county
    url: http://s1.test/
    columns:
      乡镇动态: {{kind: other}}
      {skipped.url}: {{skip: true}}
crawl: {{}}
""")
    data = _eval(conf=conf)
    assert _keys(data) == {("empty_column", empty.url, None, None)}


def test_stale_homepage(store):
    site = store.site(home=D(2012, 12, 1))
    assert _keys(_eval(), "stale_homepage") == {("stale_homepage", site.url, 37, 14)}
    assert _keys(_eval(D(2012, 12, 15))) == set()  # 14 days: not older than the window
    assert _keys(_eval(D(2012, 11, 1))) == set()  # the homepage's state then is unknown


def test_late_publication_at_the_limit_dead_links_and_approximate_calendar(store):
    site = store.site()
    col = store.column(site, "县政府文件")
    on_time = store.item(col, D(2012, 3, 29), written=D(2012, 3, 1))  # 20 working days
    late = store.item(col, D(2012, 3, 30), written=D(2012, 3, 1))  # 21
    dead = store.item(col, D(2012, 12, 20), status=404)
    soft = store.item(col, None, soft_404=True)  # dead, so not also undated
    data = _eval()
    assert _keys(data, "late_publication") == {("late_publication", late.url, 21, 20)}
    assert _keys(data, "dead_link") == {
        ("dead_link", dead.url, None, None),
        ("dead_link", soft.url, None, None),
    }
    assert not _keys(data, "undated_item")
    assert on_time.url not in {f["url"] for f in data["findings"]}
    future = store.item(col, D(2099, 3, 2), written=D(2099, 1, 1))
    far = [f for f in _eval(D(2099, 12, 31))["findings"] if f["url"] == future.url]
    assert far and far[0]["kind"] == "late_publication" and far[0]["calendar"] == "approximate"


def test_veto_summary_uses_the_thresholds(store):
    site = store.site()
    for i in range(5):
        store.item(store.column(site, f"动态{i}"), D(2012, 10, 1))
    for i in range(5):
        store.column(site, f"空白{i}", empty=True)
    calm = store.site("s2", tier="town", name="某镇人民政府")
    store.item(store.column(calm, "工作动态"), D(2013, 1, 4))
    data = _eval()
    veto = {v["site"]: v for v in data["veto"]}
    assert veto["s1"]["vetoed"] and set(veto["s1"]["reasons"]) == {
        "stale_dynamic_notice_columns",
        "empty_columns",
    }
    assert (veto["s1"]["stale_columns"], veto["s1"]["empty_columns"]) == (5, 5)
    assert not veto["s2"]["vetoed"] and veto["s2"]["reasons"] == []
    assert data == _eval()  # deterministic
    kinds = [f["kind"] for f in data["findings"]]
    assert kinds == sorted(kinds, key=["stale_column", "empty_column"].index)


# --------------------------------------------------------------------------- the demo network


@pytest.mark.xdist_group("crawl")
def test_demo_timeliness_matches_the_planted_truth_exactly(crawled_small, tmp_path):
    net, data, cfg = crawled_small
    out = patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json")
    got = json.loads(out.stdout)
    want = net.truth()["timeliness_2013_01_07"]
    assert got["as_of"] == want["as_of"] == "2013-01-07"

    def key(f):
        return f["kind"], f["site"], f["url"], f["days"], f["limit"]

    got_set, want_set = {key(f) for f in got["findings"]}, {key(f) for f in want["findings"]}
    assert len(got_set) == len(got["findings"]), "duplicate findings"
    assert not got_set - want_set, f"extra: {sorted(got_set - want_set, key=str)}"
    assert not want_set - got_set, f"missing: {sorted(want_set - got_set, key=str)}"
    assert {f["kind"] for f in want["findings"]} == {
        "stale_column",
        "empty_column",
        "stale_homepage",
        "late_publication",
        "undated_item",
        "dead_link",
    }
    assert {v["site"] for v in got["veto"]} == {s["id"] for s in net.truth()["sites"]}
    assert {v["site"] for v in got["veto"] if v["stale_homepage"]} == {
        f["site"] for f in want["findings"] if f["kind"] == "stale_homepage"
    }

    table = patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07").stdout
    assert "栏目不更新" in table and "单项否决" in table

    xlsx = tmp_path / "t.xlsx"
    patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "xlsx", "-o", str(xlsx))
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames == [
        "单项否决汇总",
        "单位排名",
        "首页不更新",
        "栏目不更新",
        "空白栏目",
        "发布超期",
        "未注明发布时间",
        "链接失效",
    ]
    assert wb["单位排名"].freeze_panes == "A2" and wb["单位排名"]["A1"].font.b
    assert wb["栏目不更新"].max_row == 1 + sum(1 for f in want["findings"] if f["kind"] == "stale_column")
