"""Pure extraction functions for the patrol spider: no network, no Django, no Scrapy.

Decode bytes (``decode_html``), parse list pages (``parse_list``) with a CMS profile per
pagination family (``profiles``), detail pages (``parse_detail``), links and discovery helpers.
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
