"""URL names among the crawl rules (part of the one home, ``patterns``, which imports them): kept
in this small module so that ``crawler.urls`` - read by the configuration and the screening CLI -
has them without compiling the page rules.
"""

from __future__ import annotations

import re

# index files a server answers for its folder (ARCHITECTURE.md: the column URL drops a trailing one; a
# scope naming one stands for its folder)
INDEX_FILES = ("index.html", "index.htm", "default.html", "default.htm", "default.aspx", "default.asp")
INDEX_FILE_RE = re.compile("|".join(re.escape(name) for name in INDEX_FILES), re.I)
# query parameters that carry a list's page number (ARCHITECTURE.md: the column URL drops them); a form
# field of one of these names is a script pager's page field
PAGE_PARAMS = frozenset(
    {"page", "pageno", "page_no", "pagenum", "pageindex", "curpage", "currentpage", "p", "pn", "cp"}
)
# ... and, when a pager's URL template is inferred, the names whose digit run is the page number: these
# and rarer spellings and record offsets that move with the page but never name a column
PAGER_URL_PARAMS = PAGE_PARAMS | {"ipage", "pg", "pagecurrent", "startrecord"}
