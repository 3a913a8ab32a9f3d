"""Pure extraction functions for the patrol spider: no network, no Django, no Scrapy.

``decode_html`` turns bytes into text (BOM > HTTP header > <meta> > sniffing; GB2312/GBK as
GB18030). ``parse_list`` reads one list page: a CMS profile (``profiles``: trs, hanweb, asp,
generic — registered, highest ``detect`` score wins) may supply the rows' root (Hanweb's XML
records) and computes the pager; rows are found generically (``rows``). ``parse_detail`` reads an
article page; ``page_links``, ``find_disclosure_entry``, ``column_candidates`` and
``homepage_latest`` serve discovery. Selectors, keywords and regexes live in ``patterns``.

Heuristics (and their limits):

* List rows: every link with a title-like text is a candidate; its row is the nearest li/tr/dd
  holding at most 3 links, else the largest container holding no other candidate. Rows are
  grouped by structural path (ancestor tags + classes) and kind (dated / article links), and the
  group with the best score wins (size x share of dated rows x article-like URLs x title length,
  penalised in nav/hidden containers); the group nearest the pager gets a bonus so a short last
  page beats a dated sidebar. Limit: a list whose rows carry no date, short titles and
  column-like URLs is indistinguishable from a menu and is not returned; a list split into
  blocks with different classes is read as its largest block only.
* Row date: the first text segment of the row that is only a date (outside the title link, then
  inside it), else a full date in the row's other text; attributes (alt) are never read; MM-DD
  only when a segment is nothing but that. Limit: a date split over two elements (day and
  year-month in separate spans) is not read.
* Pager: TRS ``createPageHTML``/``countPage`` scripts; Hanweb ``totalRecord`` + parameters ->
  dataproxy.jsp GET URLs; otherwise the URL scheme is inferred from numbered / 下一页 / 尾页 links
  and 共N页/共N条 text (EmpireCMS index_2, TRS index_1, ASP ?page=2). Limit: a pager written by an
  external script or only by javascript: links yields no pages and no next URL.
* Empty: a visible 暂无信息/暂无数据/没有记录 message (not ms-if/v-if template text); rows found on
  such a page are dropped when they are menu-like or far from both the message and any pager.
* Detail: meta PubDate/firstpublishedtime, then labels (发布日期…, split by &ensp; allowed, in
  text or table cells), '无' = none; 成文日期 only from a label. Fields that exist only in
  unlabelled body text (a 文号 line, a signature date) are not extracted.
"""

from .dates import parse_date, parse_dates, row_date
from .detail import Attachment, Detail, parse_detail
from .discover import column_candidates, find_disclosure_entry, homepage_latest
from .encoding import decode_html
from .links import Link, page_links
from .listpage import Entry, ListPage, parse_list

__all__ = [
    "Attachment",
    "Detail",
    "Entry",
    "Link",
    "ListPage",
    "column_candidates",
    "decode_html",
    "find_disclosure_entry",
    "homepage_latest",
    "page_links",
    "parse_date",
    "parse_dates",
    "parse_detail",
    "parse_list",
    "row_date",
]
