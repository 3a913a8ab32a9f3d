"""Every link of a page, resolved, with a flag for navigation-like containers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from . import patterns as P
from .dom import Doc, norm_space


@dataclass
class Link:
    url: str
    text: str
    title: str | None
    nav: bool  # inside a nav/menu/header/footer-like container


def doc_links(doc: Doc) -> list[tuple[Link, object]]:
    """(Link, element) for every <a href> outside scripts, in document order."""
    out = []
    for a in doc.root.iter("a", "area"):
        url = doc.resolve(a.get("href"))
        if url:
            out.append((link_of(doc, a, url), a))
    return out


def link_of(doc: Doc, a, url: str) -> Link:
    """The ``Link`` of one <a>/<area> whose href resolved to ``url``."""
    text = norm_space(a.text_content())
    if not text:
        img = a.find(".//img")
        if img is not None:
            text = norm_space(img.get("alt") or img.get("title") or "")
    title = norm_space(a.get("title")) or None
    return Link(url=url, text=text, title=title, nav=doc.is_nav(a) or doc.is_hidden(a))


def page_links(url: str, html: str) -> list[Link]:
    """Every <a href> of the page: resolved against the page URL / <base>, fragment dropped,
    javascript:/mailto: dropped, in document order (duplicates kept)."""
    return [link for link, _ in doc_links(Doc(url, html))]


def is_attachment_url(url: str) -> bool:
    """A document/archive link by extension, or a download-ish URL."""
    if P.ATTACHMENT_EXT_RE.search(url):
        return True
    path = urlsplit(url).path.lower()
    return bool(P.DOWNLOAD_URL_RE.search(url)) and not path.endswith((".html", ".htm", ".shtml", "/"))


def looks_like_article_url(url: str) -> bool:
    """The shape of an article URL (t20120305_1.html, art_1_2.html, show.asp?id=3, content.jsp …)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if P.LISTING_WORD_RE.search(name):
        return bool(P.ARTICLE_URL_RE.search(urlsplit(url).path))
    return bool(P.ARTICLE_URL_RE.search(url) or P.ARTICLE_FILE_RE.search(name))


def looks_like_listing_url(url: str) -> bool:
    """A directory URL or index/default/list page: the shape of a column, not an article."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith("/"):
        return True
    name = path.rsplit("/", 1)[-1]
    if P.LISTING_FILE_RE.match(name):
        return True
    if "." not in name:
        return True
    return False


# ---------------------------------------------------------------------------- script-driven rows
SCRIPT_ITEM_PREFIX = "item-"
_SCRIPT_HREF_RE = re.compile(r"^\s*javascript:", re.I)


def is_script_link(a) -> bool:
    """A link a script drives: a ``javascript:`` href, or an onclick opener on an empty/'#' href."""
    href = a.get("href")
    if href is not None and _SCRIPT_HREF_RE.match(href):
        return True
    return bool((a.get("onclick") or "").strip()) and (href is None or href.strip() in ("", "#"))


def script_item_url(
    column_url: str,
    title: str,
    date: dt.date | None,
    occurrence: int = 1,
    partial: tuple[int, int] | None = None,
) -> str:
    """The identity of a row whose link is script-driven (contract, counts paragraph): the column
        URL plus its title and date, as ``<column URL>#item-<16 hex of sha1("title|YYYY-MM-DD")>``
    (a row showing MM-DD only: ``title|MM-DD``);
        the n-th repeat of the same title and date on one page (a distinct record) adds ``-n``.

        It is never fetched (``is_script_item_url``): a fragment is not sent to the server, the
        request would only fetch the column page again."""
    shown = date.isoformat() if date else (f"{partial[0]:02d}-{partial[1]:02d}" if partial else "")
    key = f"{title}|{shown}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    suffix = f"-{occurrence}" if occurrence > 1 else ""
    return f"{urldefrag(column_url)[0]}#{SCRIPT_ITEM_PREFIX}{digest}{suffix}"


def is_script_item_url(url: str) -> bool:
    """True for a synthetic item URL made by ``script_item_url`` (item URLs of real links never
    carry a fragment: it is dropped when a link is resolved)."""
    return urlsplit(url).fragment.startswith(SCRIPT_ITEM_PREFIX)
