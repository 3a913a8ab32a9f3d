"""Generic list-row detection: which repeated block of links is the column's list, and each row's
own date, title and 置顶 flag.

Every link with a title-like text is a candidate. Its row is the nearest li/tr/dd holding at most a
few links (a category or attachment link may share the row), else the largest container holding no
other candidate. Rows are grouped by their structural path (ancestor tags and classes), so a list
split into several <ul> blocks is still one group. The group with the best score (size, share of
rows with a date, article-like URLs, title length, not in nav/hidden containers) is the list.

A row's date is chosen by one ordered chain, ``ROW_DATE_CHAIN`` (read it top to bottom: the first
step that finds a date wins): the publish column of a table whose header names its date columns,
a text segment outside the title link that is only a date, the same inside the link, a full date in
the row's other text, a date alone in the element right after the row, a date in brackets at the
end of the title. Each step is a small function below saying what evidence it reads.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree

from . import patterns as P
from .dates import is_date_only, parse_date, row_date
from .dom import Doc, collapse, norm_space, own_text_segments
from .links import is_script_link, looks_like_article_url, looks_like_listing_url
from .pager import pager_container

MAX_ROW_LINKS = 3
MAX_ROW_TEXT = 600
SPLIT_BLOCK_LEVELS = 4  # a block of the same list sits this close to it (row -> common ancestor)
DATED_WEIGHT = 2.0  # extra weight of the share of dated rows in a group's score
PAGER_BONUS = 2.0  # the group nearest the pager (within 6 levels)
PAGER_BONUS_NEAR = 20.0  # ... when it shares a container with the pager (within 3 levels)


@dataclass
class Row:
    el: etree._Element
    anchor: etree._Element
    url: str
    title: str
    date: dt.date | None
    partial: tuple[int, int] | None
    nav: bool

    @property
    def script(self) -> bool:
        """The row's link is script-driven: it has no URL of its own."""
        return self.url.startswith(SCRIPT_PLACEHOLDER)

    @property
    def pinned(self) -> bool:
        return is_pinned(self.el, self.anchor)


def anchor_title(a: etree._Element) -> str:
    """Full title: the title attribute when it is at least as long as the text (or the text is
    cut with an ellipsis), else the link text; in a whole-row link holding a heading (title,
    summary, category and date in one <a>), the heading's text. A leading [置顶] marker and
    decorative bullets (·) are dropped."""
    text = norm_space(a.text_content())
    heading = next(a.iter(*P.ROW_TITLE_TAGS), None)
    if heading is not None and len(norm_space(heading.text_content())) >= 2:
        text = norm_space(heading.text_content())
    elif len(a):  # a whole-row link: drop child segments that are only a date (the row's date)
        segs = [t for t, _ in own_text_segments(a)]
        kept = norm_space("".join(t for t in segs if not is_date_only(t)))
        if len(kept) >= 2 and any(is_date_only(t) for t in segs):
            text = kept
    attr = norm_space(a.get("title"))
    if attr and (len(attr) >= len(text) or re.search(r"(\.\.\.|…|\.\.)$", text)):
        title = attr
    else:
        title = text
    title = P.PINNED_TITLE_PREFIX_RE.sub("", title) or title
    return P.TITLE_BULLET_RE.sub("", title) or title


SCRIPT_PLACEHOLDER = "script:"  # Row.url of a script-driven link until parse_list names it


def candidate_url(doc: Doc, a: etree._Element) -> str | None:
    """The link's URL; for a script-driven link (javascript: href, onclick opener) a placeholder
    made of its title, so the nested copies of one link count as one link of the row."""
    url = doc.resolve(a.get("href"))
    if url is None and is_script_link(a):
        return SCRIPT_PLACEHOLDER + anchor_title(a)
    return url


def is_candidate_text(text: str) -> bool:
    t = collapse(text)
    if len(t) < 2 or t.isdigit():
        return False
    if t in P.PAGER_WORDS or P.MORE_WORDS_RE.match(t):
        return False
    return not re.fullmatch(r"[\W_\d]+", t)


def _candidates(doc: Doc, root: etree._Element) -> list[tuple[etree._Element, str]]:
    out = []
    for a in root.iter("a"):
        url = candidate_url(doc, a)
        if url and is_candidate_text(anchor_title(a)):
            out.append((a, url))
    return out


def _url_sets(cands: list[tuple[etree._Element, str]]) -> dict:
    """For each ancestor element: the distinct candidate URLs below it (capped at MAX_ROW_LINKS+1)."""
    sets: dict = {}
    for a, url in cands:
        node = a
        while node is not None:
            s = sets.setdefault(node, set())
            if len(s) > MAX_ROW_LINKS:
                break
            s.add(url)
            node = node.getparent()
    return sets


def _row_of(a: etree._Element, sets: dict, stop: etree._Element) -> etree._Element:
    node, depth = a, 0
    while depth < 8:
        parent = node.getparent()
        if parent is None or parent is stop.getparent() or parent.tag in ("body", "html"):
            break
        node, depth = parent, depth + 1
        if node.tag in P.ROW_TAGS:
            n = len(sets.get(node, ()))
            if n <= MAX_ROW_LINKS and len(node.text_content()) <= MAX_ROW_TEXT:
                return node
            break
    # no natural row: the smallest container around the link that holds its date, else the
    # largest one holding no other candidate
    node, depth = a, 0
    while depth < 4:
        parent = node.getparent()
        if parent is None or parent is stop.getparent() or parent.tag in ("body", "html"):
            break
        if len(sets.get(parent, ())) > 1:
            break
        node, depth = parent, depth + 1
        if any(date_of_row(node, a)):
            break
    return node


def _inside(el: etree._Element, anchor: etree._Element) -> bool:
    while el is not None:
        if el is anchor:
            return True
        el = el.getparent()
    return False


def date_of_row(
    row: etree._Element, anchor: etree._Element | None
) -> tuple[dt.date | None, tuple[int, int] | None]:
    """The row's own date read from its text alone (``ROW_TEXT_STEPS``): a text segment that is only
    a date, outside the title link first, then inside it but apart from the title text, else a full
    date in the row's other text."""
    found = run_row_date_chain(ROW_TEXT_STEPS, RowEvidence(row, anchor, ""))
    return found.date, found.partial


def is_pinned(row: etree._Element, anchor: etree._Element) -> bool:
    raw = norm_space(anchor.text_content())
    if P.PINNED_TITLE_PREFIX_RE.match(raw) and P.PINNED_TEXT_RE.search(raw[:6]):
        return True
    outside = " ".join(t for t, e in own_text_segments(row) if not _inside(e, anchor))
    if P.PINNED_TEXT_RE.search(outside):
        return True
    for el in row.iter():
        if not isinstance(el.tag, str):
            continue
        for tok in (el.get("class") or "").split():
            if P.PIN_TOKEN_RE.match(tok):
                return True
        for attr in ("alt", "title"):
            if el is not anchor and P.PINNED_TEXT_RE.search(el.get(attr) or ""):
                return True
        if el.tag == "img":
            base = os.path.splitext(os.path.basename(urlsplit(el.get("src") or "").path))[0]
            if P.PIN_TOKEN_RE.match(base):
                return True
    return False


def _signature(el: etree._Element, stop: etree._Element, cache: dict | None = None) -> tuple:
    """(row tag, ancestor (tag, class) path up to ``stop``)."""
    return (el.tag, _path(el.getparent(), stop, {} if cache is None else cache))


def _path(node: etree._Element | None, stop: etree._Element, cache: dict) -> tuple:
    if node is None or node is stop.getparent():
        return ()
    if node not in cache:
        me = (node.tag, " ".join(sorted((node.get("class") or "").split())))
        cache[node] = (*_path(node.getparent(), stop, cache), me)
    return cache[node]


# ---------------------------------------------------------------------------- the row-date chain
# A row's date is the answer of the first step below that finds one; each step reads one kind of
# evidence. Read top to bottom: that is the order of trust.


class RowDate(NamedTuple):
    """A step's answer: a full date, or (month, day) when the row shows MM-DD only; ``title`` is the
    title with the date cut out when the date was written into it (else None)."""

    date: dt.date | None
    partial: tuple[int, int] | None
    title: str | None = None


class RowEvidence:
    """What the steps read: the row element, its title link, the title as read (``anchor_title``).
    The row's own text segments (a clock banner's dropped) are split once, on first use, into those
    outside the title link and those in child elements of it."""

    __slots__ = ("row", "anchor", "title", "_outside", "_inside")

    def __init__(self, row: etree._Element, anchor: etree._Element | None, title: str):
        self.row, self.anchor, self.title = row, anchor, title
        self._outside: list[str] | None = None
        self._inside: list[str] = []

    def _split(self) -> list[str]:
        a = self.anchor
        outside: list[str] = []
        for t, e in own_text_segments(self.row):
            if P.CLOCK_RE.search(t):
                continue
            if a is None or not _inside(e, a):
                outside.append(t)
            elif e is not a:
                self._inside.append(t)
        self._outside = outside
        return outside

    @property
    def outside(self) -> list[str]:
        """Texts of the row outside its title link."""
        return self._outside if self._outside is not None else self._split()

    @property
    def inside(self) -> list[str]:
        """Texts in child elements of the title link (a whole-row link's date span)."""
        if self._outside is None:
            self._split()
        return self._inside


def _first_date_only(texts: list[str]) -> RowDate | None:
    for t in texts:
        if is_date_only(t):
            d, p = row_date(t)
            if d or p:
                return RowDate(d, p)
    return None


def date_in_publish_column(ev: RowEvidence) -> RowDate | None:
    """A table row under a header that names its date columns (成文日期 | 发布日期 …): the date in
    the publish column's cell (``PUBLISH_COLUMN_HEAD_RE``, not ``OTHER_DATE_COLUMN_HEAD_RE``)."""
    if ev.row.tag != "tr":
        return None
    found = _table_column_date(ev.row)
    return RowDate(*found) if found and any(found) else None


def date_alone_outside_link(ev: RowEvidence) -> RowDate | None:
    """A text segment of the row, outside the title link, that is only a date: ``<span>2020-12-29
    </span>``, ``[12-29]``, ``发布时间：2020-12-29 10:00`` (labels ``ROW_DATE_LABELS``, brackets and a
    time allowed; MM-DD only here, never inside a longer text)."""
    return _first_date_only(ev.outside)


def date_alone_inside_link(ev: RowEvidence) -> RowDate | None:
    """The same inside the title link, in a child element apart from the title text (a whole-row
    link holding title, summary and a date span)."""
    return _first_date_only(ev.inside)


def date_in_row_text(ev: RowEvidence) -> RowDate | None:
    """The first full date (year-month-day) anywhere in the row's text outside the title link
    (``来源：某局 2020年12月29日``); never a partial date."""
    d = parse_date(" ".join(ev.outside))
    return RowDate(d, None) if d else None


def date_in_next_element(ev: RowEvidence) -> RowDate | None:
    """A date standing alone in the element right after the row, holding no link
    (``<dt>title</dt><dd>date</dd>``)."""
    d, p = _sibling_date(ev.row)
    return RowDate(d, p) if d or p else None


def date_in_title_brackets(ev: RowEvidence) -> RowDate | None:
    """A date only in the title text, in brackets at its end (``标题(2020-12-29)``, ``标题【2020-12-29】``,
    ``TITLE_TRAILING_DATE_RE``): the date, and the title with it cut off (cut even when the bracketed
    text is no valid date)."""
    m = P.TITLE_TRAILING_DATE_RE.search(ev.title)
    if not m or m.start() < 2:
        return None
    return RowDate(parse_date(m.group(1)), None, ev.title[: m.start()])


RowDateStep = Callable[[RowEvidence], "RowDate | None"]
# the row's own text: what ``date_of_row`` reads (also used to size a row around its link)
ROW_TEXT_STEPS: tuple[RowDateStep, ...] = (
    date_alone_outside_link,
    date_alone_inside_link,
    date_in_row_text,
)
ROW_DATE_CHAIN: tuple[RowDateStep, ...] = (
    date_in_publish_column,
    *ROW_TEXT_STEPS,
    date_in_next_element,
    date_in_title_brackets,
)


def run_row_date_chain(chain: tuple[RowDateStep, ...], ev: RowEvidence) -> RowDate:
    """The first step's answer that holds a date (full or MM-DD); a title correction a step makes is
    kept. RowDate(None, None, title) when no step finds a date."""
    title = ev.title
    for step in chain:
        found = step(ev)
        if found is None:
            continue
        if found.title is not None:
            title = found.title
        if found.date or found.partial:
            return RowDate(found.date, found.partial, title)
    return RowDate(None, None, title)


def _sibling_date(row: etree._Element) -> tuple[dt.date | None, tuple[int, int] | None]:
    """A date standing alone in the element right after the row (``<dt>title</dt><dd>date</dd>``)."""
    nxt = row.getnext()
    if nxt is None or not isinstance(nxt.tag, str) or (nxt.tag in P.ROW_TAGS and nxt.tag != "dd"):
        return None, None
    if next(nxt.iter("a"), None) is not None:
        return None, None
    text = norm_space(nxt.text_content())
    return row_date(text) if text and is_date_only(text) else (None, None)


def _table_column_date(row: etree._Element) -> tuple[dt.date | None, tuple[int, int] | None] | None:
    """In a table whose header names its date columns (成文日期 | 发布日期 …), the row's date is the
    publish column's; None when the table says nothing about its columns."""
    table = next((t for t in row.iterancestors("table")), None)
    if table is None:
        return None
    head = next((r for r in table.iter("tr") if r.find("th") is not None), None)
    if head is None or head is row:
        return None
    labels = [norm_space(c.text_content()) for c in head if isinstance(c.tag, str) and c.tag in ("th", "td")]
    if not any(P.PUBLISH_COLUMN_HEAD_RE.search(x) or P.OTHER_DATE_COLUMN_HEAD_RE.search(x) for x in labels):
        return None
    cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if len(cells) != len(labels):
        return None
    for label, cell in zip(labels, cells, strict=True):
        text = norm_space(cell.text_content())
        if (
            P.PUBLISH_COLUMN_HEAD_RE.search(label)
            and not P.OTHER_DATE_COLUMN_HEAD_RE.search(label)
            and is_date_only(text)
        ):
            return row_date(text)
    return None


def make_row(doc: Doc, row: etree._Element, anchor: etree._Element, url: str) -> Row:
    """A row with its title and its date by ``ROW_DATE_CHAIN``."""
    d, p, title = run_row_date_chain(ROW_DATE_CHAIN, RowEvidence(row, anchor, anchor_title(anchor)))
    return Row(
        el=row,
        anchor=anchor,
        url=url,
        title=title,
        date=d,
        partial=p,
        nav=doc.is_nav(row) or doc.is_hidden(row),
    )


def _kind(rows: list[Row]) -> tuple[bool, bool]:
    n = len(rows)
    dated = sum(1 for r in rows if r.date or r.partial) / n
    article = sum(1 for r in rows if looks_like_article_url(r.url)) / n
    return dated >= 0.5, article >= 0.5


def row_groups(doc: Doc, root: etree._Element) -> list[list[Row]]:
    """All groups of repeated rows under ``root`` (each in document order).

    Rows are first collected per parent (a block); blocks with the same structural signature and
    the same kind (dated or not, article links or not) are merged, so a list split into several
    <ul> blocks is one group while a menu table shaped like the list table is not.
    """
    cands = _candidates(doc, root)
    sets = _url_sets(cands)
    blocks: dict[tuple, list[Row]] = {}
    seen_rows: dict = {}
    paths: dict = {}
    for a, url in cands:
        row_el = _row_of(a, sets, root)
        key = (_signature(row_el, root, paths), row_el.getparent())
        prev = seen_rows.get(row_el)
        if prev is not None:
            # keep the row's main link: the one with the longest title
            if len(anchor_title(a)) > len(prev.title):
                seen_rows[row_el] = new = make_row(doc, row_el, a, url)
                lst = blocks[key]
                lst[lst.index(prev)] = new
            continue
        row = make_row(doc, row_el, a, url)
        seen_rows[row_el] = row
        blocks.setdefault(key, []).append(row)
    merged: dict[tuple, list[Row]] = {}
    for (sig, _parent), rows in blocks.items():
        merged.setdefault((sig, _kind(rows)), []).extend(rows)
    return list(merged.values())


def score_group(rows: list[Row]) -> float:
    """Higher is more list-like; 0 means "not an item list"."""
    n = len(rows)
    if not n:
        return 0.0
    dated = sum(1 for r in rows if r.date or r.partial) / n
    article = sum(1 for r in rows if looks_like_article_url(r.url)) / n
    listing = sum(1 for r in rows if looks_like_listing_url(r.url)) / n
    nav = sum(1 for r in rows if r.nav) / n
    avg_len = sum(len(r.title) for r in rows) / n
    if not (dated >= 0.5 or (article >= 0.5 and avg_len >= 5) or (avg_len >= 10 and listing < 0.5)):
        return 0.0
    if nav > 0.5 and dated < 0.5:
        return 0.0
    score = n * (0.3 + dated + 0.5 * article) * min(avg_len, 20) / 20
    # dates are evidence, size is not: a short dated list beats a long undated box
    score *= 1 + DATED_WEIGHT * dated
    score *= (1 - 0.8 * nav) * (1 - 0.5 * listing)
    return score


def _local_share(rows: list[Row], folder: str) -> float:
    """Share of rows whose article sits below the list page's own folder: a column's list links
    into the column, a "latest news" sidebar beside it links all over the site."""
    return sum(1 for r in rows if r.url.startswith(folder)) / len(rows) if rows else 0.0


def distance_to(el: etree._Element, target: etree._Element, limit: int = 8) -> int | None:
    """Levels from ``el`` up to the nearest ancestor that also contains ``target``."""
    holders = {target, *target.iterancestors()}
    for i, node in enumerate([el, *el.iterancestors()][: limit + 1]):
        if node in holders:
            return i
    return None


def best_group(doc: Doc, root: etree._Element) -> list[Row]:
    """The list: the best-scoring group; among several, the one nearest the pager gets a bonus
    (so a sidebar of dated links does not beat a last page holding one or two rows)."""
    folder = doc.url.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    scored = [(score_group(rows) * (1 + _local_share(rows, folder)), rows) for rows in row_groups(doc, root)]
    scored = [(s, rows) for s, rows in scored if s > 0]
    if not scored:
        return []
    pager = pager_container(doc, root) if len(scored) > 1 else None
    if pager is not None:
        dist = [distance_to(rows[0].el, pager) for _, rows in scored]
        known = [d for d in dist if d is not None and d <= 6]
        if known:
            near = min(known)
            bonus = PAGER_BONUS_NEAR if near <= 3 else PAGER_BONUS
            scored = [
                (s * bonus if d == near else s, rows) for (s, rows), d in zip(scored, dist, strict=True)
            ]
    best = max(scored, key=lambda x: x[0])[1]
    return _with_split_blocks(root, best, [rows for _, rows in scored if rows is not best])


def _url_prefix(rows: list[Row]) -> str:
    """The directory prefix shared by the rows' links (empty when they only share the host)."""
    urls = [r.url for r in rows if not r.script]
    if not urls:
        return ""
    prefix = os.path.commonprefix(urls)
    prefix = prefix[: prefix.rfind("/") + 1]
    # date or id folders (202012/, 2020-12-01/) are where one item lives, not the list's pattern
    while re.search(r"/[^/]*\d[^/]*/$", prefix) and urlsplit(prefix).path.count("/") > 1:
        prefix = prefix[: prefix.rstrip("/").rfind("/") + 1]
    return prefix if urlsplit(prefix).path not in ("", "/") else ""


def _with_split_blocks(root: etree._Element, best: list[Row], others: list[list[Row]]) -> list[Row]:
    """One list split over several blocks is one list: a block of rows of the same tag and kind
    (dated), right beside the list (within SPLIT_BLOCK_LEVELS levels), whose links follow the
    list's own URL pattern (pinned rows in a table of their own, one list cut into blocks whose
    classes differ). Rows come back in document order."""
    prefix = _url_prefix(best)
    if not prefix or not _kind(best)[0]:
        return best
    extra = []
    for rows in others:
        if rows[0].el.tag != best[0].el.tag or not _kind(rows)[0] or any(r.nav for r in rows):
            continue
        if not all(r.script or r.url.startswith(prefix) for r in rows):
            continue
        if len(rows) > len(best):
            continue
        d = distance_to(rows[0].el, best[0].el, SPLIT_BLOCK_LEVELS)
        if d is None or d > SPLIT_BLOCK_LEVELS:
            continue
        branch = [rows[0].el, *rows[0].el.iterancestors()][d - 1]  # the block's own side
        if any(
            h.xpath("ancestor::*[self::li or self::tr or self::dd]") == []
            for h in branch.iter(*P.ROW_TITLE_TAGS)
        ):
            continue  # a box with its own heading (最新信息, 相关链接) is another block
        extra.extend(rows)
    if not extra:
        return best
    order = {el: i for i, el in enumerate(root.iter())}
    return sorted(best + extra, key=lambda r: order.get(r.el, 0))
