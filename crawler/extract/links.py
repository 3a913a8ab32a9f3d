"""Every link of a page, resolved, with a flag for navigation-like containers."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

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
        if not url:
            continue
        text = norm_space(a.text_content())
        if not text:
            img = a.find(".//img")
            if img is not None:
                text = norm_space(img.get("alt") or img.get("title") or "")
        title = norm_space(a.get("title")) or None
        out.append((Link(url=url, text=text, title=title, nav=doc.is_nav(a) or doc.is_hidden(a)), a))
    return out


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
