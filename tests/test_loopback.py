"""tests/loopback.py: the one loopback server the test networks share, and every network on it."""

from __future__ import annotations

import http.client
import importlib
import socket
from urllib.parse import urlsplit

import pytest

from tests.loopback import Loopback, QuietHandler, free_port

PAGE = (200, {"Content-Type": "text/html; charset=utf-8"}, "<p>首页</p>")


def _get(host: str, port: int, path: str, method: str = "GET") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_pages_on_several_addresses_share_one_port():
    pages = {("127.0.0.2", "/"): PAGE, "/a": (301, {"Location": "/"}, b"")}
    with Loopback(["127.0.0.1", "127.0.0.2"], pages=pages) as lb:
        assert lb.port > 0 and [s.server_address for s in lb.servers] == [
            ("127.0.0.1", lb.port),
            ("127.0.0.2", lb.port),
        ]
        assert _get("127.0.0.2", lb.port, "/") == (200, "<p>首页</p>".encode())
        assert _get("127.0.0.1", lb.port, "/")[0] == 404  # a (host, path) page is that host's only
        assert _get("127.0.0.1", lb.port, "/a")[0] == 301  # a bare path is every host's
        assert _get("127.0.0.2", lb.port, "/", method="HEAD") == (200, b"")
        assert lb.url("127.0.0.2", "/x") == f"http://127.0.0.2:{lb.port}/x"


def test_a_handler_sees_its_network_and_address():
    seen = []

    class H(QuietHandler):
        def do_GET(self):  # noqa: N802
            seen.append((self.server.network, self.server.ip, self.path))
            self.send(200, {"Content-Type": "text/plain"}, b"ok")

    net = object()
    with Loopback(["127.0.0.3"], H, network=net, extra=["127.0.0.3"]) as lb:
        assert len(lb.ports_extra) == 1 and lb.ports_extra[0] != lb.port
        assert _get("127.0.0.3", lb.ports_extra[0], "/q?x=1") == (200, b"ok")
    assert seen == [(net, "127.0.0.3", "/q?x=1")]


def test_a_port_taken_on_one_address_moves_the_whole_network():
    hold = socket.socket()
    hold.bind(("127.0.0.5", 0))
    hold.listen(1)
    try:
        lb = Loopback(["127.0.0.4", "127.0.0.5"], pages={"/": PAGE})
        # the first address offers the held port once; the next attempt takes another one
        offered = iter([hold.getsockname()[1]])
        real = lb._server

        def server(host, port):
            return real(host, next(offered, port) if port == 0 else port)

        lb._server = server
        with lb:
            assert lb.port != hold.getsockname()[1]
            assert _get("127.0.0.5", lb.port, "/")[0] == 200
    finally:
        hold.close()


def test_stop_frees_the_port_and_a_restart_takes_a_new_one():
    lb = Loopback(["127.0.0.6"], pages={"/": PAGE}).start()
    port = lb.port
    lb.stop()
    lb.stop()  # idempotent
    with socket.socket() as s:
        s.bind(("127.0.0.6", port))  # free again
    lb.start()
    try:
        assert lb.servers and _get("127.0.0.6", lb.port, "/")[0] == 200
    finally:
        lb.stop()


def test_nothing_binds_outside_loopback():
    with pytest.raises(ValueError):
        Loopback(["0.0.0.0"], pages={})
    with pytest.raises(ValueError):
        Loopback(["127.0.0.1"], pages={}, extra=["10.0.0.1"])
    with pytest.raises(ValueError):
        free_port("192.168.1.1")


NETWORKS = [
    ("tests.fallbacknet.network", "FallbackNetwork"),
    ("tests.inspectnet.network", "InspectNetwork"),
    ("tests.othernet.network", "OtherNetwork"),
    ("tests.othernet2.network", "OtherNetwork2"),
    ("tests.othernet3.network", "OtherNetwork3"),
    ("tests.othernet4.network", "OtherNetwork4"),
    ("tests.othernet5.network", "OtherNetwork5"),
    ("tests.othernet6.network", "OtherNetwork6"),
    ("tests.scopenet.network", "ScopeNetwork"),
    ("tests.scriptnet.network", "ScriptNetwork"),
]


@pytest.mark.parametrize("module, name", NETWORKS, ids=[m.split(".")[1] for m, _ in NETWORKS])
def test_every_network_serves_its_configured_sites_and_stops(module, name, tmp_path):
    import yaml

    net = getattr(importlib.import_module(module), name)().start()
    try:
        cfg = tmp_path / "patrol.yaml"
        net.write_config(cfg)
        sites = yaml.safe_load(cfg.read_text(encoding="utf-8"))["sites"]
        assert sites
        for site in sites:
            url = urlsplit(site["url"])
            status, body = _get(url.hostname, url.port, url.path or "/")
            assert status in (200, 301, 302), (site["id"], status)
            assert url.hostname.startswith("127.")
        addresses = {(urlsplit(s["url"]).hostname, urlsplit(s["url"]).port) for s in sites}
    finally:
        net.stop()
    for address in addresses:
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex(address) != 0  # nobody answers any more
