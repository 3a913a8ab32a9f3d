"""A supervisor's path through the inspection dashboard in Chromium: the site summary (vetoes
first), one site's findings from its row, a level chosen in the filter form, the next page of
findings with the filters kept, another as_of date, and every site's identity marks.

A hostile finding (markup in its reason, a ``javascript:`` URL) is added to the demo patrol's own
latest run of one site, as the crawl records findings; screenshots land in
test-artifacts/screenshots/ (inspection-board-*.png).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

from web.roles import SUPERVISOR

HOSTILE = "<img src=x onerror=alert(7)>"
SEED = r"""
import json, sys
import django
django.setup()
from crawler import sitefindings
from crawler.models import Site, SiteFinding
hostile = sys.argv[1]
site = next(s for s in Site.objects.order_by("-site_id") if sitefindings.last_run(s) is not None)
run = sitefindings.last_run(site)
SiteFinding.objects.get_or_create(
    run=run, site=site, kind="unreadable", url="javascript:alert(8)",
    defaults={"detail": {"reason": "栏目" + hostile + "无法读取"}},
)
for i in range(60):  # enough deductions of one site for a second page
    SiteFinding.objects.get_or_create(
        run=run, site=site, kind="offsite_redirect", url=site.url.rstrip("/") + f"/board-seed/{i:02d}.html",
        defaults={"detail": {"target": f"http://elsewhere.example.com/{i}"}},
    )
print(json.dumps({"site": site.site_id, "name": site.name}))
"""


def _seed(app_server) -> dict:
    env = {
        **os.environ,
        "PATROL_DATA": str(app_server.data),
        "PATROL_CONFIG": str(app_server.config),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", SEED, HOSTILE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def test_supervisor_works_through_the_dashboard(browser_page, app_server, users, login, shot, dialogs):
    seeded = _seed(app_server)
    page = browser_page
    login(page, *users[SUPERVISOR])
    with page.expect_navigation():
        page.click("header nav a:has-text('检查指标')")

    # 1. the summary: one row per site, vetoes first, then the rest
    rows = page.locator("table#site-summary tbody tr")
    vetoes = [r.get_attribute("class") or "" for r in rows.all()]
    assert len(vetoes) >= 2
    flags = ["bad" in c for c in vetoes]
    assert flags == sorted(flags, reverse=True)  # every veto before every other site
    assert page.locator("table#finding-list tbody tr").count() <= 50
    shot(page, "inspection-board-summary")

    # 2. the seeded site's name leads to its findings, with its identity marks on top
    row = page.locator(f"table#site-summary tbody tr[data-site='{seeded['site']}']")
    with page.expect_navigation():
        row.locator("td:first-child a").click()
    assert _query(page)["site"] == seeded["site"]
    card = page.locator("table.selected-site")
    assert seeded["name"] in card.inner_text() and "网站标识码" in card.inner_text()
    sites = page.locator("table#finding-list tbody tr td:first-child").all_inner_texts()
    assert sites and set(sites) == {seeded["name"]}
    # 3. a level chosen in the form; the site stays chosen
    page.select_option("#id_level", "deduct")
    with page.expect_navigation():
        page.click("#inspection-filters button[type=submit]")
    q = _query(page)
    assert q["site"] == seeded["site"] and q["level"] == "deduct"
    levels = page.locator("table#finding-list tbody tr td:nth-child(2)").all_inner_texts()
    assert levels and set(levels) == {"扣分"}
    pager = page.inner_text("nav.pager")
    pages = int(pager.split("/", 1)[1].split("页", 1)[0])
    assert pager.startswith("第 1 /") and pages >= 2  # 60 seeded deductions: more than one page
    assert len(levels) == 50

    # 4. the next page keeps the filters
    with page.expect_navigation():
        page.click("nav.pager a:has-text('下一页')")
    q = _query(page)
    assert (q["site"], q["level"], q["page"]) == (seeded["site"], "deduct", "2")
    assert f"第 2 / {pages} 页" in page.inner_text("nav.pager")
    assert set(page.locator("table#finding-list tbody tr td:first-child").all_inner_texts()) == {
        seeded["name"]
    }
    shot(page, "inspection-board-site-deduct-page2")

    # 5. one kind: the hostile finding's reason and URL are text, never markup or a link
    page.select_option("#id_kind", "unreadable")
    with page.expect_navigation():
        page.click("#inspection-filters button[type=submit]")
    assert "page" not in _query(page) and _query(page)["kind"] == "unreadable"
    hostile = page.locator("table#finding-list tbody tr", has_text="javascript:alert(8)")
    assert HOSTILE in hostile.inner_text()  # shown as text
    assert hostile.locator("a").count() == 0  # a javascript: URL is never a link
    assert page.locator("table#finding-list img").count() == 0
    shown = page.locator("table#finding-list tbody tr").count()
    assert f"（{shown}）" in page.locator("#id_kind option[value=unreadable]").inner_text()  # its count

    # 6. identity marks of every site: a value or why there is none, never an empty cell
    ident = page.locator("table#identity-list tbody tr")
    assert ident.count() == rows.count()
    for cell in page.locator("table#identity-list tbody td.ident").all():
        assert cell.inner_text().strip()
    assert page.locator("table#identity-list td.ident-found").count() > 0

    # 7. another as_of date: the heading says so and the filters stay
    page.fill("#id_as_of", "2026-01-05")
    with page.expect_navigation():
        page.click("#inspection-filters button[type=submit]")
    assert "截至 2026-01-05" in page.inner_text("h1")
    assert _query(page)["site"] == seeded["site"]
    assert dialogs == []
    page.goto(app_server.url + "/reports/inspection/")
    shot(page, "inspection-board-top", full_page=False)


def test_dashboard_fits_a_phone(browser_page, app_server, users, login, shot):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, *users[SUPERVISOR])
    page.goto(app_server.url + "/reports/inspection/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard is {width}px wide at a 390px viewport"
    assert page.locator("#id_site").is_visible() and page.locator("table#site-summary").is_visible()
    shot(page, "mobile-390-supervisor-inspection", full_page=False)
