"""Annual 主动公开 statistics and the report renderers (table, JSON, XLSX, printable HTML)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date

import pytest

from reports.rules import load_rules
from tests.crawl_helpers import patrol

D = date
CHROMIUM = "/usr/bin/chromium"
SEED = (
    "2012年度，在政府信息公开平台累计主动公开政府信息3625条。其中，县政府及县直部门主动公开的公文类信息有1985条，"
    "各镇、各部门主动公开的政府信息有1640条。目前，历年累计主动公开政府信息共10482条。"
)


def test_paragraph_words_it_as_the_seed_report():
    from reports.annual import paragraph

    assert (
        paragraph({"year": 2012, "total": 3625, "document": 1985, "other": 1640, "cumulative": 10482}) == SEED
    )


# --------------------------------------------------------------------------- hand-built rows


@pytest.fixture
def store(db):
    from crawler.models import Column, Item, Listing, Site

    class Store:
        n = 0

        def site(self, sid, tier, name=None):
            return Site.objects.create(
                site_id=sid,
                name=name or sid,
                tier=tier,
                url=f"http://{sid}.test/",
                scope=[f"http://{sid}.test/"],
            )

        def column(self, site, name):
            Store.n += 1
            return Column.objects.create(site=site, url=f"{site.url}c{Store.n}/", name=name)

        def list(self, col, published, url=None, title="标题"):
            Store.n += 1
            item, _ = Item.objects.get_or_create(
                site=col.site,
                url=url or f"{col.site.url}a{Store.n}.html",
                defaults={"title": title, "publish_date": published},
            )
            Listing.objects.create(column=col, item=item, title=title)
            return item

    return Store()


def test_annual_counts_distinct_urls_per_site_document_split_and_cumulative(store):
    from reports.annual import annual

    county = store.site("county", "county")
    dept = store.site("dept", "department")
    town = store.site("town", "town")
    wj, gfx, dt = (
        store.column(county, "县政府文件"),
        store.column(county, "规范性文件"),
        store.column(county, "政务要闻"),
    )
    shared = store.list(wj, D(2012, 5, 1))
    store.list(gfx, D(2012, 5, 1), url=shared.url)  # cross-listed in two regulation columns: once
    store.list(gfx, D(2012, 6, 1))
    store.list(dt, D(2012, 7, 1))
    store.list(dt, None)  # undated: outside every figure
    store.list(dt, D(2011, 3, 1))  # cumulative only
    store.list(dt, D(2013, 1, 2))  # next year: nowhere
    store.list(store.column(dept, "政策法规"), D(2012, 2, 1))
    store.list(
        store.column(town, "政策文件"), D(2012, 2, 1)
    )  # a town's documents are not 公文类 of the county
    store.list(store.column(town, "工作动态"), D(2012, 12, 31))
    data = annual(2012, load_rules())
    assert (data["total"], data["document"], data["other"], data["cumulative"]) == (6, 3, 3, 7)
    assert data["by_tier"] == {"county": 3, "department": 1, "town": 2}
    assert data["by_category"]["regulation"] == 4 and data["by_category"]["dynamics"] == 2
    assert sum(data["by_category"].values()) == data["total"]
    assert data["paragraph"].startswith("2012年度，在政府信息公开平台累计主动公开政府信息6条。")


def test_renderers_escape_untrusted_names_and_load_nothing(store, tmp_path):
    from reports import render_annual, render_counts, render_timeliness
    from reports.annual import annual
    from reports.counts import counts
    from reports.timeliness import evaluate

    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    site = store.site("evil", "town", name=evil + "镇")
    col = store.column(site, evil + "动态")
    store.list(col, D(2012, 1, 5), title=evil)
    rules = load_rules()
    pages = [
        render_annual.html_page(annual(2012, rules), rules),
        render_counts.html_page(counts(D(2012, 1, 1), D(2012, 12, 31), rules), rules),
        render_timeliness.html_page(evaluate(D(2013, 1, 7), rules), rules),
    ]
    for page in pages:
        assert "<script" not in page and "<img" not in page
        assert "&lt;script&gt;" in page
        # self-contained: no external resource, no script; the SVG namespace is not a fetch
        tags = re.findall(r"<[A-Za-z][^>]*>", page)
        assert not [t for t in tags if re.search(r"\s(src|href)\s*=|^<(link|iframe|object|embed)\b", t)]
        style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
        assert "@import" not in style and "url(" not in style
        assert "Noto Sans CJK SC" in page and "<svg" in page


# --------------------------------------------------------------------------- the demo network


def _annual_json(data, cfg, year="2012"):
    return json.loads(patrol(data, cfg, "report", "annual", "--year", year, "--format", "json").stdout)


@pytest.mark.xdist_group("crawl")
def test_demo_annual_equals_the_truth(crawled_small, tmp_path):
    net, data, cfg = crawled_small
    want = net.truth()["annual_2012"]
    got = _annual_json(data, cfg)
    assert {k: got[k] for k in want} == want
    assert got["paragraph"] == (
        f"2012年度，在政府信息公开平台累计主动公开政府信息{want['total']}条。其中，县政府及县直部门主动公开的公文类信息有"
        f"{want['document']}条，各镇、各部门主动公开的政府信息有{want['other']}条。目前，历年累计主动公开政府信息共"
        f"{want['cumulative']}条。"
    )
    table = patrol(data, cfg, "report", "annual", "--year", "2012").stdout
    assert got["paragraph"] in table and "按层级" in table and "按类别" in table and "法规文件" in table

    from openpyxl import load_workbook

    for report, args, sheets in [
        ("annual", ["--year", "2012"], ["主动公开情况", "按层级", "按类别", "单位排名"]),
        ("counts", ["--year", "2012"], ["单位汇总", "栏目明细", "层级汇总"]),
    ]:
        path = tmp_path / f"{report}.xlsx"
        patrol(data, cfg, "report", report, *args, "--format", "xlsx", "-o", str(path))
        wb = load_workbook(path)
        assert wb.sheetnames == sheets
        for ws in wb.worksheets:
            assert ws.freeze_panes == "A2" and all(c.font.b for c in ws[1])
    ranking = load_workbook(tmp_path / "annual.xlsx")["单位排名"]
    assert [c.value for c in ranking[1]][:4] == ["名次", "单位", "层级", "本年度"]
    assert ranking.max_row == 1 + len(got["sites"]) == 1 + len(net.truth()["sites"])
    assert ranking["A2"].value == 1 and ranking["D2"].value == max(s["items"] for s in got["sites"])


@pytest.mark.xdist_group("crawl")
@pytest.mark.skipif(
    not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed (scripts/sysdeps.sh installs it)"
)
def test_html_reports_render_in_headless_chromium(crawled_small, tmp_path):
    net, data, cfg = crawled_small
    for report, args in [
        ("annual", ["--year", "2012"]),
        ("timeliness", ["--as-of", "2013-01-07"]),
        ("counts", ["--year", "2012"]),
    ]:
        page = tmp_path / f"{report}.html"
        patrol(data, cfg, "report", report, *args, "--format", "html", "-o", str(page))
        text = page.read_text(encoding="utf-8")
        assert "<svg" in text and "<script" not in text and 'charset="utf-8"' in text
        png = tmp_path / f"{report}.png"
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / ('profile-' + report)}",
                f"--screenshot={png}",
                "--window-size=1200,1600",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert png.exists(), f"no screenshot of the {report} report"
        assert png.stat().st_size > 20_000, f"{report} screenshot looks blank ({png.stat().st_size} bytes)"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    annual_html = (tmp_path / "annual.html").read_text(encoding="utf-8")
    assert "二、主动公开政府信息情况" in annual_html and "按层级" in annual_html and "法规文件" in annual_html
