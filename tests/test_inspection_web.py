"""The inspection dashboard (supervisors, 信息中心) and the 错敏 queue (信息中心 only): roles, CSRF,
decisions recorded with the user, escaping of crawled text, exports through the report registry."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from crawler.models import PatrolRun, Site, SiteFinding
from inspection.models import Probe, WordingDecision
from web.roles import INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR, assign_role

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"


def _client(role: str | None, name: str = "u") -> tuple[Client, object]:
    user = get_user_model().objects.create_user(f"{name}-{role}", password="Patrol-test-passw0rd")
    if role:
        assign_role(user, role)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client, user


@pytest.fixture
def world():
    s = Site.objects.create(site_id="town", name=f"某镇{SCRIPT}", tier="town", url="http://town.x.gov.cn/")
    run = PatrolRun.objects.create(status="ok", sites=["town"])
    page = "http://town.x.gov.cn/a/1.html"
    for kind, url, detail in [
        (
            "wording_error",
            page,
            {
                "text": "中华人名共和国",
                "suggestion": "中华人民共和国",
                "context": f"根据{SCRIPT}中华人名共和国宪法",
                "severity": "serious",
            },
        ),
        (
            "wording_error",
            "http://town.x.gov.cn/a/2.html",
            {"text": "错词", "suggestion": "对词", "context": "", "severity": "normal"},
        ),
        ("watch_name", "http://town.x.gov.cn/a/3.html", {"text": "张某某", "context": "张某某同志出席会议"}),
        ("hidden_link", page, {"target": "http://bet.example.com/", "how": "display:none"}),
    ]:
        SiteFinding.objects.create(run=run, site=s, kind=kind, url=url, detail=detail)
    at = datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    Probe.objects.bulk_create(
        Probe(site=s, at=at - timedelta(minutes=60 * i), ok=i >= 10, failure="" if i >= 10 else "timeout")
        for i in range(150)
    )
    return s


def test_roles_reach_the_pages():
    sup, _ = _client(SUPERVISOR)
    centre, _ = _client(INFO_CENTRE)
    bureau, _ = _client(SECRECY_BUREAU)
    for client in (sup, centre):
        assert client.get(reverse("web:inspection")).status_code == 200
    assert bureau.get(reverse("web:inspection")).status_code == 403
    assert centre.get(reverse("web:wording_queue")).status_code == 200
    assert sup.get(reverse("web:wording_queue")).status_code == 403
    assert bureau.get(reverse("web:wording_queue")).status_code == 403  # not the secrecy bureau's work
    anon = Client()
    assert anon.get(reverse("web:wording_queue")).status_code == 302
    assert anon.get(reverse("web:inspection")).status_code == 302


def test_dashboard_shows_veto_reasons_and_levels_escaped(world):
    sup, _ = _client(SUPERVISOR)
    page = sup.get(reverse("web:inspection"), {"as_of": "2026-07-01"}).content.decode()
    assert "站点无法访问" in page and "暗链（隐藏外链）" in page and "表述错误" in page
    assert "单项否决（" in page and "预警（" in page
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "检查指标 Excel" in page


def test_exports_come_from_the_registry(world):
    from openpyxl import load_workbook

    sup, _ = _client(SUPERVISOR)
    url = reverse("web:report_export", args=["inspection", "xlsx"])
    resp = sup.get(url, {"as_of": "2026-07-01"})
    assert resp.status_code == 200 and 'filename="inspection-2026-07-01.xlsx"' in resp["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb["单项否决汇总"]["C2"].value == "是"
    html = sup.get(reverse("web:report_export", args=["inspection", "html"]), {"as_of": "2026-07-01"})
    assert html.status_code == 200 and "政府网站检查指标与单项否决报告" in html.content.decode()
    assert SCRIPT not in html.content.decode()
    # the other reports still export through the same path
    assert sup.get(reverse("web:report_export", args=["timeliness", "xlsx"])).status_code == 200
    assert sup.get(reverse("web:report_export", args=["annual", "html"]), {"year": 2026}).status_code == 200
    assert sup.get(reverse("web:report_export", args=["inspection", "json"])).status_code == 404


def test_queue_lists_errors_with_suggestion_and_context(world):
    centre, _ = _client(INFO_CENTRE)
    page = centre.get(reverse("web:wording_queue")).content.decode()
    assert page.index("中华人名共和国") < page.index("错词")  # serious first
    assert "中华人民共和国" in page and "张某某同志出席会议" in page
    assert "bet.example.com" not in page  # hidden links are not wording work
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_decisions_are_recorded_with_the_user_and_leave_the_report(world):
    centre, user = _client(INFO_CENTRE)
    url = "http://town.x.gov.cn/a/1.html"
    resp = centre.post(
        reverse("web:wording_decide"),
        {"url": url, "text": "中华人名共和国", "decision": "fixed", "note": "已改"},
    )
    assert resp.status_code == 302
    d = WordingDecision.objects.get()
    assert (d.url, d.text, d.decision, d.user, d.note) == (url, "中华人名共和国", "fixed", user, "已改")
    page = centre.get(reverse("web:wording_queue")).content.decode()
    assert (
        "已记录：已整改" in page and "<mark>中华人名共和国</mark>" not in page and "<mark>错词</mark>" in page
    )
    everything = centre.get(reverse("web:wording_queue"), {"show": "all"}).content.decode()
    assert "中华人名共和国" in everything and "已整改" in everything and user.username in everything
    from reports.inspection import evaluate
    from reports.rules import load_rules

    data = evaluate(date(2026, 7, 1), load_rules())
    assert [f["text"] for f in data["findings"] if f["kind"] == "wording_error"] == ["错词"]
    centre.post(reverse("web:wording_decide"), {"url": url, "text": "中华人名共和国", "decision": "reopen"})
    assert not WordingDecision.objects.exists()


def test_decide_refuses_bad_requests(world):
    centre, _ = _client(INFO_CENTRE)
    decide = reverse("web:wording_decide")
    assert (
        centre.post(
            decide, {"url": "http://town.x.gov.cn/a/1.html", "text": "中华人名共和国", "decision": "delete"}
        ).status_code
        == 400
    )
    assert (
        centre.post(
            decide, {"url": "http://town.x.gov.cn/zz.html", "text": "无此词", "decision": "ignore"}
        ).status_code
        == 400
    )
    assert centre.get(decide).status_code == 405
    sup, _ = _client(SUPERVISOR, "s2")
    assert (
        sup.post(
            decide, {"url": "http://town.x.gov.cn/a/2.html", "text": "错词", "decision": "ignore"}
        ).status_code
        == 403
    )
    assert not WordingDecision.objects.exists()


def test_csrf_is_enforced_on_decisions(world):
    user = get_user_model().objects.create_user("csrf", password="Patrol-test-passw0rd")
    assign_role(user, INFO_CENTRE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    resp = client.post(
        reverse("web:wording_decide"),
        {"url": "http://town.x.gov.cn/a/2.html", "text": "错词", "decision": "ignore"},
    )
    assert resp.status_code == 403 and not WordingDecision.objects.exists()


# ---- the dashboard: summary, filters, paging, identity ------------------------------------

IMG = '"><img src=x onerror=alert(2)>'
AS_OF = {"as_of": "2026-07-01"}


def _rows(page: str, table_id: str) -> list[str]:
    """The body rows of one table of the page, as HTML."""
    import re

    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)


@pytest.fixture
def network(world):
    """``world`` (a town vetoed on reachability, hidden link and a serious wording error) plus a
    department later in the report's order with 120 deductions, one with a hostile name and URL, a
    department missing two identity marks, and the county patrolled with every mark on its
    homepage (stored as the crawl stores it)."""
    from crawler import snapshots
    from crawler.models import Page

    dept = Site.objects.create(site_id="zdept", name="某局", tier="department", url="http://dept.x.gov.cn/")
    county = Site.objects.create(site_id="county", name="某县政府", tier="county", url="http://www.x.gov.cn/")
    Site.objects.create(site_id="znew", name="新单位", tier="department", url="http://new.x.gov.cn/")
    run = PatrolRun.objects.create(status="ok", sites=["town", "zdept", "county"])
    for site in (world,):  # the town's findings belong to the newest patrol too
        SiteFinding.objects.filter(site=site).update(run=run)
    SiteFinding.objects.bulk_create(
        SiteFinding(
            run=run,
            site=dept,
            kind="offsite_redirect",
            url=f"http://dept.x.gov.cn/r/{i:03d}.html",
            detail={"target": f"http://elsewhere.example.com/{i}"},
        )
        for i in range(119)
    )
    SiteFinding.objects.create(
        run=run, site=dept, kind="unreadable", url="javascript:alert(3)", detail={"reason": f"栏目{SCRIPT}"}
    )
    SiteFinding.objects.create(
        run=run,
        site=dept,
        kind="missing_identity",
        url=dept.url,
        detail={"missing": ["icp", "psb"], "found": {"site_code": "6109220001", "gov_mark": IMG}},
    )
    home = (
        "<html><body><p>网站标识码：6109000001</p><p>陕ICP备05001234号-1</p>"
        "<p>陕公网安备 61092202000123号</p>"
        '<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/dzjg.png"></a></body></html>'
    )
    Page.objects.create(
        site=county,
        url=county.url,
        kind="home",
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        snapshot=snapshots.store(home.encode()),
        run=run,
    )
    return world


def test_summary_lists_every_site_vetoes_first_with_counts_and_links(network):
    sup, _ = _client(SUPERVISOR)
    page = sup.get(reverse("web:inspection"), AS_OF).content.decode()
    rows = _rows(page, "site-summary")
    assert len(rows) == 4  # one row per active site
    assert 'data-site="town"' in rows[0] and 'class="bad' in rows[0]  # the veto first (a town, last tier)
    assert "站点无法访问" in rows[0] and "暗链（隐藏外链）" in rows[0]
    assert 'data-site="zdept"' in rows[1] and ">121<" in rows[1]  # 119 + unreadable + identity
    assert "?as_of=2026-07-01&amp;site=zdept#findings" in rows[1]
    assert "site=zdept&amp;level=deduct#findings" in rows[1]
    by_tier = _rows(
        sup.get(reverse("web:inspection"), {**AS_OF, "sort": "tier"}).content.decode(), "site-summary"
    )
    assert [r.split('data-site="')[1].split('"')[0] for r in by_tier] == ["county", "zdept", "znew", "town"]
    by_deduct = sup.get(reverse("web:inspection"), {**AS_OF, "sort": "deduct"}).content.decode()
    assert 'data-site="zdept"' in _rows(by_deduct, "site-summary")[0]  # the most deductions first
    assert "<b>扣分项多在前</b>" in by_deduct


def test_findings_are_paged_and_filtered_by_site_level_and_kind(network):
    sup, _ = _client(SUPERVISOR)
    url = reverse("web:inspection")
    everything = sup.get(url, AS_OF).content.decode()
    assert len(_rows(everything, "finding-list")) == 50  # not every finding on one page
    first = _rows(everything, "finding-list")[0]
    assert "lv-veto" in first  # vetoes lead the list
    assert "共 126 项" in everything  # 121 of the department, 5 of the town (site_unavailable included)

    dept = sup.get(url, {**AS_OF, "site": "zdept", "level": "deduct"}).content.decode()
    assert "共 121 项" in dept and "第 1 / 3 页" in dept
    assert "page=2" in dept and "site=zdept&amp;level=deduct&amp;page=2#findings" in dept  # filters kept
    last = sup.get(url, {**AS_OF, "site": "zdept", "level": "deduct", "page": "3"}).content.decode()
    rows = _rows(last, "finding-list")
    assert len(rows) == 21 and all("某局" in r and "扣分" in r for r in rows)
    assert "某镇" not in "".join(rows)

    kind = sup.get(url, {**AS_OF, "kind": "hidden_link"}).content.decode()
    rows = _rows(kind, "finding-list")
    assert len(rows) == 1 and "bet.example.com" in rows[0]
    # each choice shows what it would list under the other filters
    assert '<option value="veto">单项否决（3）</option>' in everything
    assert '<option value="deduct">扣分（121）</option>' in everything
    assert '<option value="zdept">某局（121）</option>' in everything
    assert '<option value="offsite_redirect">跳转到范围外（119）</option>' in everything
    assert 'value="hidden_link" selected>暗链（隐藏外链）（1）</option>' in kind
    warnings = sup.get(url, {**AS_OF, "site": "town", "level": "warning"}).content.decode()
    assert [("错词" in r) for r in _rows(warnings, "finding-list")] == [True, False]  # and the watched name


def test_bad_filter_values_fall_back_to_everything(network):
    sup, _ = _client(SUPERVISOR)
    page = sup.get(
        reverse("web:inspection"), {**AS_OF, "site": SCRIPT, "level": "nope", "kind": "x", "page": "999"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "共 126 项" in html and "第 3 / 3 页" in html  # a page past the end is the last one
    assert SCRIPT not in html
    bad_date = sup.get(reverse("web:inspection"), {"as_of": "2026-13-45"}).content.decode()
    assert "截至日期" in bad_date and "2026-13-45" in bad_date.split('name="as_of"', 1)[1][:80]


def test_identity_is_shown_for_every_site(network):
    sup, _ = _client(SUPERVISOR)
    page = sup.get(reverse("web:inspection"), AS_OF).content.decode()
    rows = {r.split('data-site="')[1].split('"')[0]: r for r in _rows(page, "identity-list")}
    assert set(rows) == {"county", "zdept", "znew", "town"}
    county = rows["county"]  # complete: read again from the homepage the patrol stored
    assert "6109000001" in county and "陕ICP备05001234号-1" in county and "61092202000123" in county
    assert "bszs.conac.cn/sitename" in county and "缺失" not in county
    dept = rows["zdept"]
    assert "6109220001" in dept and dept.count("badge missing") == 2 and "缺 2 项" in dept
    assert IMG not in page and "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in dept  # found text, escaped
    assert "未巡查" in rows["znew"]
    assert "有缺失 1 个" in page
    one = sup.get(reverse("web:inspection"), {**AS_OF, "site": "county"}).content.decode()
    card = one.split('class="meta selected-site"', 1)[1].split("</table>", 1)[0]
    assert "某县政府" in card and "6109000001" in card
    card = sup.get(reverse("web:inspection"), {**AS_OF, "site": "zdept"}).content.decode()
    assert (
        "ICP备案号、公安机关备案号" in card.split('class="meta selected-site"', 1)[1].split("</table>", 1)[0]
    )


def test_identity_values_are_for_display_only(network):
    """The report's JSON keeps its shape: ``identity`` only on a site missing a mark."""
    from reports.inspection import evaluate
    from reports.rules import load_rules

    sites = {s["id"]: s for s in evaluate(date(2026, 7, 1), load_rules())["sites"]}
    assert "identity" not in sites["county"]
    assert sites["zdept"]["identity"] == {"site_code": "6109220001", "gov_mark": IMG}
    assert set(sites["county"]) == {"id", "name", "tier", "url", "veto", "reasons", "levels", "thresholds"}


def test_hostile_titles_and_urls_stay_text(network):
    Site.objects.filter(site_id="zdept").update(name=f"某局{IMG}")
    sup, _ = _client(SUPERVISOR)
    page = sup.get(reverse("web:inspection"), {**AS_OF, "kind": "unreadable"}).content.decode()
    assert SCRIPT not in page and IMG not in page
    row = _rows(page, "finding-list")[0]
    assert "栏目&lt;script&gt;" in row
    assert 'href="javascript' not in page and "javascript:alert(3)" in row  # shown, not linked
    assert "某局&quot;&gt;&lt;img" in page  # in the summary, the select and the rows
    wording = sup.get(reverse("web:inspection"), {**AS_OF, "kind": "wording_error", "site": "town"})
    assert "中华人名共和国" in wording.content.decode()


def test_filters_do_not_open_the_page_to_other_roles(network):
    bureau, _ = _client(SECRECY_BUREAU)
    assert bureau.get(reverse("web:inspection"), {**AS_OF, "site": "town"}).status_code == 403
    assert Client().get(reverse("web:inspection"), {"site": "town"}).status_code == 302
    centre, _ = _client(INFO_CENTRE)
    assert "某局" in centre.get(reverse("web:inspection"), {**AS_OF, "site": "zdept"}).content.decode()


def test_the_default_date_is_shown_and_kept_in_every_link(network, monkeypatch):
    from web import dashboards

    monkeypatch.setattr(dashboards, "today", lambda conf=None: date(2026, 7, 1))
    sup, _ = _client(SUPERVISOR)
    page = sup.get(reverse("web:inspection"), {"site": "town"}).content.decode()
    assert 'name="as_of" value="2026-07-01"' in page  # the date judged, in the picker
    assert "截至 2026-07-01" in page
    assert "?site=zdept&amp;as_of=2026-07-01#findings" in page  # a site's link keeps the date
    assert "共 5 项" in page  # the town's findings as of that day (its probes are that week's)


def test_identity_follows_the_latest_finished_patrol(network):
    """A mark put up since an older patrol is no longer missing; a running patrol is not read; a
    homepage copy pruned from the store leaves the marks the patrol saw as present, values unread."""
    from crawler import snapshots
    from crawler.models import Page
    from reports.inspection import identities

    county = Site.objects.get(site_id="county")
    old = PatrolRun.objects.order_by("id").first()  # the world's first run: the county missing its code
    old.sites = [*old.sites, "county"]
    old.save()
    SiteFinding.objects.create(
        run=old, site=county, kind="missing_identity", url=county.url, detail={"missing": ["site_code"]}
    )
    PatrolRun.objects.create(status="running", sites=["county"])  # still going: not read
    got = identities([county])["county"]
    assert got["missing"] == [] and got["found"]["site_code"] == "6109000001"

    page = Page.objects.get(site=county, kind="home")
    snapshots.path_for(page.snapshot.sha256).unlink()
    got = identities([county])["county"]
    assert (got["patrolled"], got["found"], got["missing"]) == (True, {}, [])
    assert got["unread"] == ["site_code", "icp", "psb", "gov_mark"]
    sup, _ = _client(SUPERVISOR)
    html = sup.get(reverse("web:inspection"), AS_OF).content.decode()
    row = next(r for r in _rows(html, "identity-list") if 'data-site="county"' in r)
    assert row.count("已具备（原值未读到）") == 4 and "齐全" in row
