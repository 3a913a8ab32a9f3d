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

import datetime as dt
import html as htmllib
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from ..dates import row_date
from ..dom import Doc, resolve
from ..pager import Pager
from . import Profile, register

NAME = "scripted"
# PATROL_SCRIPTED=off turns the hook off (benchmark baseline; a network known to have no such pages)
ENABLED = os.environ.get("PATROL_SCRIPTED", "on").strip().lower() not in ("0", "off", "no", "false")
CHINA = dt.timezone(dt.timedelta(hours=8))
MAX_LITERAL = 4_000_000

# --- names that break ties (data, not rules: any field of the right shape is accepted) -----------
TITLE_NAMES = ("title", "doctitle", "name", "subject", "headline", "bt", "wzbt", "topic", "text", "label")
URL_NAMES = ("url", "docpuburl", "link", "href", "detailurl", "linkurl", "puburl", "path", "src", "address")
DATE_RANK = (  # publish-like first, then neutral, then creation, then other dates
    (re.compile(r"pub|publish|release|docrel|fbrq|fbsj|issue|show"), 4),
    (re.compile(r"^(date|time|day|rq|sj|datetime|dt)$"), 3),
    (re.compile(r"date|time|rq|sj"), 2),
    (re.compile(r"creat|add|input|ctime"), 1),
    (re.compile(r"updat|modif|edit|writ|cw|sign|expire|end|start"), 0),
)
TOTAL_KEYS = {
    "total", "totalcount", "count", "totalrecord", "totalrecords", "recordcount", "totalelements",
    "totalnum", "totalsize", "records", "totalrow", "totalrows", "rowcount", "allcount", "itemcount",
    "totalitems", "resultcount", "numfound", "recordtotal", "totalresult",
}  # fmt: skip
PAGES_KEYS = {
    "pagecount",
    "totalpage",
    "totalpages",
    "pages",
    "pagetotal",
    "countpage",
    "maxpage",
    "lastpage",
}
CURRENT_KEYS = {"page", "pageno", "pageindex", "currentpage", "curpage", "current", "pagenum",
                "pagenumber", "curr", "cp", "pn", "number", "pagecurrent"}  # fmt: skip
SIZE_KEYS = {"pagesize", "size", "limit", "perpage", "rows", "pagerows", "pagelimit", "numperpage", "prepage"}
PAGE_PARAMS = CURRENT_KEYS | {"p", "pg", "index"}
OFFSET_PARAMS = {"start", "offset", "startrecord", "from", "skip", "begin", "startindex"}
PIN_KEY_RE = re.compile(r"^(is)?(top|stick|sticky|pin|pinned|zhiding|zd|settop|ding)\w*$", re.I)
IMAGE_RE = re.compile(r"\.(jpe?g|png|gif|bmp|webp|svg|ico)(\?|$)", re.I)
STATIC_RE = re.compile(r"\.(js|css|jpe?g|png|gif|bmp|webp|svg|ico|woff2?|ttf|eot|map)(\?|$)", re.I)
URLISH_RE = re.compile(
    r"^(https?:)?//\S+$|^\.{0,2}/\S*$|^[\w\-.~%/]+\.(s?html?|jsp|aspx?|php|do|action|pdf|docx?|xlsx?|wps|txt)(\?\S*)?$"
    r"|^[\w\-.~%]+/[\w\-.~%/]+(\?\S*)?$",
    re.I,
)
TAG_RE = re.compile(r"<[^>]+>")
EPOCH_DIGITS_RE = re.compile(r"^\d{10}(\d{3})?$")

# --- where data sits in inline scripts -------------------------------------------------------------
LITERAL_START_RE = re.compile(r"(?:=|\(|\breturn)\s*([\[{])")
JSON_PARSE_RE = re.compile(r"JSON\.parse\(\s*(['\"])")
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
OBJ_ARG_RE = re.compile(r"^\s*,\s*(\{[^{}]{0,600}\})")
DATA_OBJ_RE = re.compile(r"\bdata\s*:\s*(\{[^{}]{0,600}\})")
PAIR_RE = re.compile(
    r"['\"]?([A-Za-z_$][\w$]*)['\"]?\s*:\s*(?:(['\"])([^'\"]*)\2|(-?\d+)|([A-Za-z_$][\w$.]*))"
)
HREF_ASSIGN_RE = re.compile(r"\blocation(?:\.href)?\s*=(?!=)|\.href\s*=(?!=)|location\.(?:assign|replace)\(")
# 'prefix' + page [+/- k] + 'suffix' inside such a statement
HREF_CONCAT_RE = re.compile(
    r"(['\"])([^'\"]*)\1\s*\+\s*\(?\s*([A-Za-z_$][\w$.]*)\s*(?:([+-])\s*(\d+)\s*)?\)?\s*\+\s*(['\"])([^'\"]*)\6"
)
SCRIPT_TOTAL_RE = re.compile(
    r"\b(?:count|total|totalCount|recordCount|totalRecord|records)\s*[:=]\s*['\"]?(\d+)"
)
SCRIPT_SIZE_RE = re.compile(r"\b(?:limit|pageSize|perPage|size|prepage|rows)\s*[:=]\s*['\"]?(\d+)")
SCRIPT_PAGES_RE = re.compile(r"\b(?:pages|pageCount|totalPage|totalPages|countPage)\s*[:=]\s*['\"]?(\d+)")
SCRIPT_CURR_RE = re.compile(r"\b(?:curr|current|currentPage|curPage|pageNo|pageIndex)\s*[:=]\s*['\"]?(\d+)")


# --- lenient JavaScript literal reader ----------------------------------------------------------------
def literal_end(text: str, start: int) -> int | None:
    """Index just past the bracketed literal opening at ``start`` (strings and comments skipped)."""
    depth, i, n = 0, start, min(len(text), start + MAX_LITERAL)
    while i < n:
        c = text[i]
        if c in "\"'`":
            i = _string_end(text, i)
            if i is None:
                return None
            continue
        if c == "/" and i + 1 < n and text[i + 1] in "/*":
            i = text.find("\n" if text[i + 1] == "/" else "*/", i + 2)
            if i < 0:
                return None
            i += 1 if text[i] == "\n" else 2
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _string_end(text: str, i: int) -> int | None:
    q, j = text[i], i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == q:
            return j + 1
        if text[j] == "\n" and q != "`":
            return None
        j += 1
    return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape_js(body: str) -> str:
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "u" and re.match(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif nxt == "x" and re.match(r"[0-9a-fA-F]{2}", body[i + 2 : i + 4]):
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return "".join(out)


_TOKEN_RE = re.compile(
    r"\s+|//[^\n]*|/\*.*?\*/|(?P<num>-?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+))"
    r"|(?P<ident>[A-Za-z_$][\w$]*)|(?P<punct>[\[\]{}:,])",
    re.S,
)


def js_value(src: str):
    """A JSON value from a JavaScript literal (unquoted keys, single quotes, trailing commas,
    comments, undefined); raises ValueError on anything else (functions, expressions)."""
    try:
        return json.loads(src)
    except ValueError:
        pass
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in "\"'`":
            j = _string_end(src, i)
            if j is None or (c == "`" and "${" in src[i:j]):
                raise ValueError("unterminated or template string")
            out.append(json.dumps(_unescape_js(src[i + 1 : j - 1]), ensure_ascii=False))
            i = j
            continue
        m = _TOKEN_RE.match(src, i)
        if not m:
            raise ValueError(f"unexpected {c!r}")
        i = m.end()
        if m.group("num"):
            num = m.group("num")
            out.append(str(int(num, 16)) if num.lower().startswith(("0x", "-0x")) else num)
        elif m.group("ident"):
            word = m.group("ident")
            rest = src[i:].lstrip()
            if rest.startswith(":"):
                out.append(json.dumps(word))
            elif word in ("true", "false", "null"):
                out.append(word)
            elif word in ("undefined", "NaN"):
                out.append("null")
            else:
                raise ValueError(f"expression {word}")
        elif m.group("punct"):
            p = m.group("punct")
            if p == "," and src[i:].lstrip()[:1] in ("]", "}", ""):
                continue
            out.append(p)
    return json.loads("".join(out))


def json_body(text: str):
    """The value of a JSON (or JSONP ``cb({...})``) document, else None."""
    s = text.strip().lstrip("\ufeff")
    if not s:
        return None
    if s[0] not in "[{":
        m = re.match(r"^[\w$.]+\s*\(\s*([\[{])", s)
        if not m:
            return None
        s = s[m.start(1) :].rstrip().rstrip(";").rstrip().removesuffix(")")
    try:
        value = json.loads(s)
    except ValueError:
        return None
    return value if isinstance(value, (dict, list)) else None


def inline_values(scripts: list[str]) -> list:
    """Every array/object literal assigned or passed in the scripts, and JSON.parse('…') payloads."""
    found = []
    for text in scripts:
        skip_to = -1
        for m in LITERAL_START_RE.finditer(text):
            start = m.start(1)
            if start < skip_to:
                continue
            end = literal_end(text, start)
            if end is None:
                continue
            try:
                found.append(js_value(text[start:end]))
                skip_to = end
            except ValueError:
                continue
        for m in JSON_PARSE_RE.finditer(text):
            end = _string_end(text, m.start(1))
            if end is None:
                continue
            try:
                found.append(json.loads(_unescape_js(text[m.start(1) + 1 : end - 1])))
            except ValueError:
                continue
    return found


# --- records by shape -----------------------------------------------------------------------------
def epoch_date(v) -> dt.date | None:
    """Date (China time) of epoch seconds or milliseconds in a plausible range, else None."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if 1e11 <= v < 5e12:
        v = v / 1000
    elif not 3e8 <= v < 5e9:
        return None
    return dt.datetime.fromtimestamp(v, CHINA).date()


def value_date(v) -> tuple[dt.date | None, tuple[int, int] | None]:
    if isinstance(v, str):
        s = v.strip()
        if EPOCH_DIGITS_RE.match(s):
            return epoch_date(int(s)), None
        if len(s) > 40:
            return None, None
        return row_date(s)
    return epoch_date(v), None


def _is_url(v) -> bool:
    return (
        isinstance(v, str)
        and 0 < len(v) < 2048
        and not IMAGE_RE.search(v)
        and bool(URLISH_RE.match(v.strip()))
    )


def _clean_title(v) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(TAG_RE.sub("", v))).strip() if isinstance(v, str) else ""


def _is_title(v) -> bool:
    t = _clean_title(v)
    if not (2 <= len(t) <= 500) or _is_url(v) or value_date(v) != (None, None):
        return False
    return bool(re.search(r"[\u4e00-\u9fff]|[A-Za-z]{3}", t))


def _norm(key: str) -> str:
    return re.sub(r"[_\-\s]", "", key).lower()


@dataclass
class Records:
    rows: list[dict]
    title: str
    url: str
    date: str
    facts: dict = field(default_factory=dict)  # total / pages / current / size from the containers


def _pick(rows: list[dict], test: Callable, names: tuple, rank: Callable | None = None) -> str | None:
    """The key whose values pass ``test`` in most rows; ties: well-known names, distinct values,
    then longer values (a title beats a source name)."""
    keys: dict[str, list] = {}
    for r in rows:
        for k, v in r.items():
            if test(v):
                keys.setdefault(k, []).append(v)
    best, best_key = None, None
    for k, vals in keys.items():
        share = len(vals) / len(rows)
        if share < 0.5:
            continue
        nk = _norm(k)
        named = rank(nk) if rank else (len(names) - names.index(nk) if nk in names else 0)
        distinct = len({json.dumps(v, ensure_ascii=False) for v in vals}) / len(vals)
        avg = sum(len(str(v)) for v in vals) / len(vals)
        key = (share >= 0.8, named, distinct >= 0.9, share, avg)
        if best_key is None or key > best_key:
            best, best_key = k, key
    return best


def _date_rank(nk: str) -> int:
    for pat, rank in DATE_RANK:
        if pat.search(nk):
            return rank
    return -1


def _record_list(rows: list) -> Records | None:
    dicts = [r for r in rows if isinstance(r, dict)]
    if not dicts or len(dicts) < len(rows) * 0.8:
        return None
    url = _pick(dicts, _is_url, URL_NAMES)
    title = _pick(dicts, _is_title, TITLE_NAMES)
    date = _pick(dicts, lambda v: value_date(v) != (None, None), (), rank=_date_rank)
    if not (url and title and date) or len({url, title, date}) < 3:
        return None
    return Records(rows=dicts, title=title, url=url, date=date)


def _facts(container: dict) -> dict:
    out = {}
    for k, v in container.items():
        if isinstance(v, bool):
            continue
        if isinstance(v, str) and v.strip().isdigit():
            v = int(v)
        if not isinstance(v, int):
            continue
        nk = _norm(k)
        for name, keys in (
            ("total", TOTAL_KEYS),
            ("pages", PAGES_KEYS),
            ("current", CURRENT_KEYS),
            ("size", SIZE_KEYS),
        ):
            if nk in keys:
                out.setdefault(name, v)
    return out


def find_records(value, _chain: tuple = ()) -> Records | None:
    """The largest list of record-shaped objects anywhere in ``value``, with the pager facts of the
    objects that contain it (nearest first)."""
    best: Records | None = None
    if isinstance(value, list):
        rec = _record_list(value)
        if rec is not None:
            facts: dict = {}
            for container in reversed(_chain):
                for k, v in _facts(container).items():
                    facts.setdefault(k, v)
            rec.facts = facts
            best = rec
        children = value
    elif isinstance(value, dict):
        children = list(value.values())
        _chain = (*_chain, value)
    else:
        return None
    for child in children:
        if isinstance(child, (list, dict)):
            rec = find_records(child, _chain)
            if rec is not None and (best is None or len(rec.rows) > len(best.rows)):
                best = rec
    return best


def _pinned(row: dict) -> bool:
    for k, v in row.items():
        if PIN_KEY_RE.match(_norm(k)) and v not in (0, "0", False, None, "", "false", "N", "n", "否"):
            return True
    return False


def fragment(base: str, rec: Records) -> etree._Element:
    """The records as a plain dated list (what the script would have drawn), links resolved."""
    ul = etree.Element("ul")
    for r in rec.rows:
        href = r.get(rec.url)
        title = _clean_title(r.get(rec.title))
        if not isinstance(href, str) or not title:
            continue
        d, p = value_date(r.get(rec.date))
        li = etree.SubElement(ul, "li")
        a = etree.SubElement(li, "a", href=resolve(base, href.strip()) or href, title=title)
        a.text = ("[置顶]" if _pinned(r) else "") + title
        span = etree.SubElement(li, "span")
        span.text = d.isoformat() if d else (f"{p[0]:02d}-{p[1]:02d}" if p else "")
    root = lxml.html.fromstring("<div></div>")
    root.append(ul)
    return root


# --- paging of an API answer --------------------------------------------------------------------------
def _with_param(url: str, key: str, value: int) -> str:
    parts = urlsplit(url)
    query = [(k, str(value) if k == key else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def api_pager(url: str, rec: Records) -> Pager:
    """Next API page: the page parameter + 1 (or the offset + page size), while the answer's own
    total / page count says there is more; without such fields, while pages come back full."""
    facts = rec.facts
    n = len(rec.rows)
    query = {_norm(k): (k, v) for k, v in parse_qsl(urlsplit(url).query) if v.strip().lstrip("-").isdigit()}
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
        value = int(query[_norm(page_key)][1])
        cur = facts.get("current", value)
        zero_based = cur == 0 or value == 0
        index = cur + 1 if zero_based else cur
        more = index < pages if pages is not None else bool(size) and n >= size
        pager.current = index
        pager.next_url = _with_param(url, page_key, value + 1) if more else None
    elif offset_key is not None:
        start = int(query[_norm(offset_key)][1])
        step = size or n
        more = start + n < total if total is not None else bool(size) and n >= size
        nxt = _with_param(url, offset_key, start + step) if more else None
        end_key = next((k for nk, (k, _) in query.items() if nk in ("endrecord", "end", "to")), None)
        if nxt and end_key:
            nxt = _with_param(nxt, end_key, int(query[_norm(end_key)][1]) + step)
        pager.next_url = nxt
    else:  # page number in the path (…/list_1.json, …/page/1)
        cur = facts.get("current", 1)
        path = urlsplit(url).path
        m = [x for x in re.finditer(r"\d+", path) if int(x.group()) == cur]
        more = (cur < pages) if pages is not None else bool(size) and n >= size
        if m and more:
            x = m[-1]
            new_path = path[: x.start()] + str(cur + 1) + path[x.end() :]
            pager.next_url = urlunsplit(urlsplit(url)._replace(path=new_path))
    return pager


@register
class ScriptedProfile(Profile):
    """A JSON (or JSONP) answer of a list API: records by shape, paging by its own fields."""

    name = NAME

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
        return fragment(doc.url, rec) if rec is not None else None

    def pager(self, doc: Doc, scope=None, next_el=None) -> Pager:
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
                    elif _norm(key) in PAGE_PARAMS:
                        params.append((key, "1"))  # a page argument of the loading function
                    elif _norm(key) in OFFSET_PARAMS:
                        params.append((key, "0"))
            if raw.startswith("`") or "${" in raw:
                continue
            url = resolve(doc.base, raw)
            if not url or STATIC_RE.search(urlsplit(url).path) or url == doc.url:
                continue
            if params:
                url += ("&" if "?" in url else "?") + urlencode(params)
            parts = urlsplit(url)
            if not DATA_URL_RE.search(parts.path) and not any(
                _norm(k) in PAGE_PARAMS | OFFSET_PARAMS for k, _ in parse_qsl(parts.query)
            ):
                continue
            if url not in out:
                out.append(url)
    return out


def inline_records(doc: Doc) -> Records | None:
    best = None
    for value in inline_values(doc.script_texts):
        rec = find_records(value)
        if rec is not None and (best is None or len(rec.rows) > len(best.rows)):
            best = rec
    return best


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
    m = None
    for a in HREF_ASSIGN_RE.finditer(s):
        stmt = re.split(r"[;}\n]", s[a.end() : a.end() + 300], maxsplit=1)[0]
        if m := HREF_CONCAT_RE.search(stmt):
            break
    if not pages or pages < 2 or not m:
        return Pager(total_records=facts.get("total"), total_pages=pages)
    shift = int(m.group(5)) * (1 if m.group(4) == "+" else -1) if m.group(5) else 0
    cur = facts.get("current") or 1

    def page_url(k: int) -> str | None:
        return resolve(doc.base, f"{m.group(2)}{k + shift}{m.group(7)}")

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
            href, title = r.get(rec.url), _clean_title(r.get(rec.title))
            target = resolve(doc.base, href.strip()) if isinstance(href, str) else None
            if not target or not title or target in seen:
                continue
            seen.add(target)
            d, p = value_date(r.get(rec.date))
            entries.append(Entry(url=target, title=title, date=d, partial=p, pinned=_pinned(r)))
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
