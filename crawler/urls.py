"""URL rules shared by the spider, the store and the reports."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from crawler.extract.urlrules import INDEX_FILE_RE, PAGE_PARAMS

# ARCHITECTURE.md: a trailing index.html, index.htm, default.htm(l) or default.asp(x) is removed, and a
# page-number parameter dropped (the names: crawler/extract/urlrules.py, part of patterns.py, the one home of crawl rules)
_INDEX_RE = re.compile(r"/(?:" + INDEX_FILE_RE.pattern + r")$", re.I)


def column_url(url: str) -> str:
    """The column URL of ARCHITECTURE.md: first list page, trailing index file and page parameter dropped."""
    parts = urlsplit(url)
    path = _INDEX_RE.sub("/", parts.path)
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in PAGE_PARAMS]
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))


# -- scopes (ARCHITECTURE.md: host, port and whole path segments; http and https alike; no userinfo) --
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Scope:
    """A parsed scope: host (lower case, IDNA), port (None = the scheme's default), path segments."""

    host: str
    port: int | None
    segments: tuple[str, ...]


def _decode(text: str) -> str:
    """Percent-decode until stable (a server may decode twice)."""
    for _ in range(4):
        decoded = unquote(text, errors="surrogateescape")
        if decoded == text:
            break
        text = decoded
    return text


def _segments(path: str, strip_params: bool = False) -> tuple[str, ...]:
    """Path segments after removing ``.``/``..`` (RFC 3986 5.2.4) and empty segments, each then
    decoded for comparison (a segment still encoded here, such as ``%2e``, is no dot segment in this
    reading, and its decoded form never equals a scope's segment)."""
    stack: list[str] = []
    for seg in path.split("/"):
        if strip_params:
            seg = seg.split(";", 1)[0]  # Tomcat-style path parameters: /a;x/..;/b
        if seg in ("", "."):
            continue
        if seg == "..":
            if stack:
                stack.pop()
            continue
        stack.append(_decode(seg))
    return tuple(stack)


def _path_readings(path: str) -> frozenset[tuple[str, ...]]:
    """Every way a server may read ``path``: raw, decoded once or fully before splitting, a backslash as a
    character or as ``/``, path parameters kept or dropped. A URL is in a scope only if all agree."""
    out = set()
    for p in {path, unquote(path, errors="surrogateescape"), _decode(path)}:
        for q in {p, p.replace("\\", "/")}:
            out.add(_segments(q))
            out.add(_segments(q, strip_params=True))
    return frozenset(out)


@lru_cache(maxsize=65536)
def _authority(url: str) -> tuple[str, int | None, str] | None:
    """(host, port or None for the default, path) of an http(s) URL; None when it can name no scope.

    A protocol-relative URL (``//host/path``) is read as http (http and https are alike here).
    Userinfo, backslashes, percent signs or spaces in the authority, a bad port or a bad host
    name never match anything.
    """
    text = url.strip()
    if text.startswith("//"):
        text = "http:" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if scheme not in _DEFAULT_PORTS or not netloc:
        return None
    if any(c in netloc for c in "@\\%") or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in netloc):
        return None
    host = parts.hostname or ""
    host = host[:-1] if host.endswith(".") else host  # one trailing dot: the same (fully qualified) name
    if not host:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return host, port, parts.path


def scope_problem(scope: str) -> str | None:
    """Why ``scope`` cannot be a scope (for config validation), or None."""
    text = str(scope).strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.netloc:
        return "must be an absolute http(s) URL"
    if "@" in parts.netloc:
        return "must not hold user info (user:password@)"
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "has an invalid port"
    if _authority(text) is None:
        return "has an invalid host name"
    return None


@lru_cache(maxsize=4096)
def parse_scope(scope: str) -> Scope | None:
    """A configured scope; a trailing index file (index.html, default.aspx …) stands for its folder."""
    auth = _authority(scope)
    if auth is None:
        return None
    host, port, path = auth
    segments = _segments(_decode(path).replace("\\", "/"))
    if segments and INDEX_FILE_RE.fullmatch(segments[-1]) and not path.endswith("/"):
        segments = segments[:-1]
    return Scope(host, port, segments)


@lru_cache(maxsize=65536)
def _url_key(url: str) -> tuple[str, int | None, frozenset[tuple[str, ...]]] | None:
    auth = _authority(url)
    if auth is None:
        return None
    host, port, path = auth
    return host, port, _path_readings(path)


def scope_match(url: str, scope: str) -> int:
    """-1 when ``url`` is outside ``scope``, else the scope's length in path segments (longest wins)."""
    sc = parse_scope(scope)
    key = _url_key(url)
    if sc is None or key is None or (key[0], key[1]) != (sc.host, sc.port):
        return -1
    n = len(sc.segments)
    return n if all(r[:n] == sc.segments for r in key[2]) else -1


def scope_host(url: str) -> tuple[str, int | None] | None:
    """(host, port) as scopes compare them; None for a URL that can match no scope."""
    auth = _authority(url)
    return None if auth is None else auth[:2]


class ScopeIndex:
    """Many owners' scopes, looked up by host and port: the owner of the longest matching scope
    (the first one given on a tie)."""

    def __init__(self, entries: Iterable[tuple[Hashable, str]]):
        self.by_host: dict[tuple[str, int | None], list[tuple[tuple[str, ...], Hashable]]] = {}
        for owner, scope in entries:
            sc = parse_scope(scope)
            if sc is not None:
                self.by_host.setdefault((sc.host, sc.port), []).append((sc.segments, owner))

    def owner(self, url: str) -> Hashable | None:
        key = _url_key(url)
        if key is None:
            return None
        best: tuple[int, Hashable] | None = None
        for segments, owner in self.by_host.get((key[0], key[1]), ()):
            n = len(segments)
            if (best is None or n > best[0]) and all(r[:n] == segments for r in key[2]):
                best = (n, owner)
        return best[1] if best else None


def in_scope(url: str, scope: list[str]) -> bool:
    """True when ``url`` lies in one of the ``scope`` URLs (parsed comparison, not a string prefix)."""
    return any(scope_match(url, s) >= 0 for s in scope)
