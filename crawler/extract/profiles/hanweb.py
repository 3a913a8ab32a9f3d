"""Hanweb (大汉) jpage: records embedded as XML in the column page, later groups from dataproxy.jsp.

Column page ``/col/col{ID}/index.html`` holds, inside a script,
``<datastore><recordset><record><![CDATA[<li>…</li>]]></record>…`` plus ``totalRecord`` and a
parameter object (columnid, unitid, webid, path, perpage …). Later records come from
``/module/web/jpage/dataproxy.jsp?startrecord=a&endrecord=b&perpage=N&columnid=…`` (GET here),
which answers the same XML with ``<totalrecord>``. The column page plus one dataproxy URL per
group of records make ``pages``; ``total_pages`` is the number of those fetches. Records can repeat
across group boundaries: entries are de-duplicated per page, the caller de-duplicates per column.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
from lxml import etree

from .. import patterns as P
from ..dom import Doc
from ..pager import Pager, query_int
from . import Profile, register

_PARAM_ORDER = (
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourcecontenttype",
    "unitid",
    "webname",
    "permissiontype",
)
_PARAM_CASE = {"sourcecontenttype": "sourceContentType"}


def records(doc: Doc) -> list[str]:
    """The CDATA payload of each <record>, from scripts (column page) or the body (dataproxy answer)."""
    found = P.HANWEB_RECORD_RE.findall(doc.scripts)
    if not found:
        found = P.HANWEB_RECORD_RE.findall(doc.html)
    return found


def total_records(doc: Doc) -> int | None:
    for src in (doc.html, doc.scripts):
        m = P.HANWEB_TOTAL_RE.search(src)
        if m:
            return int(m.group(1) or m.group(2))
    return None


def params(doc: Doc) -> dict[str, str]:
    """columnid/unitid/webid/path/… from the jpage call, the nextgroup link, or our own query."""
    out: dict[str, str] = {}
    if urlsplit(doc.url).path.endswith("dataproxy.jsp"):
        for k, v in parse_qsl(urlsplit(doc.url).query, keep_blank_values=True):
            out.setdefault(k.lower(), v)
    relevant = [s for s in doc.script_texts if P.HANWEB_SCRIPT_HINT_RE.search(s)] or doc.script_texts
    for m in P.HANWEB_PARAM_RE.finditer("\n".join(relevant)):
        k, v = m.group(1).lower(), m.group(2)
        if v and k not in out:
            out[k] = v
    return out


def proxy_path(doc: Doc) -> str:
    """The dataproxy endpoint: the jpage ``proxyUrl``, a dataproxy link in <nextgroup>, or the
    conventional /module/web/jpage/dataproxy.jsp; resolved against the page URL."""
    if urlsplit(doc.url).path.endswith("dataproxy.jsp"):
        return urljoin(doc.url, urlsplit(doc.url).path)
    m = P.HANWEB_PROXY_URL_RE.search(doc.scripts)
    return urljoin(doc.url, m.group(1) if m else P.HANWEB_PROXY_PATH)


def proxy_url(doc: Doc, prm: dict[str, str], start: int, end: int, perpage: int) -> str:
    query = [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(perpage))]
    for k in _PARAM_ORDER:
        if k in prm:
            query.append((_PARAM_CASE.get(k, k), prm[k]))
    return proxy_path(doc) + "?" + urlencode(query)


@register
class HanwebProfile(Profile):
    name = "hanweb"
    own_pager_only = True  # the records' totalRecord is the whole truth about its pages

    def detect(self, doc: Doc) -> float:
        if urlsplit(doc.url).path.endswith("dataproxy.jsp") or P.HANWEB_DATASTORE_RE.search(doc.scripts):
            return 10.0
        if P.HANWEB_RECORD_RE.search(doc.html[:200000]):
            return 9.0
        return 1.5 if P.HANWEB_MARKERS_RE.search(doc.html[:200000]) else 0.0

    def row_root(self, doc: Doc) -> etree._Element | None:
        recs = records(doc)
        if not recs:
            return None
        frag = lxml.html.fragment_fromstring("<div>" + "\n".join(recs) + "</div>", create_parent=False)
        return frag

    def own_pager(self, doc: Doc) -> Pager | None:
        total = total_records(doc)
        prm = params(doc)
        perpage = int(prm["perpage"]) if prm.get("perpage", "").isdigit() else None
        n_here = len(records(doc))
        if total is None:
            return Pager(total_records=None)
        if urlsplit(doc.url).path.endswith("dataproxy.jsp"):
            start = query_int(doc.url, "startrecord") or 1
            end = query_int(doc.url, "endrecord") or (start + max(n_here, 1) - 1)
            size = end - start + 1
            nxt = (
                proxy_url(doc, prm, end + 1, min(end + size, total), perpage or size) if end < total else None
            )
            return Pager(next_url=nxt, total_records=total)
        group = n_here or (perpage or 15) * 3
        pages = [doc.url]
        for start in range(n_here + 1, total + 1, group):
            pages.append(proxy_url(doc, prm, start, min(start + group - 1, total), perpage or group))
        return Pager(
            pages=pages,
            next_url=pages[1] if len(pages) > 1 else None,
            total_pages=len(pages),
            total_records=total,
            current=1,
        )
