"""URL rules shared by the spider, the store and the reports."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# ARCHITECTURE.md: a trailing index.html, index.htm, default.htm(l) or default.asp(x) is removed
_INDEX_RE = re.compile(r"/(?:index\.html?|default\.(?:html?|aspx?))$", re.I)
PAGE_PARAMS = {"page", "pageno", "page_no", "pagenum", "pageindex", "curpage", "currentpage", "p", "pn", "cp"}


def column_url(url: str) -> str:
    """The column URL of ARCHITECTURE.md: first list page, trailing index file and page parameter dropped."""
    parts = urlsplit(url)
    path = _INDEX_RE.sub("/", parts.path)
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in PAGE_PARAMS]
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))


def in_scope(url: str, scope: list[str]) -> bool:
    return any(url.startswith(prefix) for prefix in scope)
