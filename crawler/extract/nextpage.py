"""The next-page choice: how a list page's further pages are found, as one ordered chain.

``NEXT_PAGE_CHAIN`` is read top to bottom. Each step is a small function reading one kind of evidence
and answering a ``Pager`` (the page URLs it can name, the next page's URL, the counts the page
states) or None when its evidence is absent. An answer replaces what the earlier steps found (a step
that only adds counts or POST pages copies the rest), and the chain stops at the first answer that
names a way on - ``pages`` or ``next_url``. The steps:

1. ``cms_pager`` - a CMS family's own pager, declared by its profile (``Profile.own_pager``): TRS's
   ``createPageHTML`` / ``countPage`` / ``Pager({size})`` scripts, Hanweb's ``totalRecord`` and
   dataproxy.jsp record groups, a JSON API's own paging fields.
2. ``pager_links`` - numbered / 下一页 / 尾页 links and 共N页 / 共N条 text in or beside the pager; the URL
   scheme is inferred from links whose page number is known (``pager.link_pager``).
3. ``script_variables`` - counts stated only in inline script variables (recordCount, prepage,
   pageCount) when the page states none: counts, no URL.
4. ``form_pager`` - ``javascript:goPage(n)`` links over a form holding a page field: later pages are
   that form posted (``post``).
5. ``postback_pager`` - ASP.NET ``__doPostBack('…pager','n')`` links over a ``__VIEWSTATE`` form.

A profile whose own pager is the whole answer about links and scripts (``own_pager_only``: Hanweb's
XML records, a JSON API answer) skips steps 2 and 3. Overrides (``pager``/``next`` selectors) narrow
step 2 to the element they name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from lxml import etree

from .dom import Doc
from .pager import Pager, form_pages, link_pager, postback_pages, script_facts
from .profiles import Profile


@dataclass
class PagerContext:
    """What the steps read: the page, its CMS profile, and the elements overrides name."""

    doc: Doc
    profile: Profile
    scope: etree._Element | None = None  # the pager element a ``pager`` override names
    next_el: etree._Element | None = None  # the next-page link a ``next`` override names


PagerStep = Callable[[PagerContext, Pager], "Pager | None"]


def cms_pager(ctx: PagerContext, found: Pager) -> Pager | None:
    """The pager a CMS family's script or data states, as the page's profile reads it (TRS
    ``createPageHTML(N, cur, 'index', 'html')`` -> index.html, index_1.html …; Hanweb ``totalRecord``
    -> dataproxy.jsp?startrecord=…; a JSON API's page/offset parameter moved on). None when the
    profile has no pager of its own or its evidence is absent."""
    return ctx.profile.own_pager(ctx.doc)


def pager_links(ctx: PagerContext, found: Pager) -> Pager | None:
    """The pager the page shows: numbered links, 下一页 / 尾页 links (an onclick ``location.href`` on
    ``href="#"`` included) and 共N页 / 共N条 / 页次 text in or beside it; the URL template is inferred
    from the links whose page number is known (index_2.html, index_1.html, ?page=2)."""
    if ctx.profile.own_pager_only:
        return None
    return link_pager(ctx.doc, ctx.scope, ctx.next_el)


def script_variables(ctx: PagerContext, found: Pager) -> Pager | None:
    """Counts stated only in inline script variables (``recordCount`` with ``prepage`` / ``pageSize``,
    ``pageCount``), read when the page states no count: the counts, no URL (a static list whose pager
    a script draws from a template)."""
    if ctx.profile.own_pager_only or found.total_pages is not None or found.total_records is not None:
        return None
    rec, size, count = script_facts(ctx.doc)
    if rec is None or not size:
        return None
    return replace(found, total_records=rec, total_pages=count)


def form_pager(ctx: PagerContext, found: Pager) -> Pager | None:
    """``<a href="javascript:goPage(3)">`` links over a form holding a page-number field
    (``patterns.PAGE_PARAMS``): page 1 is this page, page k the form posted with the field set to k."""
    pages = form_pages(ctx.doc)
    return replace(found, pages=pages, post=True) if pages else None


def postback_pager(ctx: PagerContext, found: Pager) -> Pager | None:
    """ASP.NET ``__doPostBack('…$pager','k')`` links over a form holding ``__VIEWSTATE``: page k is
    that form posted with __EVENTTARGET/__EVENTARGUMENT set (up to the page count found so far)."""
    pages = postback_pages(ctx.doc, found.total_pages)
    return replace(found, pages=pages, post=True) if pages else None


NEXT_PAGE_CHAIN: tuple[PagerStep, ...] = (
    cms_pager,
    pager_links,
    script_variables,
    form_pager,
    postback_pager,
)


def run_next_page_chain(ctx: PagerContext, chain: tuple[PagerStep, ...] = NEXT_PAGE_CHAIN) -> Pager:
    """Run ``chain`` on one list page (see the module docstring): the last answer, taken at the first
    step that names a way on."""
    found = Pager()
    for step in chain:
        answer = step(ctx, found)
        if answer is None:
            continue
        found = answer
        if found.pages or found.next_url:
            break
    return found
