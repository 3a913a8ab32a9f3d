"""``parse_list``: one list page of a column -> entries (rows), pager facts and column name."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml import etree

from . import patterns as P
from . import profiles
from .dates import row_date
from .dom import Doc, collapse, norm_space
from .links import looks_like_article_url, script_item_url
from .markers import markers
from .nextpage import PagerContext, run_next_page_chain
from .pager import pager_container
from .rows import Row, anchor_title, best_group, candidate_url, date_of_row, distance_to


@dataclass
class Entry:
    """One row of a list page."""

    url: str  # absolute
    title: str  # full title (title attribute when present, else link text)
    date: dt.date | None  # the row's own full date
    partial: tuple[int, int] | None  # (month, day) when the row shows MM-DD only
    pinned: bool  # 置顶 marker in the row
    script: bool = False  # the row's link is script-driven: url is synthetic, never fetch it

    @property
    def fetchable(self) -> bool:
        return not self.script


@dataclass
class ListPage:
    entries: list[Entry]
    empty: bool
    pages: list[str]
    next_url: str | None
    total_pages: int | None
    total_records: int | None
    profile: str
    column_name: str | None
    current_page: int | None = None
    warnings: list[str] = field(default_factory=list)
    post: bool = False  # later pages are requested by POST (a script pager over a form)


def _select(el: etree._Element, selector: str) -> list:
    """CSS selector, or XPath when it starts with / ( or ./"""
    sel = selector.strip()
    if sel.startswith(("/", "(", "./")):
        return el.xpath(sel)
    return el.cssselect(sel)


def _override_rows(doc: Doc, root: etree._Element, ov: dict) -> list[Row]:
    rows = []
    for row_el in _select(root, ov["row"]):
        if not isinstance(row_el, etree._Element):
            continue
        anchors = _select(row_el, ov["link"]) if ov.get("link") else list(row_el.iter("a"))
        anchors = [a for a in anchors if isinstance(a, etree._Element) and candidate_url(doc, a)]
        if not anchors:
            continue
        a = max(anchors, key=lambda x: len(anchor_title(x)))
        if ov.get("date"):
            found = _select(row_el, ov["date"])
            text = " ".join(x if isinstance(x, str) else x.text_content() for x in found)
            d, p = row_date(text)
        else:
            d, p = date_of_row(row_el, a)
        rows.append(
            Row(
                el=row_el,
                anchor=a,
                url=candidate_url(doc, a),
                title=anchor_title(a),
                date=d,
                partial=p,
                nav=False,
            )
        )
    return rows


def column_name(doc: Doc) -> str | None:
    """meta ColumnName, else the breadcrumb's last element, else the first part of <title>."""
    for name in P.COLUMN_META_NAMES:
        if doc.meta.get(name):
            return doc.meta[name]
    crumb = breadcrumb(doc)
    if crumb:
        return crumb[-1]
    parts = [p for p in P.TITLE_SPLIT_RE.split(doc.title) if p]
    return parts[0] if parts else None


def breadcrumb(doc: Doc) -> list[str]:
    """Breadcrumb trail ("当前位置：首页 > 信息公开 > 通知公告"), outermost first."""
    best = None
    for el in doc.root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        own = collapse(el.text or "")
        if P.BREADCRUMB_TEXT_RE.search(own) or (
            P.BREADCRUMB_CLASS_RE.search((el.get("class") or "") + " " + (el.get("id") or ""))
            and el.find(".//a") is not None
        ):
            if len(collapse(el.text_content())) < 200:
                best = el
                break
    if best is None:
        return []
    anchors = [norm_space(a.text_content()) for a in best.iter("a")]
    text = P.BREADCRUMB_TEXT_RE.sub("", collapse(best.text_content()))
    text = re.sub(r"^[^:：]{0,6}[:：]", "", text).strip()
    parts = [p.strip() for p in P.BREADCRUMB_SPLIT_RE.split(text) if p.strip()]
    if parts and (not anchors or parts[-1] != anchors[-1]) and len(parts[-1]) <= P.COLUMN_NAME_MAX:
        return parts
    return [a for a in anchors if a] or parts


def _is_conditional(el: etree._Element) -> bool:
    return any(k.lower().startswith(P.TEMPLATE_COND_ATTR_PREFIXES) for k in el.attrib)


def _unconditional_text(el: etree._Element) -> str:
    """Text of ``el`` without client-side conditional parts (ms-if, v-if …), which are not shown
    unless a script decides so."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not _is_conditional(child):
            parts.append(_unconditional_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _empty_marker(doc: Doc) -> etree._Element | None:
    """The smallest element whose text is (about) just the 暂无信息 message."""
    said = markers().empty
    best, best_key = None, None
    for el in doc.root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        raw = el.text_content()
        if len(raw) > 2000 or not said.search(raw):
            continue
        if _is_conditional(el) or any(_is_conditional(a) for a in el.iterancestors()):
            continue
        text = collapse(_unconditional_text(el))
        if len(text) <= 30 and said.search(text):
            key = (len(text), -len(list(el.iterancestors())))
            if best_key is None or key < best_key:
                best, best_key = el, key
    return best


def _rows_are_elsewhere(doc: Doc, root: etree._Element, rows: list[Row]) -> bool:
    """On a page saying 暂无信息: are the rows found something other than this column's list?

    Menu-like rows (mostly undated, mostly not article links) are; so are rows far from the message
    and far from any pager (a sidebar of other columns' news). Rows next to a pager are a real list
    and the message belongs to some other widget.
    """
    n = len(rows)
    dated = sum(1 for r in rows if r.date or r.partial)
    articles = sum(1 for r in rows if looks_like_article_url(r.url))
    if dated < n / 2 and articles < n / 2:
        return True
    pager = pager_container(doc, root)
    if pager is not None and (distance_to(rows[0].el, pager) or 99) <= 3:
        return False
    marker = _empty_marker(doc)
    if marker is None:
        return False
    d = distance_to(rows[0].el, marker)
    if d is None or d > 3:
        return True
    lca = [rows[0].el, *rows[0].el.iterancestors()][d]
    return lca.tag in ("body", "html") or (distance_to(marker, lca) or 99) > 3


def _entries(rows: list[Row], column_url: str) -> list[Entry]:
    """Rows -> entries in page order, each URL once (first kept: a desktop and a mobile copy of a
    row are one item). A row whose link is script-driven is an item only when it shows a date;
    its URL is the synthetic ``script_item_url`` (the n-th repeat of one title and date within
    one block is another record, a copy in another block the same one)."""
    entries: list[Entry] = []
    seen: set[str] = set()
    repeats: dict[tuple, int] = {}
    for r in rows:
        url = r.url
        if r.script:
            if not (r.date or r.partial):
                continue
            # a repeat inside one block is another record; the same row in another block (a
            # mobile copy) is the same record
            key = (r.title, r.date, r.partial, r.el.getparent())
            repeats[key] = repeats.get(key, 0) + 1
            url = script_item_url(column_url, r.title, r.date, repeats[key], r.partial)
        if url in seen:
            continue
        seen.add(url)
        entries.append(
            Entry(url=url, title=r.title, date=r.date, partial=r.partial, pinned=r.pinned, script=r.script)
        )
    return entries


def parse_list(url: str, html: str, overrides: dict | None = None, column_url: str | None = None) -> ListPage:
    """Extract a column list page: entries in page order (duplicate URLs dropped, first kept),
    emptiness, pager facts and the column name. ``overrides`` may give CSS/XPath selectors for
    ``row``, ``link``, ``date`` (relative to the row), ``pager`` and ``next``. ``column_url``
    (default ``url``) names the items whose links are script-driven, so that a row keeps its
    identity on whichever page of the column it appears."""
    ov = overrides or {}
    doc = Doc(url, html)
    prof = profiles.get(ov["profile"]) if ov.get("profile") else profiles.choose(doc)
    root = prof.row_root(doc)
    root = root if root is not None else doc.root
    rows = _override_rows(doc, root, ov) if ov.get("row") else best_group(doc, root)
    says_empty = _empty_marker(doc) is not None
    if says_empty and rows and not ov.get("row") and _rows_are_elsewhere(doc, root, rows):
        rows = []  # an empty column: the links found are menus or another block's news
    entries = _entries(rows, column_url or url)
    scope = None
    if ov.get("pager"):
        found = [e for e in _select(doc.root, ov["pager"]) if isinstance(e, etree._Element)]
        scope = found[0] if found else None
    next_el = None
    if ov.get("next"):
        found = [e for e in _select(doc.root, ov["next"]) if isinstance(e, etree._Element)]
        next_el = found[0] if found else None
    pager = run_next_page_chain(PagerContext(doc, prof, scope, next_el))
    return ListPage(
        post=pager.post,
        entries=entries,
        empty=says_empty and not entries,
        pages=pager.pages,
        next_url=pager.next_url,
        total_pages=pager.total_pages,
        total_records=pager.total_records,
        profile=prof.name,
        column_name=column_name(doc),
        current_page=pager.current,
    )
