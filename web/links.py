"""Outbound links to crawled sites: only http(s) URLs become links, anything else stays text."""

from __future__ import annotations

from urllib.parse import urlsplit


def href(url: str | None) -> str | None:
    """``url`` when it is safe to put in an ``href`` (http or https with a host), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()
