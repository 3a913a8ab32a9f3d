"""Columns whose rows a script builds: from data the page carries (an inline array or state object)
or from a JSON API its inline scripts call (fetch / XMLHttpRequest / $.ajax / $.getJSON / axios).

Records are found by shape, not by one platform's field names: a list of objects each holding a
title-like string, a URL-like string and a date-like value (text or epoch seconds/milliseconds).
Well-known names (title/DOCTITLE, url/docpuburl, pubDate/DOCRELTIME, total/pageCount …) only break
ties. A JSON API answer is a list page of its own (``ScriptedProfile``: its rows are the records,
its next page the API URL with the page / offset parameter moved on, bounded by the answer's own
total / page-count fields). ``read`` serves the spider's hook for an HTML list page that parsed to
no rows: inline records become its entries, an API URL becomes its next page.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from ..dom import Doc, resolve
from ..pager import Pager
from . import Profile, register
from ._jsdata import (
    OFFSET_PARAMS,
    PAGE_PARAMS,
    SIZE_KEYS,
    STATIC_RE,
    Records,
    clean_title,
    find_records,
    fragment,
    inline_values,
    json_body,
    norm_key,
    pinned_record,
    value_date,
)

NAME = "scripted"
_PAGING_KEYS = (
    PAGE_PARAMS | OFFSET_PARAMS | SIZE_KEYS | {"endrecord", "end", "to", "_", "t", "callback", "cb"}
)
# PATROL_SCRIPTED=off turns the hook off (benchmark baseline; a network known to have no such pages)
ENABLED = os.environ.get("PATROL_SCRIPTED", "on").strip().lower() not in ("0", "off", "no", "false")
API_CALL_RE = re.compile(
    r"(?:\bfetch|\$\.(?:ajax|get|getJSON|post)|jQuery\.(?:ajax|get|getJSON|post)|\baxios(?:\.get|\.post)?"
    r"|\.open\(\s*['\"](?:GET|POST)['\"]\s*,|\burl\s*:)\s*\(?\s*(['\"`])([^'\"`\s]{2,500}?)\1",
    re.I,
)
CONCAT_RE = re.compile(
    r"^\s*\+\s*\(?\s*([A-Za-z_$][\w$.]*)\s*(?:([+-])\s*(\d+)\s*)?\)?\s*(?:\+\s*(['\"])([^'\"]*)\4)?"
)
# what a data endpoint looks like (a script's request to anything else — a log, a redirect, a counter
# — is not where its rows come from)
DATA_URL_RE = re.compile(
    r"api|json|list|data|query|search|page|getinfo|getlist|\.(?:do|action|jsp|ashx|aspx|php|cgi)(?:[?#]|$)",
    re.I,
)
# endpoints that never hold a column's rows: counters, statistics, logs, sessions, page furniture
NOT_DATA_WORDS = {
    "count", "counter", "visit", "visits", "click", "clicks", "hit", "hits", "stat", "stats", "log", "logs",
    "track", "tracking", "beacon", "weather", "captcha", "verify", "login", "logout", "user", "token",
    "session", "config", "menu", "nav", "banner", "advert", "ad", "ads", "vote", "comment", "comments",
    "like", "share", "cookie", "online", "pv", "uv",
}  # fmt: skip
WORD_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
LIST_WORD_RE = re.compile(r"list|page|query|search|article|info|doc|content|column|channel|gk|xxgk", re.I)
OBJ_ARG_RE = re.compile(r"^\s*,\s*(\{[^{}]{0,600}\})")
DATA_OBJ_RE = re.compile(r"\bdata\s*:\s*(\{[^{}]{0,600}\})")
PAIR_RE = re.compile(
    r"['\"]?([A-Za-z_$][\w$]*)['\"]?\s*:\s*(?:(['\"])([^'\"]*)\2|(-?\d+)|([A-Za-z_$][\w$.]*))"
)
HREF_ASSIGN_RE = re.compile(r"\blocation(?:\.href)?\s*=(?!=)|\.href\s*=(?!=)|location\.(?:assign|replace)\(")
# 'prefix' + page [+/- k] + 'suffix' inside such a statement
HREF_CONCAT_RE = re.compile(
    r"(?:'([^'\n]*)'|\"([^\"\n]*)\")\s*\+\s*\(?\s*([A-Za-z_$][\w$.]*)\s*(?:([+-])\s*(\d+)\s*)?\)?\s*\+\s*"
    r"(?:'([^'\n]*)'|\"([^\"\n]*)\")"
)
PAGE_VAR_RE = re.compile(r"^(?:[ijknp]|pn|cp|no|num|idx|index|pg|page\w*|cur\w*)$", re.I)
SCRIPT_TOTAL_RE = re.compile(
    r"\b(?:count|total|totalCount|recordCount|totalRecord|records)\s*[:=]\s*['\"]?(\d+)"
)
SCRIPT_SIZE_RE = re.compile(r"\b(?:limit|pageSize|perPage|size|prepage|rows)\s*[:=]\s*['\"]?(\d+)")
SCRIPT_PAGES_RE = re.compile(r"\b(?:pages|pageCount|totalPage|totalPages|countPage)\s*[:=]\s*['\"]?(\d+)")
SCRIPT_CURR_RE = re.compile(r"\b(?:curr|current|currentPage|curPage|pageNo|pageIndex)\s*[:=]\s*['\"]?(\d+)")


# --- paging of an API answer --------------------------------------------------------------------------
def _with_param(url: str, key: str, value: int) -> str:
    parts = urlsplit(url)
    query = [(k, str(value) if k == key else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def api_pager(url: str, rec: Records) -> Pager:
    """Next API page: the page parameter + 1 (or the offset + page size), while the answer's own
    total / page count says there is more; without such fields, while pages come back full."""
    facts = rec.facts
    n = sum(1 for r in rec.rows if "__top__" not in r)  # a pinned list beside the page does not count
    query = {
        norm_key(k): (k, v) for k, v in parse_qsl(urlsplit(url).query) if v.strip().lstrip("-").isdigit()
    }
    size = facts.get("size") or next((int(v) for nk, (_, v) in query.items() if nk in SIZE_KEYS), None)
    total = facts.get("total")
    pages = facts.get("pages")
    if pages is None and total is not None and (size or n):
        pages = max(1, math.ceil(total / (size or n)))
    pager = Pager(total_records=total)
    page_key = next((k for nk, (k, _) in query.items() if nk in PAGE_PARAMS), None)
    offset_key = next((k for nk, (k, _) in query.items() if nk in OFFSET_PARAMS), None)
    if n == 0:
        return pager
    if page_key is not None:
        value = int(query[norm_key(page_key)][1])
        cur = facts.get("current", value)
        zero_based = cur == 0 or value == 0 or facts.get("zero_based", False)
        index = cur + 1 if zero_based else cur
        more = index < pages if pages is not None else bool(size) and n >= size
        more = facts.get("more", more)
        pager.current = index
        pager.next_url = _with_param(url, page_key, value + 1) if more else None
    elif offset_key is not None:
        start = int(query[norm_key(offset_key)][1])
        step = size or n
        more = start + n < total if total is not None else bool(size) and n >= size
        more = facts.get("more", more)
        nxt = _with_param(url, offset_key, start + step) if more else None
        end_key = next((k for nk, (k, _) in query.items() if nk in ("endrecord", "end", "to")), None)
        if nxt and end_key:
            nxt = _with_param(nxt, end_key, int(query[norm_key(end_key)][1]) + step)
        pager.next_url = nxt
    else:  # page number in the path (…/list_1.json, …/page/1)
        cur = facts.get("current", 1)
        path = urlsplit(url).path
        m = [x for x in re.finditer(r"\d+", path) if int(x.group()) == cur]
        more = (cur < pages) if pages is not None else bool(size) and n >= size
        more = facts.get("more", more)
        if m and more:
            x = m[-1]
            new_path = path[: x.start()] + str(cur + 1) + path[x.end() :]
            pager.next_url = urlunsplit(urlsplit(url)._replace(path=new_path))
    return pager


_CALLERS: dict[str, str] = {}  # API URL without its paging parameters -> the page whose script calls it


def _api_key(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if norm_key(k) not in _PAGING_KEYS
    ]
    return urlunsplit(parts._replace(query=urlencode(sorted(query)), fragment=""))


def note_caller(api_url: str, page_url: str) -> None:
    """Remember which page calls an API: relative record links resolve against that page, as the
    browser resolves the links the script draws (not against the API's own URL)."""
    if len(_CALLERS) < 10_000:
        _CALLERS.setdefault(_api_key(api_url), page_url)


def caller(api_url: str) -> str:
    return _CALLERS.get(_api_key(api_url), api_url)


@register
class ScriptedProfile(Profile):
    """A JSON (or JSONP) answer of a list API: records by shape, paging by its own fields."""

    name = NAME
    own_pager_only = True  # an API answer's paging fields are the whole truth about its pages

    def _records(self, doc: Doc) -> Records | None:
        cache = doc.__dict__.setdefault("_scripted", {})
        if "rec" not in cache:
            value = (
                json_body(doc.html) if doc.html.lstrip()[:1] in ("{", "[") or "(" in doc.html[:80] else None
            )
            cache["rec"] = find_records(value) if value is not None else None
        return cache["rec"]

    def detect(self, doc: Doc) -> float:
        head = doc.html.lstrip()[:1]
        if head not in ("{", "[") and not re.match(r"^\s*[\w$.]+\s*\(\s*[\[{]", doc.html[:200]):
            return 0.0
        return 50.0 if self._records(doc) is not None else 0.0

    def row_root(self, doc: Doc) -> etree._Element | None:
        rec = self._records(doc)
        return fragment(caller(doc.url), rec) if rec is not None else None

    def own_pager(self, doc: Doc) -> Pager | None:
        rec = self._records(doc)
        return api_pager(doc.url, rec) if rec is not None else Pager()


# --- HTML pages whose rows are drawn by script ----------------------------------------------------------
def _var_init(script: str, name: str) -> str | None:
    m = re.search(r"\b" + re.escape(name.split(".")[-1]) + r"\s*[:=]\s*(['\"]?)(-?\d+)\1", script)
    return m.group(2) if m else None


def api_urls(doc: Doc) -> list[str]:
    """URLs (page 1) of the data requests the inline scripts make, in script order."""
    out: list[str] = []
    for script in doc.script_texts:
        for m in API_CALL_RE.finditer(script):
            raw = m.group(2)
            after = script[m.end() : m.end() + 700]
            cm = CONCAT_RE.match(after)
            if cm and raw.endswith(("=", "/", "_", "-")):
                init = _var_init(script, cm.group(1)) or "1"
                num = int(init) + (int(cm.group(3)) * (1 if cm.group(2) == "+" else -1) if cm.group(3) else 0)
                raw = raw + str(num) + (cm.group(5) or "")
                after = after[cm.end() :]
            elif after.lstrip().startswith("+"):
                continue  # a URL built from parts we cannot evaluate: left to the browser
            obj = OBJ_ARG_RE.match(after) or DATA_OBJ_RE.search(after[:600])
            params = []
            if obj:
                for pm in PAIR_RE.finditer(obj.group(1)):
                    key = pm.group(1)
                    if pm.group(3) is not None:
                        params.append((key, pm.group(3)))
                    elif pm.group(4) is not None:
                        params.append((key, pm.group(4)))
                    elif (init := _var_init(script, pm.group(5))) is not None:
                        params.append((key, init))
                    elif norm_key(key) in PAGE_PARAMS:
                        params.append((key, "1"))  # a page argument of the loading function
                    elif norm_key(key) in OFFSET_PARAMS:
                        params.append((key, "0"))
            if raw.startswith("`") or "${" in raw:
                continue
            url = resolve(doc.base, raw)
            if not url or STATIC_RE.search(urlsplit(url).path) or url == doc.url:
                continue
            if params:
                url += ("&" if "?" in url else "?") + urlencode(params)
            parts = urlsplit(url)
            paged = any(norm_key(k) in PAGE_PARAMS | OFFSET_PARAMS for k, _ in parse_qsl(parts.query))
            words = {w.lower() for w in WORD_RE.findall(parts.path)}
            if words & NOT_DATA_WORDS or not (DATA_URL_RE.search(parts.path) or paged):
                continue
            if url not in out:
                out.append(url)
    # the likeliest list source first: paged, then list-like words (stable among equals)
    return sorted(out, key=lambda u: (not _is_paged(u), not LIST_WORD_RE.search(urlsplit(u).path)))


def _is_paged(url: str) -> bool:
    return any(norm_key(k) in PAGE_PARAMS | OFFSET_PARAMS for k, _ in parse_qsl(urlsplit(url).query))


def inline_records(doc: Doc) -> Records | None:
    best = None
    for value in inline_values(doc.script_texts):
        rec = find_records(value)
        if rec is not None and (best is None or len(rec.rows) > len(best.rows)):
            best = rec
    return best


def page_template(s: str) -> tuple[str, str, int] | None:
    """(prefix, suffix, shift) of the page URL a script builds: ``location.href = 'index_' + n +
    '.html'`` (any form of that statement), or pager markup ``'<a href="index_' + i + '.html">'``."""

    def shift(m) -> int:
        return int(m.group(5)) * (1 if m.group(4) == "+" else -1) if m.group(5) else 0

    def paging(m) -> bool:  # a page number or loop index, not a record's id
        return bool(PAGE_VAR_RE.match(m.group(3).rsplit(".", 1)[-1]))

    for a in HREF_ASSIGN_RE.finditer(s):
        stmt = re.split(r"[;}\n]", s[a.end() : a.end() + 300], maxsplit=1)[0]
        m = HREF_CONCAT_RE.search(stmt)
        if m and paging(m):
            return m.group(1) or m.group(2) or "", m.group(6) or m.group(7) or "", shift(m)
    for m in HREF_CONCAT_RE.finditer(s):
        if not paging(m):
            continue
        head = re.split(r"href\s*=\s*", m.group(1) or m.group(2) or "", flags=re.I)
        if len(head) < 2:
            continue
        prefix = head[-1].lstrip("\\\"'")
        suffix = re.split(r"[\"'\s>\\]", m.group(6) or m.group(7) or "", maxsplit=1)[0]
        if prefix and not prefix.lower().startswith(("javascript:", "#")) and (suffix or "=" in prefix):
            return prefix, suffix, shift(m)
    return None


def script_pager(doc: Doc, rec: Records | None) -> Pager:
    """A pager a script draws (laypage-like ``count/limit/curr`` and a ``location.href = 'index_' +
    n + '.html'`` jump): page URLs from that template, the page count from the stated facts."""
    s = doc.scripts
    facts = dict(rec.facts) if rec else {}
    for key, rx in (
        ("total", SCRIPT_TOTAL_RE),
        ("size", SCRIPT_SIZE_RE),
        ("pages", SCRIPT_PAGES_RE),
        ("current", SCRIPT_CURR_RE),
    ):
        if key not in facts and (m := rx.search(s)):
            facts[key] = int(m.group(1))
    pages = facts.get("pages")
    if pages is None and facts.get("total") is not None and facts.get("size"):
        pages = max(1, math.ceil(facts["total"] / facts["size"]))
    tpl = page_template(s)
    if not pages or pages < 2 or not tpl:
        return Pager(total_records=facts.get("total"), total_pages=pages)
    prefix, suffix, shift = tpl
    cur = facts.get("current") or 1

    def page_url(k: int) -> str | None:
        return resolve(doc.base, f"{prefix}{k + shift}{suffix}")

    urls = [doc.url if cur == 1 else (page_url(1) or doc.url)] + [
        page_url(k) or "" for k in range(2, pages + 1)
    ]
    if any(not u for u in urls):
        return Pager(total_records=facts.get("total"), total_pages=pages)
    nxt = urls[cur] if cur < len(urls) else None
    return Pager(pages=urls, next_url=nxt, total_pages=pages, total_records=facts.get("total"), current=cur)


def read(url: str, html: str, page, accept: Callable[[str], bool] = lambda u: True):
    """For an HTML list page that parsed to no rows (``page``): a ListPage whose entries are the
    records the page's scripts carry, or whose next page is the JSON API they call; None when the
    scripts hold neither (the browser may still draw the rows)."""
    if not ENABLED or "<script" not in html.lower():
        return None
    from ..listpage import Entry, ListPage

    doc = Doc(url, html)
    rec = inline_records(doc)
    if rec is not None:
        entries, seen = [], set()
        for r in rec.rows:
            href, title = r.get(rec.url), clean_title(r.get(rec.title))
            target = resolve(doc.base, href.strip()) if isinstance(href, str) else None
            if not target or not title or target in seen:
                continue
            seen.add(target)
            d, p = value_date(r.get(rec.date))
            entries.append(Entry(url=target, title=title, date=d, partial=p, pinned=pinned_record(r)))
        if page.pages or page.next_url:
            pager = Pager(pages=page.pages, next_url=page.next_url, total_pages=page.total_pages)
        else:
            pager = script_pager(doc, rec)
        return ListPage(
            entries=entries,
            empty=not entries,
            pages=pager.pages,
            next_url=pager.next_url,
            total_pages=pager.total_pages,
            total_records=pager.total_records,
            profile=NAME,
            column_name=page.column_name,
            current_page=pager.current,
        )
    apis = [u for u in api_urls(doc) if accept(u)]
    if not apis:
        return None
    note_caller(apis[0], url)
    return ListPage(
        entries=[],
        empty=False,
        pages=[],
        next_url=apis[0],
        total_pages=None,
        total_records=None,
        profile=NAME,
        column_name=page.column_name,
    )
