"""Discovery on homepages and disclosure pages: the 信息公开 entry, column-tree links, and the
newest date a homepage's news blocks show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

from . import patterns as P
from .dates import resolve_partial
from .dom import Doc, collapse
from .links import Link, doc_links, is_attachment_url, looks_like_article_url
from .rows import date_of_row, row_groups


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    strip = (
        "/",
        "/index.html",
        "/index.htm",
        "/index.shtml",
        "/default.htm",
        "/default.html",
        "/index.jsp",
        "/index.php",
        "/default.aspx",
        "/default.asp",
    )

    def norm(path: str) -> str:
        for s in strip:
            if path.endswith(s):
                return path[: -len(s)]
        return path

    return pa.netloc.lower() == pb.netloc.lower() and norm(pa.path) == norm(pb.path)


def find_disclosure_entry(url: str, html: str, accept: Callable[[str], bool] | None = None) -> str | None:
    """The homepage's link to the 信息公开 platform (政府信息公开 / 信息公开 / 政务公开 /
    信息公开目录, most specific text first; a link back to the homepage itself loses). ``accept``
    filters the links (a sub-site on a 集约化 platform links to the county's platform too)."""
    doc = Doc(url, html)
    best: tuple[tuple, str] | None = None
    for i, (link, _) in enumerate(doc_links(doc)):
        if accept is not None and not accept(link.url):
            continue
        for text in (collapse(link.text), collapse(link.title or "")):
            if not text or len(text) > 12 or P.DISCLOSURE_EXCLUDE_RE.search(text):
                continue
            score = 0
            for phrase, weight in P.DISCLOSURE_TEXTS:
                if text == phrase:
                    score = max(score, weight + 5)
                elif phrase in text:
                    score = max(score, weight - 10)
            if not score:
                continue
            key = (score, not _same_page(link.url, url), not is_attachment_url(link.url), -i)
            if best is None or key > best[0]:
                best = (key, link.url)
    return best[1] if best else None


def column_candidates(url: str, html: str, exclude: set[str]) -> list[Link]:
    """Links on a disclosure entry/column page that look like column (tree) links: short names, no
    date in their row, not article URLs, not attachments, not footers, not in ``exclude``."""
    doc = Doc(url, html)
    out: list[Link] = []
    seen = set(exclude)
    for link, a in doc_links(doc):
        text = collapse(link.text) or collapse(link.title or "")
        if link.url in seen or not text or len(text) > P.COLUMN_NAME_MAX or P.NON_COLUMN_TEXT_RE.match(text):
            continue
        if text.isdigit() or is_attachment_url(link.url) or looks_like_article_url(link.url):
            continue
        if _same_page(link.url, url) or urlsplit(link.url).path in ("", "/"):
            continue
        if _in_footer(a):
            continue
        if _row_has_date(a):
            continue
        seen.add(link.url)
        out.append(link)
    return out


def _row_has_date(a) -> bool:
    """The link's row (nearest li/tr/dd, else its parent) shows a date: an item, not a column."""
    row = a.getparent()
    for node in list(a.iterancestors())[:3]:
        if node.tag in P.ROW_TAGS:
            row = node
            break
    if row is None or row.tag in ("body", "html") or len(collapse(row.text_content())) > 160:
        return False
    d, p = date_of_row(row, a)
    return bool(d or p)


def _in_footer(el) -> bool:
    while el is not None and isinstance(el.tag, str):
        if el.tag == "footer" or P.FOOTER_CLASS_RE.search(
            ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
        ):
            return True
        el = el.getparent()
    return False


def homepage_latest(
    url: str, html: str, today: dt.date | None = None, reference: dt.date | None = None
) -> dt.date | None:
    """Newest date shown in the homepage's news rows. MM-DD resolves to the most recent date <=
    ``reference`` (the site's newest known publish date; default ``today``), so a homepage is read
    as it stood when its items were published, not against the day the patrol happens to run.
    Dates after ``today`` (typos, event dates) are ignored."""
    today = today or dt.date.today()
    reference = min(reference or today, today)
    doc = Doc(url, html)
    best: dt.date | None = None
    for rows in row_groups(doc, doc.root):
        for r in rows:
            d = r.date or (resolve_partial(r.partial, reference) if r.partial else None)
            if d and d <= today and (best is None or d > best):
                best = d
    return best
