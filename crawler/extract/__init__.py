"""Pure extraction functions for the patrol spider: no network, no Django, no Scrapy.

``decode_html`` turns bytes into text (BOM > HTTP header > <meta> > sniffing; GB2312/GBK as
GB18030). ``parse_list`` reads one list page: a CMS profile (``profiles``: trs, hanweb, asp,
generic — registered, highest ``detect`` score wins) may supply the rows' root (Hanweb's XML
records) and computes the pager; rows are found generically (``rows``). ``parse_detail`` reads an
article page; ``page_links``, ``find_disclosure_entry``, ``column_candidates`` and
``homepage_latest`` serve discovery. Every crawl rule that is data (selectors, keywords, regexes,
parameter and file names) lives in ``patterns``; the chains that read it are ``rows.ROW_DATE_CHAIN``
(a row's date) and ``nextpage.NEXT_PAGE_CHAIN`` (a list's further pages).

Heuristics (and their limits):

* List rows: every link with a title-like text is a candidate (a script-driven link - a
  ``javascript:`` href or an onclick opener - too); its row is the nearest li/tr/dd holding at
  most 3 links, else the largest container holding no other candidate. Rows are grouped by
  structural path (ancestor tags + classes) and kind (dated / article links), and the group with
  the best score wins (size x share of dated rows, weighted so that dates outweigh size x
  article-like URLs x title length, penalised in nav/hidden containers, doubled when the rows link
  into the page's own folder); the group nearest the pager gets a bonus so a short last page beats
  a dated sidebar. Blocks of the same row tag and kind right beside the winner whose links follow
  its URL pattern (pinned rows in a table of their own, one list cut into blocks of different
  classes) join it, unless they carry a heading of their own. Limit: a list whose rows carry no
  date, short titles and column-like URLs is indistinguishable from a menu and is not returned.
* Row date: the first text segment of the row that is only a date (outside the title link, then
  inside it; brackets, times and a short label such as 时间：/日间： allowed), else a full date in
  the row's other text, else a date in brackets at the end of the title (``标题(2020-12-29)``,
  then cut from the title); attributes (alt) are never read; MM-DD only when a segment is nothing
  but that. Limit: a date split over two elements (day and year-month in separate spans) is not
  read.
* Row title: the title attribute over a cut text; in a whole-row link the heading inside it;
  decorative bullets (·) and [置顶] dropped, entities decoded, inner spaces kept as shown.
* Script-driven rows: an item only when it shows a title and a date; its URL is the contract's
  identity ``script_item_url(column URL, title, date)`` (``<column>#item-<hash>``, ``-n`` for the
  n-th repeat on a page); ``Entry.fetchable`` is False and ``is_script_item_url`` tells such URLs:
  they must never be fetched.
* Pager: TRS ``createPageHTML``/``countPage``/``Pager({size:N})`` scripts; Hanweb ``totalRecord``
  + parameters -> dataproxy.jsp GET URLs; otherwise the URL scheme is inferred from numbered /
  下一页 / 尾页 links (an onclick ``location.href=…`` on ``href="#"`` included) and 共N页/共N条
  text in or beside the pager (EmpireCMS index_2, TRS index_1, ASP ?page=2); a ``__doPostBack``
  last-page link states the count (no GET URL); every page numbered without an ellipsis states it
  too. Limit: a pager written by an external script yields no pages and no next URL.
* Empty: a visible message matching an empty marker of config/rules.yaml (暂无信息, 共0条 …;
  ``markers``) (not ms-if/v-if template text); rows found on
  such a page are dropped when they are menu-like or far from both the message and any pager.
* Detail: publish date from one chain - a 发布日期/发布时间… label anywhere (split by &ensp;
  allowed, in text or table cells, colon or a space before the date), a bare 时间/日期 label near
  the title, an unlabelled byline date under the title (``2020-12-05 某某网``), PubDate-like meta
  last; the time of day may come from a later source of the same day. '无' = none; an empty cell
  never takes the next cell's label. A 公文 without a metadata table (title "…关于…的通知" or a
  文号 found): 文号 from brackets at the end of the title or a line that is only a 文号, 成文日期
  from the first signature line (only a 年月日 date, Arabic or Chinese numerals) after the title,
  at most a year before publication; a page that labels these fields is taken at its word.
* Homepage: MM-DD rows take their year from the reference date (the site's newest item date),
  else from the newest full date the homepage shows, else they give no date.
"""

# The public functions are imported on first use (PEP 562), so that ``crawler.extract.patterns`` - the
# one home of the crawl rules, also read by ``crawler.urls`` - is importable without lxml.
_EXPORTS = {
    "parse_date": "dates",
    "parse_dates": "dates",
    "row_date": "dates",
    "Attachment": "detail",
    "Detail": "detail",
    "parse_detail": "detail",
    "column_candidates": "discover",
    "find_disclosure_entry": "discover",
    "homepage_latest": "discover",
    "decode_html": "encoding",
    "Link": "links",
    "is_script_item_url": "links",
    "page_links": "links",
    "script_item_url": "links",
    "Entry": "listpage",
    "ListPage": "listpage",
    "parse_list": "listpage",
}

__all__ = sorted(_EXPORTS)


_SUBMODULES = {"dates", "detail", "discover", "dom", "encoding", "links", "listpage", "pager", "patterns"}
_SUBMODULES |= {"profiles", "rows", "nextpage", "markers", "urlrules"}


def __getattr__(name: str):
    import importlib

    if name in _SUBMODULES:  # ``extract.discover`` works as it did when this module imported them all
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
