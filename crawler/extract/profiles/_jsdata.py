"""Data that scripts carry, read without running them (for the ``scripted`` profile): a lenient
JavaScript literal reader (unquoted keys, single quotes, trailing commas, comments), JSON/JSONP
bodies, every literal assigned or passed in inline scripts, and lists of records found by shape —
objects holding a title-like string, a URL-like string and a date-like value (text, or epoch
seconds/milliseconds read in China time). Well-known field names only break ties.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ..dates import row_date
from ..dom import resolve

CHINA = dt.timezone(dt.timedelta(hours=8))
MAX_LITERAL = 4_000_000
SCAN_BUDGET = 20_000_000

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
ZERO_BASED_KEYS = {"number"}  # Spring Data's Page: 0-based page number
LAST_KEYS = {"last", "lastpage", "islastpage", "islast"}  # true on the last page
HAS_NEXT_KEYS = {"hasnext", "hasnextpage", "hasmore"}  # false on the last page
OFFSET_PARAMS = {"start", "offset", "startrecord", "from", "skip", "begin", "startindex"}
PIN_LIST_RE = re.compile(r"top|stick|pin|zhiding|^zd|ding|置顶")
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


_SKIP_RE = re.compile(r"^(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)  # whitespace and comments ahead
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
            if p == "," and _SKIP_RE.sub("", src[i : i + 200])[:1] in ("]", "}", ""):
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
    """Every array/object literal assigned or passed in the scripts, and JSON.parse('…') payloads.
    Bounded: literals that are code (functions inside) are scanned at most ``SCAN_BUDGET`` chars
    in all, so an inlined library costs little."""
    found = []
    budget = SCAN_BUDGET
    for text in scripts:
        skip_to = -1
        for m in LITERAL_START_RE.finditer(text):
            start = m.start(1)
            if start < skip_to or budget <= 0:
                continue
            end = literal_end(text, start)
            budget -= (end or len(text)) - start
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


ISO_ZONED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def value_date(v) -> tuple[dt.date | None, tuple[int, int] | None]:
    """A record field as a date: epoch seconds/ms (China time), an ISO time with a zone (moved to
    China time), a compact 20200501, or any date text the list reader knows."""
    if isinstance(v, str):
        s = v.strip()
        if EPOCH_DIGITS_RE.match(s):
            return epoch_date(int(s)), None
        if len(s) > 40:
            return None, None
        if ISO_ZONED_RE.match(s):
            try:
                return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(CHINA).date(), None
            except ValueError:
                pass
        if m := COMPACT_DATE_RE.match(s):
            try:
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                return (d, None) if 1990 <= d.year <= 2100 else (None, None)
            except ValueError:
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


def clean_title(v) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(TAG_RE.sub("", v))).strip() if isinstance(v, str) else ""


def _is_title(v) -> bool:
    t = clean_title(v)
    if not (2 <= len(t) <= 500) or _is_url(v) or value_date(v) != (None, None):
        return False
    return bool(re.search(r"[\u4e00-\u9fff]|[A-Za-z]{3}", t))


def norm_key(key: str) -> str:
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
        nk = norm_key(k)
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
            nk = norm_key(k)
            if nk in LAST_KEYS:
                out.setdefault("more", not v)
            elif nk in HAS_NEXT_KEYS:
                out.setdefault("more", v)
            continue
        if isinstance(v, str) and v.strip().isdigit():
            v = int(v)
        if not isinstance(v, int):
            continue
        nk = norm_key(k)
        for name, keys in (
            ("total", TOTAL_KEYS),
            ("pages", PAGES_KEYS),
            ("current", CURRENT_KEYS),
            ("size", SIZE_KEYS),
        ):
            if nk in keys and name not in out:
                out[name] = v
                if name == "current" and nk in ZERO_BASED_KEYS:
                    out["zero_based"] = True
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
    if isinstance(value, dict) and best is not None:
        _add_pinned(value, best)
    return best


def _add_pinned(container: dict, best: Records) -> None:
    """Pinned rows kept in a list of their own beside the main one (``topList``, ``zdList`` …),
    with the same fields, belong to the same column: they go first, marked pinned."""
    if not any(isinstance(v, list) and v and v[0] is best.rows[0] for v in container.values()):
        return  # the main list is not a direct child of this object
    for key, other in container.items():
        if not isinstance(other, list) or not other or other[0] is best.rows[0]:
            continue
        if not PIN_LIST_RE.search(norm_key(key)):
            continue
        rec = _record_list(other)
        if rec is None or (rec.title, rec.url, rec.date) != (best.title, best.url, best.date):
            continue
        best.rows = [{**r, "__top__": 1} for r in rec.rows] + best.rows


def pinned_record(row: dict) -> bool:
    for k, v in row.items():
        if PIN_KEY_RE.match(norm_key(k)) and v not in (0, "0", False, None, "", "false", "N", "n", "否"):
            return True
    return False


def fragment(base: str, rec: Records) -> etree._Element:
    """The records as a plain dated list (what the script would have drawn), links resolved."""
    ul = etree.Element("ul")
    for r in rec.rows:
        href = r.get(rec.url)
        title = clean_title(r.get(rec.title))
        if not isinstance(href, str) or not title:
            continue
        d, p = value_date(r.get(rec.date))
        li = etree.SubElement(ul, "li")
        a = etree.SubElement(li, "a", href=resolve(base, href.strip()) or href, title=title)
        a.text = ("[置顶]" if pinned_record(r) else "") + title
        span = etree.SubElement(li, "span")
        span.text = d.isoformat() if d else (f"{p[0]:02d}-{p[1]:02d}" if p else "")
    root = lxml.html.fromstring("<div></div>")
    root.append(ul)
    return root
