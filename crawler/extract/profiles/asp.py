"""Older ASP/JSP/PHP sites: ``list.asp?classid=12&page=2``, 上一页/下一页/尾页 and page-number links,
rows in <table>; often GB2312/GBK (decoding is done before parsing, see ``encoding.py``).

The pager URL scheme is inferred from the links (``pager.link_pager``); page 1 is usually the
URL without the page parameter.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import patterns as P
from ..dom import Doc
from . import Profile, register

_PAGE_QUERY_RE = re.compile(r"[?&](" + "|".join(sorted(P.PAGER_URL_PARAMS)) + r")=\d+", re.I)


@register
class AspProfile(Profile):
    name = "asp"

    def detect(self, doc: Doc) -> float:
        score = 0.0
        if P.DYNAMIC_PAGE_RE.search(urlsplit(doc.url).path):
            score += 3.0
        hrefs = [a.get("href") or "" for a in doc.root.iter("a")]
        if any(_PAGE_QUERY_RE.search(h) and P.DYNAMIC_PAGE_RE.search(urlsplit(h).path) for h in hrefs):
            score += 3.0
        return score
