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
