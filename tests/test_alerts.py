"""Alerts (issue 8, deliverable 4): immediate high-severity alerts to the bureau after a patrol
and a daily digest per unit / supervisors, by mail and by 企业微信 / 钉钉 robots — tested
against a loopback SMTP server and a loopback webhook receiver; failing channels are retried,
logged, and never stop a patrol."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import logging
import socketserver
import threading
from datetime import date, timedelta
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.utils import timezone

from config.patrolconf import ConfigError, parse
from crawler.models import Item, Page, PatrolRun, Site
from reports import alerts
from screening.models import Finding

pytestmark = pytest.mark.django_db

SECRET = "SEC-test-signing-secret"


# ---- loopback servers ----------------------------------------------------------------------------


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 loopback ESMTP")
        rcpt: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-loopback")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                rcpt = []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt.append(cmd.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(
                    (rcpt, email.message_from_bytes(data, policy=email.policy.default))
                )
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.messages: list = []


class HookHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.calls.append((self.path, json.loads(body)))
        if self.server.fail_next > 0:
            self.server.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            return
        answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooks(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), HookHandler)
    server.calls, server.fail_next = [], 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("WECOM_JYJ_URL", f"{base}/cgi-bin/webhook/send?key=wecom-key")
    monkeypatch.setenv("DINGTALK_URL", f"{base}/robot/send?access_token=dd-token")
    monkeypatch.setenv("DINGTALK_SECRET", SECRET)
    yield server
    server.shutdown()
    server.server_close()


CONFIG = """\
sites:
  - {id: jyj, name: 县教育局, tier: department, url: 'https://jyj.example.gov.cn/'}
  - {id: nyj, name: 县农业局, tier: department, url: 'https://nyj.example.gov.cn/'}
crawl: {delay_seconds: 0}
alerts:
  retries: 2
  retry_delay_seconds: 0
  timeout_seconds: 5
  base_url: https://patrol.example.gov.cn/
  channels:
    - {name: 保密局邮箱, type: email, to: [bmj@example.gov.cn], audience: [bureau]}
    - {name: 教育局群, type: wecom, url_env: WECOM_JYJ_URL, audience: [unit], sites: [jyj]}
    - {name: 督查群, type: dingtalk, url_env: DINGTALK_URL, secret_env: DINGTALK_SECRET, audience: [supervisors]}
"""


@pytest.fixture
def conf():
    return parse(CONFIG, "patrol.yaml")


def _site(site_id: str, name: str) -> Site:
    url = f"https://{site_id}.example.gov.cn/"
    return Site.objects.create(site_id=site_id, name=name, tier="department", url=url, scope=[url])


@pytest.fixture
def world():
    jyj, nyj = _site("jyj", "县教育局"), _site("nyj", "县农业局")
    run = PatrolRun.objects.create(status="ok")

    def finding(site, n, title, severity, text, **extra):
        url = f"{site.url}art/{n}.html"
        item = Item.objects.create(site=site, url=url, title=title, publish_date=date(2025, 3, 1))
        page = Page.objects.create(site=site, item=item, url=url, status=200)
        hits = [
            {"kind": "classified_mark", "rule": "mark", "severity": severity, "text": text, "context": text}
        ]
        return Finding.objects.create(
            url=url,
            page_url=url,
            page=page,
            severity=severity,
            flagged=True,
            kinds=["classified_mark"],
            hits=hits,
            **extra,
        )

    high = finding(jyj, 1, "关于征兵工作的通知", "high", "机密★10年", run=run)
    medium = finding(nyj, 2, "农业补贴发放名单", "medium", "内部资料", run=run)
    old = finding(nyj, 3, "旧的会议纪要", "high", "秘密★5年", status="not_fixed")
    Finding.objects.filter(pk=old.pk).update(
        first_confirmed_at=timezone.now() - timedelta(days=9), created_at=timezone.now() - timedelta(days=20)
    )
    return {"run": run, "high": high, "medium": medium, "old": old}


def _body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def test_new_high_findings_go_to_the_bureau_at_once(smtp, hooks, conf, world):
    sent = alerts.after_patrol(conf, world["run"].pk)
    assert sent == {"保密局邮箱": True}  # only bureau channels get the immediate alert
    assert len(smtp.messages) == 1 and not hooks.calls
    rcpt, msg = smtp.messages[0]
    assert rcpt == ["bmj@example.gov.cn"]
    assert "新发现 1 条高风险" in _subject(msg)
    body = _body(msg)
    assert "关于征兵工作的通知" in body and world["high"].url in body and "县教育局" in body
    assert f"https://patrol.example.gov.cn/findings/{world['high'].pk}/" in body
    assert "农业补贴" not in body  # medium: not immediate
    assert "机密★10年" not in body  # the secret text itself never leaves the store
    # a decided finding is not alerted again
    world["high"].status = "confirmed"
    world["high"].save()
    assert alerts.after_patrol(conf, world["run"].pk) == {}


def test_daily_digest_per_unit_and_for_supervisors(smtp, hooks, conf, world):
    Site.objects.filter(site_id="nyj").update(
        homepage_last_published=timezone.localdate() - timedelta(days=40), homepage_checked_at=timezone.now()
    )
    sent = alerts.send_digest(conf)
    assert sent == {"保密局邮箱": True, "教育局群": True, "督查群": True}
    calls = {urlsplit(path).path: (path, payload) for path, payload in hooks.calls}

    # 企业微信 robot: the unit sees its own site only
    _, wecom = calls["/cgi-bin/webhook/send"]
    content = wecom["markdown"]["content"]
    assert wecom["msgtype"] == "markdown"
    assert "县教育局" in content and world["high"].url in content
    assert world["old"].url not in content and "农业补贴" not in content

    # 钉钉 robot, signed: the sign is HMAC-SHA256 over "timestamp\nsecret"
    path, ding = calls["/robot/send"]
    query = parse_qs(urlsplit(path).query)
    ts = query["timestamp"][0]
    want = base64.b64encode(
        hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert unquote(query["sign"][0]) == want or query["sign"][0] == want
    assert query["access_token"] == ["dd-token"]
    text = ding["markdown"]["text"]
    assert world["high"].url in text and world["medium"].url in text  # new in the last 24 hours
    assert world["old"].url in text and "确认后 9 天未整改" in text  # not fixed, with its age
    assert "县农业局：首页不更新" in text  # the timeliness veto
    assert "未整改 1" in ding["markdown"]["title"]

    # the bureau's mail has the whole digest
    _, msg = smtp.messages[0]
    assert "网站巡查日报" in _subject(msg) and "确认后 9 天未整改" in _body(msg)


def test_a_failing_channel_is_retried_then_logged_and_never_raises(hooks, conf, world, caplog):
    hooks.fail_next = 2  # two 500s, then OK: delivered on the third try
    ch = next(c for c in conf.alerts["channels"] if c["type"] == "wecom")
    msg = alerts.Message("测试", "正文", "正文")
    assert alerts.deliver(ch, msg, conf.alerts) is True
    assert len(hooks.calls) == 3
    hooks.calls.clear()
    hooks.fail_next = 99
    with caplog.at_level(logging.WARNING, logger="reports.alert_channels"):
        assert alerts.deliver(ch, msg, conf.alerts) is False
    assert len(hooks.calls) == 3  # 1 + retries, bounded
    assert "gave up after 3 attempts" in caplog.text
    assert "wecom-key" not in caplog.text  # the webhook key is never logged


def test_a_dead_mail_server_never_stops_the_patrol(settings, conf, world, caplog):
    from crawler.runner import alert_after_patrol

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    with caplog.at_level(logging.WARNING):
        alert_after_patrol(conf, world["run"].pk)  # returns; does not raise
    assert "保密局邮箱" in caplog.text and "gave up" in caplog.text


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("{name: a, type: email, audience: [bureau]}", "alerts.channels[0].to"),
        ("{name: a, type: wecom, audience: [bureau]}", "needs url_env"),
        ("{name: a, type: wecom, url_env: X, audience: [unit]}", "needs the site ids"),
        ("{name: a, type: wecom, url_env: X, audience: [unit], sites: [zzz]}", "unknown site id(s): zzz"),
        ("{name: a, type: wecom, url_env: X, audience: [boss]}", "alerts.channels[0].audience"),
        ("{name: a, type: fax, url_env: X}", "alerts.channels[0].type"),
        ("{name: a, type: email, to: [a@b.cn], secret_env: S}", "only 钉钉 robots are signed"),
        ("{name: a, type: email, to: [a@b.cn], colour: red}", "unknown key"),
    ],
)
def test_alert_config_errors_name_file_and_line(channel, message):
    text = "sites:\n  - {id: jyj, name: x, tier: county, url: 'https://a.example.gov.cn/'}\n"
    text += f"alerts:\n  channels:\n    - {channel}\n"
    with pytest.raises(ConfigError) as err:
        parse(text, "/etc/patrol.yaml")
    assert str(err.value).startswith("/etc/patrol.yaml:")
    assert message in str(err.value)


def test_no_alerts_section_means_no_channels():
    conf = parse("sites:\n  - {id: jyj, name: x, tier: county, url: 'https://a.example.gov.cn/'}\n")
    assert conf.alerts["channels"] == [] and conf.alerts["immediate_severity"] == "high"


def test_the_scheduler_runs_the_digest_daily(tmp_path):
    from scheduler.daemon import plan_from_schedule

    path = tmp_path / "patrol.yaml"
    path.write_text(
        CONFIG.replace("  retries: 2\n", '  digest: "15 9 * * *"\n  retries: 2\n'), encoding="utf-8"
    )
    conf = parse(path.read_text(encoding="utf-8"), str(path))
    plan = plan_from_schedule(conf.schedule, str(path), tmp_path / "data")
    spec = next(s for s in plan.jobs() if s["id"] == alerts.DIGEST_JOB_ID)
    assert spec["func"] is alerts.digest_job and spec["kwargs"] == {"config_path": str(path)}
    assert "hour='9'" in str(spec["trigger"]) and "minute='15'" in str(spec["trigger"])
    # without channels there is no digest job
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        "sites:\n  - {id: jyj, name: x, tier: county, url: 'https://a.example.gov.cn/'}\n", encoding="utf-8"
    )
    plan = plan_from_schedule(parse(bare.read_text(), str(bare)).schedule, str(bare), tmp_path / "data")
    assert alerts.DIGEST_JOB_ID not in {s["id"] for s in plan.jobs()}


def test_patrol_alerts_test_verb(settings, tmp_path, smtp, hooks, capsys):
    from django.core.management import call_command

    path = tmp_path / "patrol.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    settings.PATROL_CONFIG = str(path)
    call_command("alerts", "test")
    out = capsys.readouterr().out
    assert "保密局邮箱：已发送" in out and "教育局群：已发送" in out and "督查群：已发送" in out
    assert len(smtp.messages) == 1 and len(hooks.calls) == 2
    assert all("告警通道测试" in json.dumps(payload, ensure_ascii=False) for _, payload in hooks.calls)
