"""Pagination from pager links and pager text: 首页/上一页/下一页/尾页 and page numbers.

The URL scheme is inferred, not assumed: from links whose page number is known (a "2" link, the
下一页 link, the 尾页 link with the page count from 共N页) we find the digit run of the URL that moves
with the page number, and its offset (EmpireCMS index_2.html is page 2, TRS index_1.html is page 2,
ASP list.asp?page=2 is page 2).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from lxml import etree

from . import patterns as P
from .dom import PAGER_MARK, Doc, collapse


@dataclass
class Pager:
    pages: list[str] = field(default_factory=list)
    next_url: str | None = None
    total_pages: int | None = None
    total_records: int | None = None
    current: int | None = None
    post: bool = False  # later pages are requested by POST (a script pager over a form)


@dataclass
class Template:
    """A URL whose digit run at [start:end] equals page + delta."""

    url: str
    start: int
    end: int
    delta: int

    def render(self, page: int) -> str:
        return self.url[: self.start] + str(page + self.delta) + self.url[self.end :]

    def page_of(self, url: str) -> int | None:
        pre, suf = self.url[: self.start], self.url[self.end :]
        if url.startswith(pre) and url.endswith(suf):
            mid = url[len(pre) : len(url) - len(suf)]
            if mid.isdigit():
                return int(mid) - self.delta
        return None

    def first_page(self) -> str:
        """Page 1 when it has no number (index_2.html -> index.html, ?page=2 dropped)."""
        pre, suf = self.url[: self.start], self.url[self.end :]
        m = re.search(r"[_\-]$", pre)
        if m and "?" not in pre:
            return pre[: m.start()] + suf
        m = re.search(r"([?&])[^=&?]+=$", pre)
        if m:
            head = pre[: m.start()]
            tail = suf.lstrip("&")
            if tail:
                return head + m.group(1) + tail
            return head
        return self.render(1)


def _run_weight(url: str, start: int, delta: int) -> int:
    pre = url[:start].lower()
    w = 0
    m = re.search(r"[?&]([a-z_]+)=$", pre)
    if m and m.group(1) in P.PAGER_URL_PARAMS:
        w += 4
    if delta in (0, -1):
        w += 2
    if re.search(r"[_\-]$", pre):
        w += 1
    return w


def infer_template(pairs: list[tuple[int, str]]) -> Template | None:
    """The template most consistent with (page number, URL) pairs, or None."""
    best: tuple[int, int, Template] | None = None
    for p0, u0 in pairs:
        for m in re.finditer(r"\d+", u0):
            t = Template(u0, m.start(), m.end(), int(m.group()) - p0)
            agree = sum(1 for p, u in pairs if t.page_of(u) == p)
            if agree == 0:
                continue
            key = (agree, _run_weight(u0, m.start(), t.delta) * 100 + m.start())
            if best is None or key > best[:2]:
                best = (key[0], key[1], t)
    return best[2] if best else None


def text_facts(text: str) -> tuple[int | None, int | None, int | None]:
    """(total records, total pages, current page) stated in pager text like 共333条 共23页 页次：1/23."""
    text = collapse(text)
    rec = pages = cur = None
    for rx in P.TOTAL_RECORDS_RES:
        m = rx.search(text)
        if m:
            rec = int(m.group(1))
            break
    for rx in P.TOTAL_PAGES_RES:
        m = rx.search(text)
        if m:
            pages = int(m.group(1))
            break
    for rx in P.CURRENT_PAGE_RES:
        m = rx.search(text)
        if m:
            cur = int(m.group(1))
            break
    return rec, pages, cur


def _word(text: str, words: tuple[str, ...]) -> bool:
    t = collapse(text).strip("[]【】()（）<> ")
    return t in words or any(
        t == w or (len(w) > 1 and t.startswith(w) and len(t) <= len(w) + 2) for w in words
    )


def _number(text: str) -> int | None:
    t = collapse(text).strip("[]【】()（）第页 .")
    return int(t) if t.isdigit() and 0 < len(t) <= 5 else None


def pager_container(doc: Doc, scope: etree._Element | None = None) -> etree._Element | None:
    """The element holding the pager: the nearest common parent of 下一页/尾页/numbered links."""
    root = scope if scope is not None else doc.root
    hits = [a for a in root.iter("a") if _word(a.text_content(), P.NEXT_WORDS + P.LAST_WORDS + P.PREV_WORDS)]
    if not hits:
        marked = root.xpath(f".//*[@{PAGER_MARK}]")
        if marked:
            return marked[0]
        hits = _numbered_page_links(doc, root)
        if not hits:
            return None
    node = hits[0].getparent()
    # widen to a container that also holds the numbered links / 共N页 text
    for _ in range(3):
        if node is None or node.getparent() is None:
            break
        if len([a for a in node.iter("a")]) >= 2 or re.search(r"共|页|Total", node.text_content()):
            break
        node = node.getparent()
    return node


def _numbered_page_links(doc: Doc, root: etree._Element) -> list[etree._Element]:
    """A pager of page numbers only ("1 2 3"): links whose text is a page number and whose URL is
    this page's URL with another page number (same path, or same folder with a numbered name)."""
    here = urlsplit(doc.url)
    folder = here.path.rsplit("/", 1)[0]
    out = []
    for a in root.iter("a"):
        text = collapse(a.text_content()).strip("[]")
        if not text.isdigit() or not 1 < int(text) < 10000:
            continue
        url = doc.resolve(a.get("href"))
        if not url or url == doc.url:
            continue
        there = urlsplit(url)
        same_path = there.path == here.path and there.query != here.query
        numbered_name = there.path.rsplit("/", 1)[0] == folder and re.search(r"[_-]?\d+\.\w+$", there.path)
        if there.netloc == here.netloc and (same_path or numbered_name) and text in url:
            out.append(a)
    return out


def _has_ellipsis(box: etree._Element) -> bool:
    """A text of the pager that is only an ellipsis ("1 2 3 … 9", "<a>...</a>"): the numbers are a
    window. Titles cut with … elsewhere in the box do not count."""
    for el in box.iter():
        for t in (el.text, el.tail) if isinstance(el.tag, str) else (el.tail,):
            t = (t or "").strip()
            if t and P.PAGER_ELLIPSIS_RE.fullmatch(t):
                return True
    return False


def link_url(doc: Doc, a: etree._Element) -> str | None:
    """A pager link's target: its href, else the URL its onclick opens (``href="#"
    onclick="location.href=encodeURI('index_2.jhtml')"``)."""
    url = doc.resolve(a.get("href"))
    if url is None:
        m = P.ONCLICK_URL_RE.search(a.get("onclick") or "")
        if m:
            url = doc.resolve(m.group(2))
    return url


def _script_page_arg(a: etree._Element) -> int | None:
    """The page number a script pager link passes (``__doPostBack('pager','25')``, ``goPage(3)``)."""
    m = P.SCRIPT_PAGE_ARG_RE.match(a.get("href") or "") or P.SCRIPT_PAGE_ARG_RE.match(
        "javascript:" + (a.get("onclick") or "")
    )
    return int(m.group(1)) if m else None


def _stated_totals(box: etree._Element) -> tuple[int | None, int | None, int | None]:
    """共N页 / 共N条 stated in the pager, or in a short block beside it (当前第1页 共26页 above the
    links): the pager box first, then up to three enclosing elements whose text stays short."""
    rec, total, cur = text_facts(box.text_content())
    node = box
    for _ in range(3):
        if total is not None or node.getparent() is None:
            break
        node = node.getparent()
        text = node.text_content()
        if len(collapse(text)) > 400:
            break
        r2, t2, c2 = text_facts(text)
        rec, total, cur = rec if rec is not None else r2, t2, cur if cur is not None else c2
    return rec, total, cur


def link_pager(doc: Doc, scope: etree._Element | None = None, next_el: etree._Element | None = None) -> Pager:
    """Pager facts from links and text (see module docstring)."""
    box = pager_container(doc, scope)
    if box is None:
        box = scope
    anchors = []
    if box is not None:
        for a in box.iter("a"):
            anchors.append((collapse(a.text_content()), link_url(doc, a), a))
    rec, total, cur = _stated_totals(box) if box is not None else (None, None, None)
    if box is not None:
        for el in box.xpath("." + P.TOTAL_RECORD_TITLE_XPATH[1:]):
            n = _number(el.text_content())
            if n is not None and rec is None:
                rec = n
    numbered = [(n, u) for t, u, _ in anchors if u and (n := _number(t)) is not None]
    nexts = [u for t, u, _ in anchors if u and u != doc.url and _word(t, P.NEXT_WORDS)]
    lasts = [u for t, u, _ in anchors if u and _word(t, P.LAST_WORDS)]
    firsts = [u for t, u, _ in anchors if u and _word(t, P.FIRST_WORDS)]
    if next_el is not None:
        u = doc.resolve(next_el.get("href"))
        nexts = [u] if u else []
    pairs = list(numbered)
    template = infer_template(pairs) if pairs else None
    if template is None and nexts:
        guess = (cur or 1) + 1
        pairs = [(guess, nexts[0])] + ([(total, lasts[0])] if total and lasts else [])
        template = infer_template(pairs)
    if template is not None:
        here = template.page_of(doc.url)
        if here is not None and cur is None:
            cur = here
    if cur is None:
        cur = 1
    if template is not None and lasts:
        last = template.page_of(lasts[0])
        if last and (total is None or last > total):
            total = last
    if total is None:  # a script pager's last-page link names the count: __doPostBack('pager','25')
        last_args = [n for t, _, a in anchors if _word(t, P.LAST_WORDS) and (n := _script_page_arg(a))]
        if last_args:
            total = max(last_args)
    if total is None and numbered and not lasts and not (box is not None and _has_ellipsis(box)):
        # every page is numbered (1 2 3 … 7 下一页, no ellipsis, no 尾页): the highest is the last
        shown = sorted({n for n, _ in numbered} | {cur})
        if not nexts or shown == list(range(1, shown[-1] + 1)):
            total = shown[-1]
    next_url = nexts[0] if nexts else None
    if next_url is None and template is not None and total and cur < total:
        next_url = template.render(cur + 1)
    pages: list[str] = []
    if total:
        if total == 1:
            pages = [doc.url]
        elif template is not None:
            one = next((u for n, u in numbered if n == 1), None) or (firsts[0] if firsts else None)
            if cur == 1:
                one = doc.url
            pages = [one or template.first_page()] + [template.render(p) for p in range(2, total + 1)]
            if 1 <= cur <= total:
                pages[cur - 1] = doc.url
    return Pager(pages=pages, next_url=next_url, total_pages=total, total_records=rec, current=cur)


def script_facts(doc: Doc) -> tuple[int | None, int | None, int | None]:
    """(record count, page size, page count) from inline script variables (recordCount, prepage …)."""
    s = doc.scripts
    rec = size = count = None
    if m := P.SCRIPT_RECORD_COUNT_RE.search(s):
        rec = int(m.group(1))
    if m := P.SCRIPT_PAGE_SIZE_RE.search(s):
        size = int(m.group(1)) or None
    if m := P.SCRIPT_PAGE_COUNT_RE.search(s):
        count = int(m.group(1))
    if count is None and rec is not None and size:
        count = max(1, math.ceil(rec / size))
    return rec, size, count


def query_int(url: str, *names: str) -> int | None:
    q = {k.lower(): v for k, v in parse_qsl(urlsplit(url).query)}
    for n in names:
        v = q.get(n.lower())
        if v is not None and v.strip().isdigit():
            return int(v)
    return None


def form_pages(doc: Doc) -> list[str]:
    """A script pager over a form: ``<a href="javascript:goPage(3)">`` links and a form holding a
    page-number field. Returns page URLs (page 1 = this page; later pages carry the field in the
    query) meant to be sent as POST with that query as the form body; [] when there is none."""
    numbers = []
    for a in doc.root.iter("a"):
        for attr in ("href", "onclick"):
            m = P.FORM_PAGE_LINK_RE.match(a.get(attr) or "")
            if m:
                numbers.append(int(m.group(1)))
    if not numbers:
        return []
    for form in doc.root.iter("form"):
        fields = [i for i in form.iter("input") if (i.get("name") or "").lower() in P.PAGE_PARAMS]
        if not fields:
            continue
        action = doc.resolve(form.get("action")) or doc.url
        _rec, total, _cur = text_facts(doc.root.text_content())
        last = max([*numbers, total or 0])
        if last < 2:
            return []
        name = fields[0].get("name")
        sep = "&" if "?" in action else "?"
        others = [
            (i.get("name"), i.get("value") or "")
            for i in form.iter("input")
            if i.get("name") and i is not fields[0] and (i.get("type") or "").lower() == "hidden"
        ]
        extra = "".join(f"&{k}={v}" for k, v in others)
        return [doc.url] + [f"{action}{sep}{name}={k}{extra}" for k in range(2, last + 1)]
    return []


def postback_pages(doc: Doc, total: int | None) -> list[str]:
    """An ASP.NET pager: ``__doPostBack('…$pager','N')`` links over a form holding __VIEWSTATE.
    Page N is that form posted with __EVENTTARGET/__EVENTARGUMENT set: returned as the form's
    action with every hidden and text field in the query (urlencoded), meant to be sent as POST
    with that query as the body; page 1 is this page. [] when there is no such pager."""
    targets: dict[str, list[int]] = {}
    for a in doc.root.iter("a"):
        m = P.POSTBACK_RE.match(a.get("href") or "")
        if m:
            targets.setdefault(m.group(2), []).append(int(m.group(3)))
    if not targets:
        return []
    target, numbers = max(targets.items(), key=lambda kv: len(kv[1]))
    last = max([*numbers, total or 0])
    for form in doc.root.iter("form"):
        names = {i.get("name") for i in form.iter("input")}
        if "__VIEWSTATE" not in names or last < 2:
            continue
        action = doc.resolve(form.get("action")) or doc.url
        fields = [
            (i.get("name"), i.get("value") or "")
            for i in form.iter("input")
            if i.get("name")
            and (i.get("type") or "text").lower() in ("hidden", "text")
            and i.get("name") not in ("__EVENTTARGET", "__EVENTARGUMENT")
        ]
        base, _, own = action.partition("?")  # the action's own query travels with the fields
        own_fields = parse_qsl(own, keep_blank_values=True)
        return [doc.url] + [
            base
            + "?"
            + urlencode([*own_fields, ("__EVENTTARGET", target), ("__EVENTARGUMENT", str(k)), *fields])
            for k in range(2, last + 1)
        ]
    return []
