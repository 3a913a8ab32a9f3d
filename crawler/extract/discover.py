"""Discovery on homepages and disclosure pages: the 信息公开 entry, column-tree links, and the
newest date a homepage's news blocks show; plus the page facts discovery needs to fall back
(redirect stubs, menus written by ``document.write``, anti-bot challenge pages, a homepage that
is itself the disclosure platform)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

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
    filters the links (a sub-site on a 集约化 platform links to the county's platform too). Menus
    written by ``document.write`` of literal markup count as links."""
    doc = Doc(url, expand_writes(html))
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


def column_candidates(url: str, html: str, exclude: set[str], menu: str | None = None) -> list[Link]:
    """Links on a disclosure entry/column page that look like column (tree) links: short names, no
    date in their row, not article URLs, not attachments, not footers, not in ``exclude``. Menus
    written by ``document.write`` of literal markup count. ``menu`` (a CSS/XPath selector, the
    per-site ``columns`` override) takes the links inside the elements it selects instead."""
    doc = Doc(url, expand_writes(html))
    out: list[Link] = []
    seen = set(exclude)
    if menu:
        return _menu_links(doc, menu, seen)
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


def _menu_links(doc: Doc, selector: str, seen: set[str]) -> list[Link]:
    sel = selector.strip()
    found = doc.root.xpath(sel) if sel.startswith(("/", "(", "./")) else doc.root.cssselect(sel)
    boxes = [el for el in found if hasattr(el, "iter")]
    out: list[Link] = []
    for link, a in doc_links(doc):
        if link.url in seen or not any(a is b or b in a.iterancestors() for b in boxes):
            continue
        if not (collapse(link.text) or collapse(link.title or "")) or _same_page(link.url, doc.url):
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
    ``reference`` (the site's newest known publish date), so a homepage is read as it stood when
    its items were published, never against the year the patrol happens to run. Without a
    reference the newest full date the homepage itself shows is the reference; a homepage showing
    MM-DD only, with no reference, gives no date (no year is invented: no stale/fresh claim).
    Dates after ``today`` (typos, event dates) are ignored."""
    today = today or dt.date.today()
    doc = Doc(url, html)
    rows = [r for group in row_groups(doc, doc.root) for r in group]
    full = [r.date for r in rows if r.date and r.date <= today]
    best: dt.date | None = max(full) if full else None
    reference = min(reference, today) if reference else best
    if reference is not None:
        for r in rows:
            d = resolve_partial(r.partial, reference) if r.partial and not r.date else None
            if d and (best is None or d > best):
                best = d
    return best


# ---------------------------------------------------------------------------- script-written markup
_WRITE_RE = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(")
_SCRIPT_BLOCK_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def _js_string(src: str, i: int) -> tuple[str, int] | None:
    """The JS string literal starting at ``src[i]`` (a quote) and the index after it."""
    quote = src[i]
    out: list[str] = []
    i += 1
    while i < len(src):
        ch = src[i]
        if ch == quote:
            return "".join(out), i + 1
        if quote == "`" and src.startswith("${", i):
            return None  # a template with expressions is not a literal
        if ch == "\\" and i + 1 < len(src):
            nxt = src[i + 1]
            if nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", src[i + 2 : i + 4]):
                out.append(chr(int(src[i + 2 : i + 4], 16)))
                i += 4
                continue
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", src[i + 2 : i + 6]):
                out.append(chr(int(src[i + 2 : i + 6], 16)))
                i += 6
                continue
            if nxt in "\r\n":  # line continuation
                i += 2
                continue
            out.append(_JS_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if ch in "\r\n" and quote != "`":
            return None
        out.append(ch)
        i += 1
    return None


def _literal_argument(src: str, i: int) -> str | None:
    """The argument of a ``document.write(`` whose ``(`` ends at ``i``, when it is string literals
    joined by ``+`` only (anything computed - a variable, a call - gives None)."""
    parts: list[str] = []
    while True:
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] not in "'\"`":
            return None
        lit = _js_string(src, i)
        if lit is None:
            return None
        parts.append(lit[0])
        i = lit[1]
        while i < len(src) and src[i].isspace():
            i += 1
        if i < len(src) and src[i] == ")":
            return "".join(parts)
        if i < len(src) and src[i] == "+":
            i += 1
            continue
        return None


def script_writes(script: str) -> list[str]:
    """The markup strings a script writes with ``document.write``/``writeln`` of literals."""
    out = []
    for m in _WRITE_RE.finditer(script):
        arg = _literal_argument(script, m.end())
        if arg:
            out.append(arg)
    return out


def expand_writes(html: str) -> str:
    """The page as a browser would show it after inline ``document.write`` calls of literal markup:
    each such script block is replaced by what it writes (menus and meta refreshes are often
    written this way). Pages without such calls come back unchanged."""
    if "document" not in html or "write" not in html:
        return html

    def repl(m: re.Match) -> str:
        if re.search(r"\bsrc\s*=", m.group(1), re.I):
            return m.group(0)
        written = script_writes(m.group(2))
        return "".join(written) if written else m.group(0)

    return _SCRIPT_BLOCK_RE.sub(repl, html)


# ---------------------------------------------------------------------------- stubs and challenges
_META_TAG_RE = re.compile(r"<meta\b[^>]*>", re.I)
_REFRESH_RE = re.compile(r"http-equiv\s*=\s*[\"']?\s*refresh", re.I)
_REFRESH_URL_RE = re.compile(
    r"content\s*=\s*([\"'])\s*(\d*(?:\.\d+)?)\s*[;,]?\s*(?:url\s*=\s*)?(.*?)\1", re.I | re.S
)
_JS_NAV_RE = re.compile(
    r"(?:\b(?:window|self|top|document|parent)\s*\.\s*)?\blocation(?:\s*\.\s*href)?\s*=\s*([\"'])(.+?)\1"
    r"|\blocation\s*\.\s*(?:replace|assign)\s*\(\s*([\"'])(.+?)\3\s*\)",
)
_COOKIE_RE = re.compile(r"document\s*\.\s*cookie\s*=")
_RELOAD_RE = re.compile(
    r"location\s*\.\s*reload\s*\(|location(?:\s*\.\s*href)?\s*=\s*(?:window\s*\.\s*|document\s*\.\s*)?location\b"
    r"|location\s*\.\s*(?:replace|assign)\s*\(\s*(?:window\s*\.\s*|document\s*\.\s*)?location\b"
)
STUB_MAX_TEXT = 200  # a redirect stub or challenge page shows (almost) nothing itself
STUB_MAX_LINKS = 3
REFRESH_MAX_DELAY = 30.0


def _visible(html: str) -> tuple[str, int]:
    """(visible text, number of links) of a page, scripts and styles left out."""
    doc = Doc("http://stub.invalid/", html)
    return collapse(doc.root.text_content()), sum(1 for _ in doc.root.iter("a"))


def _refresh_target(markup: str) -> str | None:
    for tag in _META_TAG_RE.findall(markup):
        if not _REFRESH_RE.search(tag):
            continue
        m = _REFRESH_URL_RE.search(tag)
        if not m or not m.group(3).strip():
            continue
        delay = float(m.group(2) or 0)
        if delay <= REFRESH_MAX_DELAY:
            return m.group(3).strip().strip("'\"")
    return None


def stub_target(url: str, html: str) -> str | None:
    """Where a redirect stub sends the browser: a page showing (almost) nothing whose
    ``<meta http-equiv=refresh>`` (in the markup or written by ``document.write``) or whose
    ``location.href=``/``location.replace(`` script names another page. None for a real page."""
    low = html.lower()
    if "refresh" not in low and "location" not in low:
        return None  # the common case, without parsing the page
    text, links = _visible(html)
    if len(text) > STUB_MAX_TEXT or links > STUB_MAX_LINKS:
        return None
    href = _refresh_target(html) or _refresh_target(expand_writes(html))
    if href is None:
        scripts = " ".join(m.group(2) for m in _SCRIPT_BLOCK_RE.finditer(html))
        m = _JS_NAV_RE.search(scripts)
        if m:
            href = m.group(2) or m.group(4)
    if not href or href.lower().startswith(("javascript:", "#", "mailto:")):
        return None
    base = Doc(url, html).base
    target = urljoin(base, href.strip())
    if urlsplit(target).scheme not in ("http", "https") or target.split("#", 1)[0] == url:
        return None
    return target.split("#", 1)[0]


def is_challenge(html: str) -> bool:
    """An anti-bot challenge: a page that shows nothing, sets a cookie by script and reloads itself
    (加速乐/瑞数-style), so a patrol without a browser never sees the content."""
    if not (_COOKIE_RE.search(html) or _RELOAD_RE.search(html)):
        return False  # the common case, without parsing the page
    text, links = _visible(html)
    if len(text) > STUB_MAX_TEXT or links > STUB_MAX_LINKS:
        return False
    scripts = " ".join(m.group(2) for m in _SCRIPT_BLOCK_RE.finditer(html))
    if not scripts.strip():
        return False
    if _COOKIE_RE.search(scripts) and (_RELOAD_RE.search(scripts) or "location" in scripts):
        return True
    return bool(_RELOAD_RE.search(scripts)) and not _JS_NAV_RE.search(scripts)


def is_disclosure_page(url: str, html: str) -> bool:
    """The page names itself a 信息公开 platform (its <title> or a top heading): a homepage that is
    its own disclosure platform needs no separate entry link."""
    doc = Doc(url, expand_writes(html))
    texts = [doc.title] + [collapse(h.text_content()) for h in doc.root.iter("h1", "h2", "h3")][:6]
    return any(
        phrase in t and not P.DISCLOSURE_EXCLUDE_RE.search(t)
        for t in texts
        if t
        for phrase, _ in P.DISCLOSURE_TEXTS
    )


SHELL_MAX_TEXT = 300  # own text (outside links and navigation) of a page that is only a frame


def own_text_length(url: str, html: str) -> int:
    """Characters of visible text outside links and navigation/footer containers: an article or
    a 机构职能-style content page has hundreds, a list page whose rows are missing a handful."""
    doc = Doc(url, expand_writes(html))
    total = 0
    for el in doc.root.iter():
        if not isinstance(el.tag, str) or el.tag == "a":
            continue
        if el.tag in ("html", "head", "title") or any(a.tag == "a" for a in el.iterancestors()):
            continue
        texts = [el.text or ""] + [c.tail or "" for c in el]
        n = sum(len(re.sub(r"\s+", "", t)) for t in texts)
        if n and not doc.is_nav(el):
            total += n
    return total


def _script_list_box(url: str, html: str) -> bool:
    """An empty list-like container (class/id list, news, data, app …) on a page with scripts:
    the frame a script fills with the rows."""
    if "<script" not in html.lower():
        return False
    doc = Doc(url, html)
    for el in doc.root.iter("div", "ul", "ol", "table", "tbody", "section", "dl"):
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not names.strip() or not P.LIST_BOX_CLASS_RE.search(names) or doc.is_nav(el):
            continue
        if not collapse(el.text_content()) and el.find(".//a") is None:
            return True
    return False


def looks_like_list(url: str, html: str, page) -> bool:
    """A column page whose rows were not found (``page`` is its ``ListPage`` with no entries and
    no 暂无信息): it states pages, or it is a frame - little text of its own and an empty list-like
    container that a script fills. A content page (机构职能, a 指南, a parent page of sub-columns)
    is neither."""
    if page.entries or page.empty:
        return False
    if page.total_pages and page.total_pages > 1 or page.next_url or len(page.pages or []) > 1:
        return True
    return own_text_length(url, html) < SHELL_MAX_TEXT and _script_list_box(url, html)
