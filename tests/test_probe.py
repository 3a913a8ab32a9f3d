"""Reachability probes against loopback servers: every failure kind, scope kept on redirects."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from config.patrolconf import parse
from inspection.models import Probe
from inspection.probe import classify_error, probe_url
from reports.rules import load_rules

MARKERS = load_rules().inspection.error_page_markers
HOME = (
    "<html><head><title>某县人民政府</title></head><body><h1>某县人民政府门户网站</h1>"
    + ("<p>政务要闻 县政府召开常务会议研究部署近期重点工作。</p>" * 40)
    + "</body></html>"
)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class Handler(BaseHTTPRequestHandler):
    seen: list[str] = []

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: str, headers: dict | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        Handler.seen.append(f"{self.server.server_address[1]}{self.path}")
        path = self.path
        if path.startswith("/ok/"):
            self._send(200, HOME)
        elif path.startswith("/slow/"):
            time.sleep(2.5)
            self._send(200, HOME)
        elif path.startswith("/drip/"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(30):
                try:
                    self.wfile.write(b"<p>" + "慢".encode() * 20 + b"</p>")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)
        elif path.startswith("/e500/"):
            self._send(500, "<html><body>Internal Server Error</body></html>")
        elif path.startswith("/e503/"):
            self._send(503, "<html><body>Service Unavailable</body></html>")
        elif path.startswith("/e404/"):
            self._send(404, "<html><body>not here</body></html>")
        elif path.startswith("/gone/"):
            self._send(
                200,
                "<html><head><title>提示</title></head><body><p>对不起，您访问的页面不存在！</p></body></html>",
            )
        elif path.startswith("/maint/"):
            self._send(
                200,
                "<html><head><title>提示</title></head><body><p>网站维护中，请稍后访问。</p></body></html>",
            )
        elif path.startswith("/blank/"):
            self._send(200, "   ")
        elif path.startswith("/hop/"):
            self._send(302, "", {"Location": "/ok/"})
        elif path.startswith("/away/"):
            self._send(302, "", {"Location": self.server.offsite + "/trap/"})
        elif path.startswith("/loop/"):
            self._send(302, "", {"Location": "/loop/"})
        elif path.startswith("/reset/"):
            sock = self.connection
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        else:
            self._send(404, "")


@pytest.fixture(scope="module")
def servers():
    main = Server(("127.0.0.1", 0), Handler)
    other = Server(("127.0.0.1", 0), Handler)
    main.offsite = other.offsite = f"http://127.0.0.1:{other.server_address[1]}"
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (main, other)]
    for t in threads:
        t.start()
    yield f"http://127.0.0.1:{main.server_address[1]}", other.server_address[1]
    for s in (main, other):
        s.shutdown()
        s.server_close()


def _probe(base: str, path: str, timeout: float = 1.5):
    return probe_url(f"{base}{path}", [f"{base}{path}"], timeout, markers=MARKERS)


def test_a_homepage_that_loads_is_ok(servers):
    base, _ = servers
    o = _probe(base, "/ok/")
    assert o.ok and o.status == 200 and o.failure == "" and o.elapsed_ms >= 0


@pytest.mark.parametrize(
    "path,failure,status",
    [
        ("/slow/", "timeout", None),
        ("/drip/", "timeout", 200),
        ("/e500/", "http_5xx", 500),
        ("/e503/", "http_5xx", 503),
        ("/e404/", "http_4xx", 404),
        ("/gone/", "soft_error", 200),
        ("/maint/", "soft_error", 200),
        ("/blank/", "soft_error", 200),
        ("/reset/", "reset", None),
        ("/loop/", "other", None),
    ],
)
def test_failure_kinds(servers, path, failure, status):
    base, _ = servers
    o = _probe(base, path)
    assert (o.ok, o.failure, o.status) == (False, failure, status), o
    if failure == "timeout":
        assert o.elapsed_ms < 2400  # the limit holds for the whole load, body included


def test_refused_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    o = probe_url(f"http://127.0.0.1:{port}/", [f"http://127.0.0.1:{port}/"], 2)
    assert (o.ok, o.failure) == (False, "refused")


def test_tls_failure_on_a_plain_http_port(servers):
    base, _ = servers
    url = base.replace("http://", "https://") + "/ok/"
    o = probe_url(url, [url], 2)
    assert (o.ok, o.failure) == (False, "tls"), o


def test_dns_failure_is_classified():
    assert classify_error(urllib.error.URLError(socket.gaierror(-2, "Name or service not known")))[0] == "dns"
    assert classify_error(urllib.error.URLError(ssl.SSLError(1, "bad")))[0] == "tls"
    assert classify_error(urllib.error.URLError(TimeoutError("timed out")))[0] == "timeout"


def test_a_redirect_inside_the_scope_is_followed(servers):
    base, _ = servers
    o = probe_url(f"{base}/hop/", [f"{base}/"], 2, markers=MARKERS)
    assert o.ok and o.url == f"{base}/ok/"


def test_a_redirect_out_of_the_scope_is_never_requested(servers):
    base, other_port = servers
    Handler.seen.clear()
    o = probe_url(f"{base}/away/", [f"{base}/"], 2, markers=MARKERS)
    assert (o.ok, o.failure) == (False, "offsite_redirect")
    assert o.url.endswith("/trap/")
    assert not [s for s in Handler.seen if s.startswith(str(other_port))]
    # a redirect into the same host but outside the site's folder is out of scope too
    o = probe_url(f"{base}/hop/", [f"{base}/hop/"], 2)
    assert o.failure == "offsite_redirect" and f"{base}/ok/" not in Handler.seen


@pytest.mark.django_db
def test_patrol_probe_stores_each_round(servers, tmp_path, settings, capsys):
    base, _ = servers
    cfg = tmp_path / "patrol.yaml"
    cfg.write_text(
        "sites:\n"
        f"  - {{id: good, name: 好网站, tier: county, url: '{base}/ok/'}}\n"
        f"  - {{id: bad, name: 坏网站, tier: town, url: '{base}/e500/'}}\n"
        "inspection:\n  probe_timeout_seconds: 2\n",
        encoding="utf-8",
    )
    parse(cfg.read_text(encoding="utf-8"), str(cfg))
    settings.PATROL_CONFIG = str(cfg)
    call_command("probe", "--rounds", "2", "--interval", "0")
    rows = list(
        Probe.objects.order_by("site__site_id", "at").values_list("site__site_id", "ok", "failure", "status")
    )
    assert rows == [("bad", False, "http_5xx", 500)] * 2 + [("good", True, "", 200)] * 2
    call_command("probe", "--site", "good")
    assert Probe.objects.filter(site__site_id="good").count() == 3
    assert Probe.objects.filter(site__site_id="bad").count() == 2
    out = capsys.readouterr().out
    assert "服务器错误" in out and "第 2 轮" in out


def test_no_real_page_is_taken_for_an_error_page():
    """Every saved real government page (../shared/real-pages: homes, lists, details) served on
    loopback loads as ok: the error-page test must not fail a real site."""
    from tests.conftest import SHARED

    pages = sorted((SHARED / "real-pages" / "pages").glob("*.html"))
    if not pages:
        pytest.skip("../shared/real-pages is not available")

    class Real(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            data = (SHARED / "real-pages" / "pages" / self.path.strip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = Server(("127.0.0.1", 0), Real)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        failed = {}
        for p in pages:
            o = probe_url(f"{base}/{p.name}", [base + "/"], 10, markers=MARKERS)
            if not o.ok:
                failed[p.name] = (o.failure, o.detail)
        assert failed == {}
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_the_countys_own_error_markers_apply(servers, tmp_path, settings):
    """A rules file named by patrol.yaml (``rules:``) adds its own markers: the probe reads them."""
    import yaml

    base, _ = servers
    from reports.rules import DEFAULT_RULES

    rules = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    rules["inspection"]["error_page"]["markers"] = ["请稍后访问"]
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    cfg = tmp_path / "patrol.yaml"
    cfg.write_text(
        f"sites:\n  - {{id: m, name: 维护站, tier: town, url: '{base}/maint/'}}\nrules: rules.yaml\n",
        encoding="utf-8",
    )
    settings.PATROL_CONFIG = str(cfg)
    from inspection.probe import probe_round

    [p] = probe_round(parse(cfg.read_text(encoding="utf-8"), str(cfg)))
    assert (p.ok, p.failure, p.detail) == (False, "soft_error", "错误提示页（请稍后访问）")
