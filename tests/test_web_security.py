"""Security details of the web app: strict CSRF that real browsers pass, lockout per account and
address, no-store on private pages, CSP/Permissions-Policy, production settings that pass
``check --deploy``, a generated secret key, formula-safe XLSX exports, the CLI's own help."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from crawler.models import Column, Item, Listing, Site
from reports.sheets import add_sheet, new_workbook
from tests.test_web import PASSWORD, _client, _user, finding, site  # noqa: F401 - fixtures
from web.roles import INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]

FORMULAS = [
    '=HYPERLINK("http://evil.example/","x")',
    "@SUM(1+1)",
    "+1+2",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


# ---- CSRF with a real browser's Origin ----------------------------------------------------


def _csrf_login(origin: str | None, referer: str | None = None) -> int:
    _user("carol", SUPERVISOR)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("web:login"))
    token = client.cookies["csrftoken"].value
    headers = {}
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    if referer is not None:
        headers["HTTP_REFERER"] = referer
    resp = client.post(
        reverse("web:login"),
        {"username": "carol", "password": PASSWORD, "csrfmiddlewaretoken": token},
        **headers,
    )
    return resp.status_code


def test_login_post_with_the_pages_own_origin_passes_csrf():
    assert _csrf_login("http://testserver") == 302


def test_login_post_with_origin_null_or_foreign_is_refused():
    # what Chromium sent under <meta name="referrer" content="no-referrer">: still refused
    assert _csrf_login("null") == 403


def test_csrf_failure_page_says_what_to_do():
    _user("erin", SUPERVISOR)
    resp = Client(enforce_csrf_checks=True).post(
        reverse("web:login"), {"username": "erin", "password": PASSWORD}
    )
    assert resp.status_code == 403
    body = resp.content.decode()
    assert "请求未通过安全校验" in body and "PATROL_CSRF_TRUSTED_ORIGINS" in body


def test_login_post_from_another_site_is_refused():
    assert _csrf_login("http://evil.example") == 403


def test_pages_send_the_origin_to_themselves_and_nothing_elsewhere(client):
    resp = client.get(reverse("web:login"))
    assert resp["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in resp.content.decode()
    assert "no-referrer" not in resp.content.decode().split("<body", 1)[0]
    assert settings.CSRF_TRUSTED_ORIGINS == []  # only what PATROL_CSRF_TRUSTED_ORIGINS adds


# ---- lockout ------------------------------------------------------------------------------


def _fail(client: Client, username: str, n: int = 5) -> None:
    for _ in range(n):
        client.post(reverse("web:login"), {"username": username, "password": "wrong-password-x"})


def test_lockout_page_says_what_happened_when_it_ends_and_the_way_back():
    _user("mallory", SUPERVISOR)
    client = Client(REMOTE_ADDR="10.0.0.5")
    _fail(client, "mallory")
    resp = client.post(reverse("web:login"), {"username": "mallory", "password": PASSWORD})
    assert resp.status_code == 429
    body = resp.content.decode()
    assert "连续 5 次登录失败" in body and "mallory" in body
    assert "将于" in body and "自动解除" in body and "1 小时" in body
    assert "axes_reset_username mallory" in body
    assert reverse("web:login") in body
    assert "no-store" in resp["Cache-Control"]


def test_lockout_is_per_account_and_address_and_admin_can_lift_it():
    _user("mallory", SUPERVISOR)
    _user("bob", SUPERVISOR)
    attacker = Client(REMOTE_ADDR="10.0.0.5")
    _fail(attacker, "mallory")
    assert (
        attacker.post(reverse("web:login"), {"username": "mallory", "password": PASSWORD}).status_code == 429
    )
    # another account from the same address, and the same account from its owner's address
    assert attacker.post(reverse("web:login"), {"username": "bob", "password": PASSWORD}).status_code == 302
    owner = Client(REMOTE_ADDR="10.0.0.9")
    assert owner.post(reverse("web:login"), {"username": "mallory", "password": PASSWORD}).status_code == 302
    call_command("axes_reset_username", "mallory", stdout=io.StringIO())
    again = Client(REMOTE_ADDR="10.0.0.5")
    assert again.post(reverse("web:login"), {"username": "mallory", "password": PASSWORD}).status_code == 302


# ---- headers ------------------------------------------------------------------------------


def test_private_pages_are_no_store(finding):  # noqa: F811
    bureau = _client(_user("bureau", SECRECY_BUREAU))
    for url in (
        reverse("web:queue"),
        reverse("web:finding", args=[finding.pk]),
        reverse("web:snapshot", args=[finding.pk]),
        reverse("web:lexicon"),
    ):
        resp = bureau.get(url)
        assert resp.status_code == 200, url
        assert "no-store" in resp["Cache-Control"], url
    info = _client(_user("info", INFO_CENTRE))
    assert "no-store" in info.get(reverse("web:lexicon"))["Cache-Control"]


def test_csp_and_permissions_policy():
    resp = Client().get(reverse("web:login"))
    csp = resp["Content-Security-Policy"]
    for directive in ("form-action 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    policy = resp["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_sessions_end_after_eight_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    _user("dave", SUPERVISOR)
    client = Client()
    client.post(reverse("web:login"), {"username": "dave", "password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


# ---- production settings ------------------------------------------------------------------

PRODUCTION_ENV = {
    "PATROL_HTTPS": "1",
    "PATROL_ALLOWED_HOSTS": "patrol.example.gov.cn",
    "PATROL_CSRF_TRUSTED_ORIGINS": "https://patrol.example.gov.cn",
    "PATROL_BEHIND_PROXY": "1",
}


def _django(args: list[str], data: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PATROL_")}
    clean.update({"PATROL_DATA": str(data), "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_the_documented_production_settings(tmp_path):
    proc = _django(["check", "--deploy", "--fail-level", "WARNING"], tmp_path / "d", **PRODUCTION_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout
    # and the check does catch the development defaults (the test above can fail)
    dev = _django(["check", "--deploy", "--fail-level", "WARNING"], tmp_path / "d")
    assert dev.returncode != 0 and "SESSION_COOKIE_SECURE" in dev.stdout + dev.stderr


def test_secret_key_is_generated_once_under_the_data_folder(tmp_path):
    data = tmp_path / "d"
    code = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    first = _django(code, data)
    assert first.returncode == 0, first.stderr
    key_file = data / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50 and key == key_file.read_text().strip()
    assert _django(code, data).stdout.strip() == key  # kept across restarts
    assert _django(code, data, PATROL_SECRET_KEY="x" * 60).stdout.strip() == "x" * 60


# ---- formula-safe XLSX --------------------------------------------------------------------


def _cells(xlsx: bytes) -> list:
    wb = load_workbook(io.BytesIO(xlsx))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _no_formula(xlsx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode(), name
    assert not [c for c in _cells(xlsx) if c.data_type == "f"]


def test_sheet_writer_keeps_formula_like_text_as_text():
    wb = new_workbook()
    add_sheet(wb, "表", ["标题"] * len(FORMULAS), [FORMULAS, ["a\x01b", 5, None]])
    buf = io.BytesIO()
    wb.save(buf)
    _no_formula(buf.getvalue())
    cells = _cells(buf.getvalue())
    values = [c.value for c in cells]
    for text in FORMULAS:
        assert text in values  # stored exactly, not mangled with a visible quote
    assert "ab" in values and 5 in values
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value in FORMULAS)


def test_report_exports_write_crawled_text_as_text():
    evil = Site.objects.create(
        site_id="evil", name="@SUM(1+1)", tier="county", url="https://evil.example.gov.cn/", scope=[]
    )
    col = Column.objects.create(site=evil, url="https://evil.example.gov.cn/gk/", name=FORMULAS[0])
    for i, title in enumerate(FORMULAS):
        item = Item.objects.create(
            site=evil, url=f"https://evil.example.gov.cn/{i}.html", title=title, publish_date=date(2025, 3, 1)
        )
        Listing.objects.create(column=col, item=item, title=title, row_date=date(2025, 3, 1))
    supervisor = _client(_user("sup", SUPERVISOR))
    for report, params in (
        ("counts", {"year": 2025}),
        ("annual", {"year": 2025}),
        ("timeliness", {"as_of": "2025-12-31"}),
    ):
        resp = supervisor.get(reverse("web:report_export", args=[report, "xlsx"]), params)
        assert resp.status_code == 200, report
        _no_formula(resp.content)
        values = {c.value for c in _cells(resp.content)}
        assert "@SUM(1+1)" in values, report  # the site name, as text


# ---- the CLI's own help -------------------------------------------------------------------


def _patrol(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATROL_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "config.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_patrol_help_lists_the_products_verbs_not_djangos(tmp_path):
    out = _patrol("--help", data=tmp_path).stdout
    verbs = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    for verb in (
        "demo",
        "crawl",
        "report",
        "findings",
        "screen",
        "schedule",
        "runs",
        "web",
        "createuser",
        "django",
    ):
        assert verb in verbs, out
    for django_verb in ("migrate", "dumpdata", "shell", "collectstatic", "axes_reset"):
        assert django_verb not in verbs
    assert len(verbs) == len(set(verbs)) and all(len(line) < 200 for line in out.splitlines())
    # Django's commands stay reachable under `patrol django`
    check = _patrol("django", "check", data=tmp_path)
    assert check.returncode == 0 and "no issues" in check.stdout
    refused = _patrol("migrate", data=tmp_path)
    assert refused.returncode == 2 and "patrol django migrate" in refused.stderr


# ---- starting a patrol from the app -------------------------------------------------------


def test_only_the_information_centre_may_start_a_patrol(monkeypatch):
    from web import patrol_start

    launched = []
    monkeypatch.setattr(
        patrol_start, "launch", lambda site_id, by="": launched.append(site_id) or (4242, Path("x"))
    )
    for role in (SECRECY_BUREAU, SUPERVISOR):
        client = _client(_user(f"u-{role}", role))
        assert client.get(reverse("web:start_patrol")).status_code == 403
        assert client.post(reverse("web:start_patrol"), {"site": "county"}).status_code == 403
    assert launched == []
    info = _client(_user("info", INFO_CENTRE))
    page = info.get(reverse("web:start_patrol"))
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["site"].choices)
    assert choices, "the configured sites are offered"
    site_id, name = next(iter(choices.items()))
    assert name in page.content.decode()  # offered by name
    assert info.post(reverse("web:start_patrol"), {"site": "no-such-site"}).status_code == 400
    assert launched == []
    resp = info.post(reverse("web:start_patrol"), {"site": site_id}, follow=True)
    assert launched == [site_id]
    assert f"已发起对“{name}”的巡查" in resp.content.decode()
    assert resp.redirect_chain[-1][0] == reverse("web:runs")


# ---- snapshot downloads -------------------------------------------------------------------


def test_snapshot_downloads_with_its_real_extension_and_a_readable_name(finding):  # noqa: F811
    from urllib.parse import unquote

    bureau = _client(_user("bureau", SECRECY_BUREAU))
    resp = bureau.get(reverse("web:snapshot", args=[finding.pk]))
    assert resp.status_code == 200
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    name = unquote(disposition.split("filename*=utf-8''", 1)[1])
    assert name.startswith(f"快照-{finding.pk}-通知") and name.endswith(".html"), name
    assert "<" not in name and "/" not in name
    assert resp["Content-Type"] == "application/octet-stream"  # downloaded, never rendered


@pytest.mark.parametrize(
    "url,headers,head,ext",
    [
        ("https://a.gov.cn/files/report.PDF", {}, b"", ".pdf"),
        ("https://a.gov.cn/art/2025/1.shtml", {}, b"", ".html"),
        ("https://a.gov.cn/down.jsp?id=3", {"Content-Type": "application/msword"}, b"", ".doc"),
        ("https://a.gov.cn/art.jsp?id=3", {"Content-Type": "text/html; charset=gbk"}, b"<html>", ".html"),
        ("https://a.gov.cn/down?id=3", {"content-type": "application/vnd.ms-excel"}, b"", ".xls"),
        ("https://a.gov.cn/down?id=3", {}, b"%PDF-1.7", ".pdf"),
        ("https://a.gov.cn/down?id=3", {}, b"\xd0\xcf\x11\xe0\xa1", ".doc"),
        ("https://a.gov.cn/down?id=3", {}, b"\x00\x01", ".bin"),
    ],
)
def test_snapshot_extension(url, headers, head, ext):
    from web.downloads import extension

    assert extension(url, headers, head) == ext


# ---- Chinese everywhere -------------------------------------------------------------------


def test_password_validator_messages_are_chinese():
    import re

    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        validate_password("1234567")
    messages = exc.value.messages
    assert any("至少需要 10 个字符" in m for m in messages), messages
    for text in [*messages, *password_validators_help_texts()]:
        assert not re.search(r"[A-Za-z]{3,}", text), text


def test_admin_speaks_chinese_and_no_migration_follows(finding):  # noqa: F811
    import re

    admin = _client(_user("root", is_superuser=True, is_staff=True))
    index = admin.get("/admin/").content.decode()
    for name in ("巡查采集", "保密筛查", "巡查记录", "网站", "栏目", "筛查发现", "审核记录"):
        assert name in index, name
    assert "Patrol runs" not in index and "Findings" not in index
    listing = admin.get("/admin/screening/finding/").content.decode()
    assert "严重程度" in listing and "Severity" not in listing
    headers = re.findall(r'<th scope="col"[^>]*>.*?<a [^>]*>([^<]+)</a>', listing, flags=re.S)
    assert headers and all(not re.search(r"[A-Za-z]{3,}", h) for h in headers), headers
    # the Chinese names are runtime labels: the apps' migrations stay as their owners wrote them
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_csrf_trusted_origins_come_from_the_environment_without_wildcards(tmp_path):
    code = [
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.CSRF_TRUSTED_ORIGINS)",
    ]
    env = {"PATROL_CSRF_TRUSTED_ORIGINS": "https://patrol.example.gov.cn, https://*.example.gov.cn,*"}
    proc = _django(code, tmp_path / "d", **env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['https://patrol.example.gov.cn']"


def test_lockout_address_behind_a_proxy_is_the_one_the_proxy_appended(settings):
    from django.test import RequestFactory

    from web.lockout import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "10.0.0.1"  # not behind a proxy: the header is anyone's
    settings.PATROL_TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.7"  # the client's own prefix (6.6.6.6) is not trusted


def test_a_second_patrol_is_refused_while_one_runs(monkeypatch):
    from crawler.models import PatrolRun
    from web import patrol_start

    launched = []
    monkeypatch.setattr(
        patrol_start, "launch", lambda site_id, by="": launched.append(site_id) or (1, Path("x"))
    )
    running = PatrolRun.objects.create(status="running", pid=os.getpid(), sites=["county"])
    info = _client(_user("info", INFO_CENTRE))
    page = info.get(reverse("web:start_patrol"))
    assert f"巡查 #{running.pk} 正在进行" in page.content.decode()
    site_id = next(iter(dict(page.context["form"].fields["site"].choices)))
    resp = info.post(reverse("web:start_patrol"), {"site": site_id})
    assert resp.status_code == 400 and launched == []
    assert f"巡查 #{running.pk} 仍在进行" in resp.content.decode()
    # a run whose process is gone does not block
    running.pid = 2**22 + 12345
    running.save()
    info.post(reverse("web:start_patrol"), {"site": site_id})
    assert launched == [site_id]


def test_a_wrong_password_says_when_the_lock_would_come():
    _user("frank", SUPERVISOR)
    resp = Client().post(reverse("web:login"), {"username": "frank", "password": "wrong-password-x"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "用户名或密码错误" in body
    assert "连续失败 5 次后" in body and "1 小时" in body


def test_queue_export_writes_crawled_text_as_text(finding):  # noqa: F811
    finding.page.item.title = FORMULAS[0] + "\x07"
    finding.page.item.save()
    finding.hits = [{**finding.hits[0], "text": "@SUM(1+1)", "context": "-2+3 内部资料"}]
    finding.save()
    bureau = _client(_user("bureau", SECRECY_BUREAU))
    resp = bureau.get(reverse("web:queue_export"), {"status": "all"})
    assert resp.status_code == 200, resp.content[:300]
    _no_formula(resp.content)
    values = {c.value for c in _cells(resp.content)}
    assert FORMULAS[0] in values or any(FORMULAS[0] in str(v) for v in values)
