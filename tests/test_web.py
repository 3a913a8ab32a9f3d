"""The web app: roles, the review workflow, escaping of crawled text, CSRF, lockout, CSP, serving."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from crawler import snapshots
from crawler.models import Column, Item, Listing, Page, PatrolRun, Site
from screening.models import Finding, Review
from web import findings as web_findings
from web.roles import INFO_CENTRE, ROLE_PERMISSIONS, SECRECY_BUREAU, SUPERVISOR, assign_role

pytestmark = pytest.mark.django_db

PASSWORD = "Patrol-test-passw0rd"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
SNAPSHOT_BYTES = (
    b"<html><body><script>alert(3)</script>\xe5\x86\x85\xe9\x83\xa8\xe8\xb5\x84\xe6\x96\x99</body></html>"
)
PRIVATE_TERM = "私有测试词甲"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    """Snapshots written by these tests go to a temporary folder."""
    settings.DATA_DIR = tmp_path / "data"


def _user(username: str, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(username, password=PASSWORD, **extra)
    if role:
        assign_role(user, role)
    return user


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def bureau():
    return _client(_user("bureau", SECRECY_BUREAU))


@pytest.fixture
def info_centre():
    return _client(_user("infocentre", INFO_CENTRE))


@pytest.fixture
def supervisor():
    return _client(_user("supervisor", SUPERVISOR))


@pytest.fixture
def site():
    return Site.objects.create(
        site_id="county",
        name="示例县人民政府",
        tier="county",
        url="https://www.example.gov.cn/",
        scope=["https://www.example.gov.cn/"],
    )


@pytest.fixture
def finding(site):
    item = Item.objects.create(
        site=site,
        url="https://www.example.gov.cn/art/1.html",
        title=f"通知{IMG}",
        publish_date=date(2025, 3, 1),
    )
    snap = snapshots.store(SNAPSHOT_BYTES)
    page = Page.objects.create(site=site, item=item, url=item.url, status=200, snapshot=snap)
    return Finding.objects.create(
        url=item.url,
        page_url=item.url,
        page=page,
        snapshot=snap,
        severity="medium",
        flagged=True,
        kinds=["internal_marker", "mobile"],
        hits=[
            {
                "kind": "internal_marker",
                "rule": "lexicon",
                "severity": "medium",
                "text": "内部资料",
                "context": f"前文{SCRIPT}内部资料后文",
                "start": 10,
                "end": 14,
            },
            {
                "kind": "mobile",
                "rule": "mobile",
                "severity": "medium",
                "text": "138****5678",
                "context": "联系电话138****5678",
                "start": 30,
                "end": 41,
            },
        ],
    )


# ---- roles --------------------------------------------------------------------------------


def test_role_groups_from_the_migration_match_roles_py():
    for name, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        assert set(group.permissions.values_list("content_type__app_label", flat=True)) == {"web"}
        assert set(group.permissions.values_list("codename", flat=True)) == set(codenames)


PROTECTED = [
    ("web:home", {}),
    ("web:queue", {}),
    ("web:lexicon", {}),
    ("web:runs", {}),
    ("web:counts", {}),
    ("web:timeliness", {}),
    ("web:password_change", {}),
    ("web:report_export", {"report": "counts", "fmt": "xlsx"}),
]


@pytest.mark.parametrize("name,kwargs", PROTECTED)
def test_anonymous_is_sent_to_login(name, kwargs):
    url = reverse(name, kwargs=kwargs)
    resp = Client().get(url)
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("web:login"))


def test_anonymous_finding_detail_and_snapshot_redirect(finding):
    for name in ("web:finding", "web:snapshot"):
        resp = Client().get(reverse(name, args=[finding.pk]))
        assert resp.status_code == 302 and resp["Location"].startswith(reverse("web:login"))
    resp = Client().post(reverse("web:finding_review", args=[finding.pk]), {"decision": "confirmed"})
    assert resp.status_code == 302
    assert not Review.objects.exists()


def test_supervisor_sees_dashboards_not_findings_or_lexicon(supervisor, finding):
    for url in (
        reverse("web:queue"),
        reverse("web:finding", args=[finding.pk]),
        reverse("web:snapshot", args=[finding.pk]),
        reverse("web:lexicon"),
        reverse("web:runs"),
    ):
        assert supervisor.get(url).status_code == 403, url
    resp = supervisor.post(reverse("web:finding_review", args=[finding.pk]), {"decision": "dismissed"})
    assert resp.status_code == 403
    assert not Review.objects.exists()
    for url in (reverse("web:counts"), reverse("web:timeliness"), reverse("web:home")):
        assert supervisor.get(url).status_code == 200, url
    home = supervisor.get(reverse("web:home")).content.decode()
    assert reverse("web:counts") in home and reverse("web:queue") not in home


def test_403_page_is_chinese(supervisor):
    resp = supervisor.get(reverse("web:queue"))
    assert "无权访问" in resp.content.decode()


def test_info_centre_sees_lexicon_and_runs_not_findings(info_centre, finding, tmp_path, monkeypatch):
    private = tmp_path / "bureau.yaml"
    private.write_text(f"entries:\n  - {{term: {PRIVATE_TERM}, severity: high}}\n", encoding="utf-8")
    monkeypatch.setenv("PATROL_PRIVATE_LEXICON", str(private))
    PatrolRun.objects.create(status="ok", trigger="schedule", pages=12, error=f"boom {SCRIPT}")
    for url in (
        reverse("web:queue"),
        reverse("web:finding", args=[finding.pk]),
        reverse("web:snapshot", args=[finding.pk]),
    ):
        assert info_centre.get(url).status_code == 403, url
    # the information centre runs the portals: it sees the dashboards, timeliness first
    for url in (reverse("web:timeliness"), reverse("web:counts"), reverse("web:start_patrol")):
        assert info_centre.get(url).status_code == 200, url
    assert (
        info_centre.post(
            reverse("web:finding_review", args=[finding.pk]), {"decision": "dismissed"}
        ).status_code
        == 403
    )
    lex = info_centre.get(reverse("web:lexicon"))
    assert lex.status_code == 200
    body = lex.content.decode()
    assert "内部资料" in body  # the repo lexicon
    assert "保守国家秘密法" in body  # its allowlist
    assert str(private) in body  # the private list's path is shown
    assert PRIVATE_TERM not in body  # but not its terms
    runs = info_centre.get(reverse("web:runs"))
    assert runs.status_code == 200
    assert "&lt;script&gt;" in runs.content.decode() and SCRIPT not in runs.content.decode()


def test_bureau_sees_private_terms(bureau, tmp_path, monkeypatch):
    private = tmp_path / "bureau.yaml"
    private.write_text(f"entries:\n  - {{term: {PRIVATE_TERM}, severity: high}}\n", encoding="utf-8")
    monkeypatch.setenv("PATROL_PRIVATE_LEXICON", str(private))
    body = bureau.get(reverse("web:lexicon")).content.decode()
    assert PRIVATE_TERM in body


def test_broken_private_list_is_reported_not_a_crash(bureau, tmp_path, monkeypatch):
    private = tmp_path / "broken.yaml"
    private.write_text("entries: [{kind: nonsense}]\n", encoding="utf-8")
    monkeypatch.setenv("PATROL_PRIVATE_LEXICON", str(private))
    resp = bureau.get(reverse("web:lexicon"))
    assert resp.status_code == 200
    assert "term" in resp.content.decode()


def test_bureau_queue_and_detail(bureau, finding):
    queue = bureau.get(reverse("web:queue"))
    assert queue.status_code == 200
    body = queue.content.decode()
    assert finding.url in body
    assert 'rel="noopener noreferrer nofollow"' in body
    assert "内部资料标志" in body and "手机号码" in body
    detail = bureau.get(reverse("web:finding", args=[finding.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert finding.snapshot.sha256 in body
    assert "138****5678" in body
    assert "<mark>内部资料</mark>" in body


def test_bureau_confirms_a_finding(bureau, finding):
    resp = bureau.post(
        reverse("web:finding_review", args=[finding.pk]), {"decision": "confirmed", "note": "已通知单位"}
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("web:finding", args=[finding.pk])
    finding.refresh_from_db()
    assert finding.status == "confirmed"
    review = Review.objects.get(finding=finding)
    assert review.reviewer.username == "bureau"
    assert review.decision == "confirmed" and review.note == "已通知单位"
    # confirmed findings leave the default (open) queue, and the history shows the review
    assert finding.url not in bureau.get(reverse("web:queue")).content.decode()
    detail = bureau.get(reverse("web:finding", args=[finding.pk])).content.decode()
    assert "已通知单位" in detail and "已确认" in detail
    # later: taken down
    bureau.post(reverse("web:finding_review", args=[finding.pk]), {"decision": "removed"})
    finding.refresh_from_db()
    assert finding.status == "removed" and finding.reviews.count() == 2


def test_review_rejects_unknown_decision_and_get(bureau, finding):
    resp = bureau.post(reverse("web:finding_review", args=[finding.pk]), {"decision": "open"})
    assert resp.status_code == 400
    assert bureau.get(reverse("web:finding_review", args=[finding.pk])).status_code == 405
    finding.refresh_from_db()
    assert finding.status == "open" and not Review.objects.exists()


def test_csrf_is_enforced(finding):
    client = _client(_user("bureau2", SECRECY_BUREAU), enforce_csrf_checks=True)
    resp = client.post(reverse("web:finding_review", args=[finding.pk]), {"decision": "confirmed"})
    assert resp.status_code == 403
    assert not Review.objects.exists()
    # with the token from the form it goes through
    page = client.get(reverse("web:finding", args=[finding.pk]))
    token = page.context["csrf_token"]
    resp = client.post(
        reverse("web:finding_review", args=[finding.pk]),
        {"decision": "confirmed", "csrfmiddlewaretoken": str(token)},
    )
    assert resp.status_code == 302 and Review.objects.count() == 1


def test_crawled_text_is_escaped(bureau, finding):
    for url in (reverse("web:queue"), reverse("web:finding", args=[finding.pk])):
        body = bureau.get(url).content.decode()
        assert "<img src=x" not in body, url
        assert "&lt;img src=x onerror=alert(2)&gt;" in body, url
    detail = bureau.get(reverse("web:finding", args=[finding.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "<script" not in detail  # no script at all: neither crawled nor our own
    assert "alert(3)" not in detail  # the snapshot itself is never rendered


def test_outbound_links_only_for_http():
    from web.links import href

    assert href("javascript:alert(1)") is None
    assert href("data:text/html,x") is None
    assert href("https://www.example.gov.cn/a") == "https://www.example.gov.cn/a"


def test_snapshot_download_is_an_attachment(bureau, finding):
    resp = bureau.get(reverse("web:snapshot", args=[finding.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/octet-stream"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert b"".join(resp.streaming_content) == SNAPSHOT_BYTES


def test_queue_orders_by_severity_and_filters(bureau, finding, site):
    low = Finding.objects.create(
        url="https://www.example.gov.cn/art/2.html",
        severity="low",
        kinds=["keyword"],
        hits=[{"kind": "keyword", "text": "涉密", "context": "涉密", "start": 0, "end": 2}],
    )
    high = Finding.objects.create(
        url="https://www.example.gov.cn/art/3.html", severity="high", kinds=["classified_mark"], hits=[]
    )
    ordered = list(web_findings.queue(web_findings.QueueFilters()))
    assert ordered == [high, finding, low]
    assert list(web_findings.queue(web_findings.QueueFilters(kind="keyword"))) == [low]
    assert list(web_findings.queue(web_findings.QueueFilters(severity="high"))) == [high]
    assert list(web_findings.queue(web_findings.QueueFilters(site="county"))) == [finding]
    assert list(web_findings.queue(web_findings.QueueFilters(flagged=True))) == [finding]
    body = bureau.get(reverse("web:queue"), {"kind": "classified_mark"}).content.decode()
    assert high.url in body and low.url not in body
    # a bad filter value falls back to the default queue instead of failing
    assert bureau.get(reverse("web:queue"), {"severity": "nonsense"}).status_code == 200


# ---- login, lockout, headers --------------------------------------------------------------


def test_login_and_logout():
    _user("alice", SUPERVISOR)
    client = Client()
    resp = client.post(reverse("web:login"), {"username": "alice", "password": PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == reverse("web:home")
    assert client.get(reverse("web:counts")).status_code == 200
    assert client.get(reverse("web:logout")).status_code == 405  # logout is POST only
    client.post(reverse("web:logout"))
    assert client.get(reverse("web:counts")).status_code == 302


def test_axes_locks_out_after_five_failures():
    _user("mallory", SUPERVISOR)
    client = Client()
    for _ in range(5):
        client.post(reverse("web:login"), {"username": "mallory", "password": "wrong-password"})
    resp = client.post(reverse("web:login"), {"username": "mallory", "password": PASSWORD})
    assert resp.status_code == 429
    assert "账户已锁定" in resp.content.decode()
    assert client.get(reverse("web:counts")).status_code == 302  # not logged in


def test_security_headers(bureau, finding):
    resp = bureau.get(reverse("web:finding", args=[finding.pk]))
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in Client().get(reverse("web:login")).headers


def test_password_change(bureau):
    resp = bureau.post(
        reverse("web:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-passw0rd",
            "new_password2": "Another-long-passw0rd",
        },
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("web:password_change_done")
    assert get_user_model().objects.get(username="bureau").check_password("Another-long-passw0rd")


def test_superuser_sees_everything(finding):
    admin = _client(_user("root", is_superuser=True, is_staff=True))
    for url in (
        reverse("web:queue"),
        reverse("web:finding", args=[finding.pk]),
        reverse("web:lexicon"),
        reverse("web:runs"),
        reverse("web:counts"),
        reverse("web:timeliness"),
        "/admin/",
        "/admin/screening/finding/",
        f"/admin/screening/finding/{finding.pk}/change/",
        "/admin/crawler/site/",
    ):
        assert admin.get(url).status_code == 200, url
    assert admin.get("/admin/screening/finding/add/").status_code == 403  # read-only


# ---- dashboards ---------------------------------------------------------------------------


@pytest.fixture
def counted(site):
    col = Column.objects.create(site=site, url="https://www.example.gov.cn/gk/tzgg/", name=f"通知公告{IMG}")
    for i, day in enumerate((date(2025, 2, 1), date(2025, 6, 1), date(2024, 12, 1))):
        item = Item.objects.create(
            site=site, url=f"https://www.example.gov.cn/gk/{i}.html", title=f"第{i}条", publish_date=day
        )
        Listing.objects.create(column=col, item=item, title=item.title, row_date=day)
    return col


def test_counts_dashboard_and_exports(supervisor, counted):
    resp = supervisor.get(reverse("web:counts"), {"year": 2025})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "2025-01-01" in body and "示例县人民政府" in body
    assert resp.context["report"]["total"] == 2
    assert "&lt;img src=x onerror=alert(2)&gt;" in body and "<img src=x" not in body
    xlsx = supervisor.get(reverse("web:report_export", args=["counts", "xlsx"]), {"year": 2025})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"] == 'attachment; filename="counts-2025.xlsx"'
    assert xlsx.content[:2] == b"PK"
    page = supervisor.get(reverse("web:report_export", args=["counts", "html"]), {"year": 2025})
    assert page.status_code == 200 and "<img src=x" not in page.content.decode()
    assert 'class="print"' in page.content.decode() and "web/print.js" in page.content.decode()
    annual = supervisor.get(reverse("web:report_export", args=["annual", "xlsx"]), {"year": 2025})
    assert annual.status_code == 200 and annual.content[:2] == b"PK"
    assert supervisor.get(reverse("web:report_export", args=["secret", "xlsx"])).status_code == 404


def test_counts_opens_on_the_newest_year_with_data(supervisor, counted):
    resp = supervisor.get(reverse("web:counts"))
    assert resp.status_code == 200
    assert resp.context["year"] == 2025  # the fixture's newest item; not the (empty) current year
    assert resp.context["report"]["from"] == "2025-01-01" and resp.context["report"]["total"] == 2
    assert 'name="year" value="2025"' in resp.content.decode()  # the picker shows the year on screen
    assert supervisor.get(reverse("web:counts"), {"year": "abc"}).context["year"] == 2025
    assert supervisor.get(reverse("web:counts"), {"year": 2024}).context["report"]["total"] == 1


def test_dashboards_draw_bar_charts(supervisor, counted):
    body = supervisor.get(reverse("web:counts"), {"year": 2025}).content.decode()
    assert '<svg class="chart"' in body and 'width="82.0%"' in body  # the one unit's bar, full length
    assert "示例县人民政府：2" in body
    assert 'class="print"' in body and "web/print.js" in body
    body = supervisor.get(reverse("web:timeliness"), {"as_of": "2025-12-31"}).content.decode()
    assert 'class="print"' in body


def test_timeliness_dashboard_and_export(supervisor, counted):
    resp = supervisor.get(reverse("web:timeliness"), {"as_of": "2025-12-31"})
    assert resp.status_code == 200
    assert resp.context["report"]["as_of"] == "2025-12-31"
    assert "<img src=x" not in resp.content.decode()
    xlsx = supervisor.get(reverse("web:report_export", args=["timeliness", "xlsx"]), {"as_of": "2025-12-31"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert 'filename="timeliness-2025-12-31.xlsx"' in xlsx["Content-Disposition"]


# ---- commands -----------------------------------------------------------------------------


def test_createuser_with_password_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Bureau-long-passw0rd\n"))
    out = io.StringIO()
    call_command("createuser", "zhang", "--role", SECRECY_BUREAU, "--password-stdin", stdout=out)
    user = get_user_model().objects.get(username="zhang")
    assert user.check_password("Bureau-long-passw0rd")
    assert list(user.groups.values_list("name", flat=True)) == [SECRECY_BUREAU]
    assert user.has_perm("web.review_finding") and not user.is_staff
    monkeypatch.setattr(sys, "stdin", io.StringIO("Bureau-long-passw0rd\n"))
    with pytest.raises(CommandError, match="已存在"):
        call_command("createuser", "zhang", "--role", SUPERVISOR, "--password-stdin")


def test_createuser_rejects_weak_password(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("createuser", "li", "--role", SUPERVISOR, "--password-stdin")
    assert not get_user_model().objects.filter(username="li").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback only
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.django_db(transaction=True)
def test_patrol_web_serves_with_waitress_and_static_files(tmp_path):
    port = _free_port()
    env = {**os.environ, "PATROL_DATA": str(tmp_path / "data")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from config.cli import main; sys.exit(main())",
            "web",
            "--port",
            str(port),
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(base + "/login/")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stderr.read().decode()) from None
                time.sleep(0.2)
        assert status == 200 and "登录" in body.decode()
        assert headers["Server"] == "portal-patrol"
        assert "Content-Security-Policy" in headers
        status, headers, body = _get(base + "/static/web/patrol.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and b"CSP" in body
        status, headers, _ = _get(base + "/static/admin/css/base.css")
        assert status == 200
        status, _, _ = _get(base + "/findings/")
        assert status == 200  # urllib followed the redirect to the login page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
