"""crawler.store.PatrolStore on its own: the index classifies rows, the flush writes them in bulk,
nothing is written before a flush, and a later patrol's index sees exactly what was flushed."""

from __future__ import annotations

from datetime import date

import pytest

from config.patrolconf import parse
from crawler import store
from crawler.extract.listpage import Entry
from crawler.items import DetailPage
from crawler.models import Column, Item, Listing, Page, PatrolRun, Site, SiteFinding, Snapshot

CONF = """
sites:
  - {id: a, name: 某局, tier: department, url: "http://a.example.cn/", scope: ["http://a.example.cn/"]}
crawl: {}
"""


@pytest.fixture
def conf():
    return parse(CONF)


def _store(conf) -> tuple[store.PatrolStore, PatrolRun]:
    run = PatrolRun.objects.create()
    sites = store.sync_sites(conf)
    return store.PatrolStore(run, conf, sites), run


def _entry(n: int, day: date | None = date(2026, 3, 1), title: str | None = None, pinned=False, url=None):
    return Entry(
        url or f"http://a.example.cn/gk/{n}.html", title or f"关于第{n}件事的通知", day, None, pinned
    )


def _walk(st: store.PatrolStore, conf, column: str, pages: list[list[Entry]]) -> list[store.PageOutcome]:
    col, changed = st.note_column("a", column, "通知公告", "通知公告", None, "generic")
    st.apply_column(col, changed)
    out = []
    for i, entries in enumerate(pages):
        last = i == len(pages) - 1
        plan = st.plan_list_page(
            conf.sites[0], column, entries, last_page=last, next_page="" if last else "x"
        )
        st.apply_list_page("a", plan)
        out.append(plan.outcome)
    return out


@pytest.mark.django_db
def test_nothing_is_written_before_the_flush_and_everything_after(conf):
    st, run = _store(conf)
    outcomes = _walk(st, conf, "http://a.example.cn/gk/", [[_entry(1), _entry(2)], [_entry(3)]])
    assert [o.new for o in outcomes] == [2, 1]
    assert outcomes[0].to_fetch == ["http://a.example.cn/gk/1.html", "http://a.example.cn/gk/2.html"]
    assert Item.objects.count() == 0 and Column.objects.count() == 0  # only queued
    st.flush()
    col = Column.objects.get()
    assert col.walk_complete and col.items_listed == 3 and col.last_seen_run == run
    assert Listing.objects.filter(column=col, last_seen_run=run).count() == 3
    assert set(Item.objects.values_list("needs_detail", flat=True)) == {True}


@pytest.mark.django_db
def test_a_second_patrol_knows_flushed_rows_changed_rows_and_drops_rows_gone(conf):
    st, _ = _store(conf)
    _walk(st, conf, "http://a.example.cn/gk/", [[_entry(1), _entry(2), _entry(3)]])
    st.flush()
    st2, run2 = _store(conf)
    assert sorted(st2.index("a").pending_details())[0].endswith("1.html")  # details never fetched
    changed = _entry(2, title="关于第2件事的通知（更正）")
    [outcome] = _walk(st2, conf, "http://a.example.cn/gk/", [[_entry(1), changed, _entry(4)]])
    assert (outcome.new, outcome.changed, outcome.known) == (1, 1, 1)
    st2.flush()
    urls = set(Listing.objects.values_list("item__url", flat=True))
    assert urls == {f"http://a.example.cn/gk/{n}.html" for n in (1, 2, 4)}  # 3 is gone from the column
    assert Item.objects.get(url__endswith="/2.html").title.endswith("（更正）")
    assert Column.objects.get().items_listed == 3


@pytest.mark.django_db
def test_a_walk_with_a_missing_page_keeps_the_rows_it_could_not_see(conf):
    st, _ = _store(conf)
    _walk(st, conf, "http://a.example.cn/gk/", [[_entry(1), _entry(2)]])
    st.flush()
    st2, _ = _store(conf)
    col, changed = st2.note_column("a", "http://a.example.cn/gk/", "通知公告", "通知公告", None, "")
    st2.apply_column(col, changed)
    plan = st2.plan_list_page(conf.sites[0], col.url, [_entry(1)], last_page=True, keep_unseen=True)
    st2.apply_list_page("a", plan)
    st2.flush()
    assert Listing.objects.count() == 2


@pytest.mark.django_db
def test_pinned_rows_and_rows_listed_twice_on_one_page(conf):
    st, _ = _store(conf)
    e = _entry(1, pinned=True)
    [outcome] = _walk(st, conf, "http://a.example.cn/gk/", [[e, _entry(2), _entry(2)]])
    assert (outcome.new, outcome.pinned, outcome.known) == (1, 1, 1)  # the pinned row is not news
    st.flush()
    assert Listing.objects.count() == 2 and Listing.objects.get(item__url=e.url).pinned


@pytest.mark.django_db
def test_a_detail_page_its_snapshot_and_item_fields_land_in_one_flush(conf, settings, tmp_path):
    settings.DATA_DIR = str(tmp_path)
    st, run = _store(conf)
    _walk(st, conf, "http://a.example.cn/gk/", [[_entry(1, day=None)]])

    class Info:  # the fields parse_detail gives
        publish_date, written_date = date(2026, 2, 27), date(2026, 2, 20)
        index_no, doc_no, publisher, source = "X-1", "某发〔2026〕1号", "某局", ""

    body = "<html><body>正文</body></html>".encode()
    item = DetailPage(
        "a",
        "http://a.example.cn/gk/1.html",
        "http://a.example.cn/gk/1.html",
        200,
        {},
        body,
        "text/html",
        Info(),
    )
    page = st.apply_detail(item)
    st.apply_detail(
        DetailPage(
            "a",
            "http://a.example.cn/gk/1.html",
            "http://a.example.cn/gk/1.html",
            200,
            {},
            body,
            "text/html",
            Info(),
        )
    )
    st.apply_site_finding("a", "unreadable", "http://a.example.cn/x", {"reason": "r"})
    st.apply_site_finding("a", "unreadable", "http://a.example.cn/x", {"reason": "r"})  # kept once
    assert Page.objects.count() == 0
    st.flush()
    row = Item.objects.get()
    assert (row.publish_date, row.date_source, row.doc_no, row.needs_detail) == (
        date(2026, 2, 27),
        "detail",
        "某发〔2026〕1号",
        False,
    )
    assert page.pk is not None and Page.objects.get(pk=page.pk).item == row
    assert Snapshot.objects.count() == 1  # the same bytes twice: one content-addressed row and file
    assert (tmp_path / "snapshots").exists()
    assert SiteFinding.objects.filter(run=run).count() == 1


@pytest.mark.django_db
def test_a_flush_is_a_few_statements_whatever_the_number_of_rows(conf, django_assert_max_num_queries):
    st, _ = _store(conf)
    pages = [[_entry(p * 20 + i) for i in range(20)] for p in range(10)]
    _walk(st, conf, "http://a.example.cn/gk/", pages)
    with django_assert_max_num_queries(12):
        st.flush()
    assert Listing.objects.count() == 200


@pytest.mark.django_db
def test_a_failed_flush_writes_nothing(conf, monkeypatch):
    st, _ = _store(conf)
    _walk(st, conf, "http://a.example.cn/gk/", [[_entry(1), _entry(2)]])

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Listing.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        st.flush()
    assert Item.objects.count() == 0 and Column.objects.count() == 0
    assert Site.objects.count() == 1


def test_a_snapshot_file_is_named_alike_as_a_path_and_as_a_string(settings, tmp_path):
    from crawler import snapshots

    settings.DATA_DIR = tmp_path
    sha = snapshots.write(b"<html>same bytes</html>")
    assert snapshots.file_of(sha) == str(snapshots.path_for(sha))
    assert open(snapshots.file_of(sha), "rb").read() == b"<html>same bytes</html>"


def test_a_snapshot_is_written_once_whoever_made_its_folder(settings, tmp_path):
    import os

    from crawler import snapshots

    settings.DATA_DIR = tmp_path / "fresh"  # not even snapshots/ exists yet
    sha = snapshots.write(b"<html>one</html>")
    path = snapshots.file_of(sha)
    assert open(path, "rb").read() == b"<html>one</html>"
    first = os.stat(path).st_ino
    snapshots._DIRS.clear()  # as in another process: the folder is there, this one never made it
    assert snapshots.write(b"<html>one</html>") == sha
    assert os.stat(path).st_ino == first  # found, not written again
    os.remove(path)  # a folder known to exist, its file gone: written again
    assert snapshots.write(b"<html>one</html>") == sha
    assert open(path, "rb").read() == b"<html>one</html>"
    assert not [n for n in os.listdir(os.path.dirname(path)) if n.endswith(".tmp")]
