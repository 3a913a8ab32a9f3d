"""Reachability probes (站点无法访问, RULES.md): one GET of each homepage, its outcome stored.

A probe is plain ``urllib`` in its own process (``patrol probe``), so a patrol running never
delays it. Each site's homepage is requested with the probe timeout as a limit for the whole
load (connect, redirects and body); the outcome is one of:

* ok — a 2xx/3xx-ended page that is not an error page;
* ``timeout`` (not loaded within the limit), ``refused``, ``reset``, ``dns``, ``tls``;
* ``http_5xx`` / ``http_4xx`` — the server answered with an error status;
* ``soft_error`` — a 200 page that is an error page: the crawler's soft-404 test with the rules file's
  ``soft_404_markers`` (``crawler.extract.markers``)
  (``crawler.extract.parse_detail(...).soft_404``), the rules' error-page markers on a short page
  (系统维护, Service Unavailable …), or an empty body;
* ``offsite_redirect`` — the homepage redirects out of the site's configured scope: the target is
  never requested (scope is a promise: every hop is checked with ``crawler.urls.in_scope``);
* ``other``.

Probes are counted per site over the window of ``reports.inspection``.
"""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin

from crawler.urls import in_scope

MAX_REDIRECTS = 5
MAX_BODY = 2 * 1024 * 1024  # an error page is short; a homepage's first 2 MB tell enough
CHUNK = 64 * 1024
DEFAULT_TIMEOUT = 15.0
USER_AGENT = "portal-patrol/0.1 (+government website inspection; reachability probe)"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    elapsed_ms: int
    failure: str = ""  # models.FAILURE_KINDS
    url: str = ""  # the URL that answered last
    detail: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by :func:`probe_url` itself, hop by hop, after a scope check."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


def _opener(verify_tls: bool) -> urllib.request.OpenerDirector:
    ctx = ssl.create_default_context()
    if not verify_tls:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # loopback and the county's hosts only: never an env proxy
        urllib.request.HTTPSHandler(context=ctx),
        _NoRedirect,
    )


def classify_error(exc: BaseException) -> tuple[str, str]:
    """(failure kind, detail) of a network exception (``URLError`` unwrapped)."""
    reason = (
        exc.reason
        if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError)
        else exc
    )
    text = f"{type(reason).__name__}: {reason}"[:300]
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timeout", text
    if isinstance(reason, socket.gaierror):
        return "dns", text
    if isinstance(reason, (ssl.SSLError, ssl.CertificateError)):
        return "tls", text
    if isinstance(reason, ConnectionRefusedError):
        return "refused", text
    if isinstance(reason, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)):
        return "reset", text
    if isinstance(reason, ConnectionAbortedError):
        return "reset", text
    if isinstance(reason, OSError) and reason.errno in (errno.ECONNREFUSED,):
        return "refused", text
    if isinstance(reason, OSError) and reason.errno in (errno.ECONNRESET, errno.EPIPE):
        return "reset", text
    if isinstance(reason, OSError) and reason.errno in (errno.ETIMEDOUT,):
        return "timeout", text
    if isinstance(reason, str) and "timed out" in reason:
        return "timeout", text
    return "other", text


def error_page(url: str, body: bytes, charset: str | None, markers: tuple[str, ...], max_text: int) -> str:
    """Why a 200 answer is an error page ('' when it is a real page)."""
    from crawler.extract import decode_html, parse_detail

    if not body.strip():
        return "空白页面"
    html = decode_html(body, charset)
    detail = parse_detail(url, html)
    if detail.soft_404:
        return "页面不存在提示页"
    text = "".join(detail.text.split())
    if len(text) < max_text:
        hit = next((m for m in markers if "".join(m.split()).lower() in text.lower()), None)
        if hit:
            return f"错误提示页（{hit}）"
    return ""


def _limit_socket(resp, seconds: float) -> None:
    """Bound the next read by the time left (a server dripping bytes cannot stretch the load)."""
    sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        try:
            sock.settimeout(seconds)
        except OSError:
            pass


def probe_url(
    url: str,
    scope: list[str],
    timeout: float = DEFAULT_TIMEOUT,
    *,
    verify_tls: bool = False,
    markers: tuple[str, ...] = (),
    max_text: int = 1200,
    user_agent: str = USER_AGENT,
) -> Outcome:
    """One probe of ``url``: every redirect hop inside ``scope`` (never requested otherwise),
    the whole load within ``timeout`` seconds."""
    opener = _opener(verify_tls)
    start = time.monotonic()
    deadline = start + timeout

    def elapsed() -> int:
        return int((time.monotonic() - start) * 1000)

    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if not in_scope(current, scope):
            return Outcome(
                False, None, elapsed(), "offsite_redirect", current, f"跳转到范围外：{current}"[:500]
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Outcome(False, None, elapsed(), "timeout", current, f"{timeout:g} 秒内未打开")
        req = urllib.request.Request(
            current,
            headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.8", "Cache-Control": "no-cache"},
        )
        try:
            resp = opener.open(req, timeout=remaining)
        except urllib.error.HTTPError as exc:
            status = exc.code
            location = exc.headers.get("Location") if exc.headers else None
            exc.close()
            if 300 <= status < 400 and location:
                current = urljoin(current, location.strip())
                continue
            kind = "http_5xx" if status >= 500 else "http_4xx" if status >= 400 else "other"
            return Outcome(False, status, elapsed(), kind, current, f"HTTP {status}")
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            kind, text = classify_error(exc)
            return Outcome(False, None, elapsed(), kind, current, text)
        status = resp.status
        try:
            with resp:
                body = bytearray()
                while len(body) < MAX_BODY:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return Outcome(
                            False, status, elapsed(), "timeout", current, f"{timeout:g} 秒内未载完"
                        )
                    _limit_socket(resp, left)
                    chunk = resp.read1(CHUNK)
                    if not chunk:
                        break
                    body += chunk
                charset = resp.headers.get_content_charset()
        except (OSError, http.client.HTTPException) as exc:
            kind, text = classify_error(exc)
            return Outcome(False, status, elapsed(), kind, current, text)
        took = elapsed()
        if time.monotonic() > deadline:
            return Outcome(False, status, took, "timeout", current, f"{timeout:g} 秒内未载完")
        why = error_page(current, bytes(body), charset, markers, max_text)
        if why:
            return Outcome(False, status, took, "soft_error", current, why)
        return Outcome(True, status, took, "", current, "")
    return Outcome(False, None, elapsed(), "other", current, f"重定向超过 {MAX_REDIRECTS} 次")


def probe_round(conf, site_ids: list[str] | None = None, workers: int = 8) -> list:
    """Probe every configured site's homepage once (or only ``site_ids``); store and return the
    ``Probe`` rows. Site rows missing from the store are created from the config; existing ones
    are never changed here (a site's move is the patrol's to notice)."""
    from django.utils import timezone

    from crawler.models import Site
    from reports.rules import load_rules

    from .models import Probe

    sites = [s for s in conf.sites if not site_ids or s.id in site_ids]
    unknown = set(site_ids or []) - {s.id for s in sites}
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    rules = load_rules(conf.rules).inspection
    from crawler.extract import markers

    markers.configure(conf.rules)  # the county's soft-404 markers, as the crawl reads them
    timeout = float(conf.inspection.get("probe_timeout_seconds") or DEFAULT_TIMEOUT)
    verify = bool(conf.crawl.get("verify_tls", False))
    rows = {}
    for s in sites:
        rows[s.id], _ = Site.objects.get_or_create(
            site_id=s.id, defaults={"name": s.name, "tier": s.tier, "url": s.url, "scope": s.scope}
        )
    at = timezone.now()

    def one(s):
        return probe_url(
            s.url,
            s.scope,
            timeout,
            verify_tls=verify,
            markers=rules.error_page_markers,
            max_text=rules.error_page_max_text,
        )

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sites)))) as pool:
        outcomes = list(pool.map(one, sites))
    return [
        Probe.objects.create(
            site=rows[s.id],
            at=at,
            ok=o.ok,
            status=o.status,
            elapsed_ms=o.elapsed_ms,
            failure=o.failure,
            url=o.url[:2000],
            detail=o.detail[:500],
        )
        for s, o in zip(sites, outcomes, strict=True)
    ]
