"""A small HTTP/1.1 server on asyncio: one listener per loopback address, all on one port and one
event loop in a background thread. Keep-alive, Content-Length bodies (GET, HEAD, POST); enough
for crawlers and tests, fast enough that a patrol of the full demo network is not held back by it.
"""

from __future__ import annotations

import asyncio
import email.utils
import threading
from collections.abc import Callable

Handler = Callable[[str, str, str, dict, bytes], tuple[int, list[tuple[str, str]], bytes]]
REASONS = {
    200: "OK",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
}
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024


class _Connection(asyncio.Protocol):
    def __init__(self, owner: Listeners, address: str):
        self.owner, self.address = owner, address
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.owner.connections.add(transport)

    def connection_lost(self, exc) -> None:
        self.owner.connections.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None and not self.transport.is_closing():
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD:
                    self._reply(400, [], b"", "HTTP/1.1", keep=False)
                return
            lines = self.buf[:end].decode("latin-1").split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._reply(400, [], b"", "HTTP/1.1", keep=False)
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            try:
                length = int(headers.get("content-length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY or "chunked" in headers.get("transfer-encoding", "").lower():
                self._reply(413 if length > MAX_BODY else 400, [], b"", version, keep=False)
                return
            if len(self.buf) < end + 4 + length:
                return  # wait for the rest of the body
            body = self.buf[end + 4 : end + 4 + length]
            self.buf = self.buf[end + 4 + length :]
            conn = headers.get("connection", "").lower()
            keep = conn != "close" if version == "HTTP/1.1" else conn == "keep-alive"
            if method not in ("GET", "HEAD", "POST"):
                self._reply(405, [("Allow", "GET, HEAD, POST")], b"", version, keep)
                continue
            try:
                status, hdrs, data = self.owner.handler(self.address, method, target, headers, body)
            except Exception:  # a bug in the demo must not hang the client
                status, hdrs, data = 500, [("Content-Type", "text/plain")], b"internal error"
            self._reply(
                status,
                hdrs,
                b"" if method == "HEAD" else data,
                version,
                keep,
                length=None if status == 304 else len(data),
            )

    def _reply(
        self,
        status: int,
        headers: list[tuple[str, str]],
        data: bytes,
        version: str,
        keep: bool,
        length: int | None = -1,
    ) -> None:
        head = [
            f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}",
            "Server: Microsoft-IIS/6.0",
            f"Date: {email.utils.formatdate(usegmt=True)}",
        ]
        head += [f"{k}: {v}" for k, v in headers]
        if length is not None:
            head.append(f"Content-Length: {len(data) if length == -1 else length}")
        if not keep:
            head.append("Connection: close")
        elif version == "HTTP/1.0":
            head.append("Connection: keep-alive")
        self.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        if not keep:
            self.transport.close()


class Listeners:
    """Listeners on several addresses sharing one port, served by one loop thread."""

    def __init__(self, addresses: list[str], handler: Handler):
        self.addresses, self.handler = addresses, handler
        self.connections: set[asyncio.Transport] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="demo-httpd", daemon=True)
        self.servers: list[asyncio.AbstractServer] = []

    def start(self, port: int = 0) -> int:
        """Bind every address; with port 0, one port that is free on all of them. Returns the port."""
        self.thread.start()
        for attempt in range(30):
            try:
                return asyncio.run_coroutine_threadsafe(self._bind(port), self.loop).result(30)
            except OSError:
                if port or attempt == 29:
                    self.stop()
                    raise
        raise OSError("no common free port")

    async def _bind(self, port: int) -> int:
        servers: list[asyncio.AbstractServer] = []
        try:
            for addr in self.addresses:
                srv = await self.loop.create_server(
                    lambda a=addr: _Connection(self, a), addr, port, backlog=512, reuse_address=True
                )
                servers.append(srv)
                port = port or srv.sockets[0].getsockname()[1]
        except OSError:
            for srv in servers:
                srv.close()
            raise
        self.servers = servers
        return port

    async def _close(self) -> None:
        for srv in self.servers:
            srv.close()
        for t in list(self.connections):
            t.abort()
        for srv in self.servers:
            await srv.wait_closed()

    def stop(self) -> None:
        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(30)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
        if not self.loop.is_running() and not self.loop.is_closed():
            self.loop.close()
