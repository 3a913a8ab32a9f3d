"""The list-page walk of a column (a mixin of crawler.spider.PatrolSpider).

A column's first list page comes through the column tree (``PatrolSpider._node``); from there
the walk follows the pager the page states (a page list, a next link, a script pager, a form
post), skips pages that are missing or refused (``dead_link`` / ``unreadable``) up to the stated
last page, reads rows drawn by scripts (``_scripted``), and stops early on an incremental patrol
once a page brings nothing new (pinned rows prove nothing). Each page is classified against the
store's index and yielded as a ``ListPage`` item; its new or changed rows' detail pages are
requested.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import scrapy
from scrapy.http import Response

from config.patrolconf import site_for_url
from crawler import extract, render
from crawler import items as it
from crawler.extract.profiles import scripted
from crawler.models import Column
from crawler.responses import HANDLED, charset_of, emits
from crawler.urls import scope_host

if TYPE_CHECKING:
    from crawler.spider import SiteState

log = logging.getLogger(__name__)


class ListWalkMixin:
    def _scripted(self, st: SiteState, url: str, html: str, page):
        """A list page that parsed to no rows and says no 暂无信息: the rows its scripts carry
        (inline records, or a JSON API they call: its next page), else None when only a browser
        can draw them (the caller asks for the page rendered, once per URL). An API that answers
        no records sends the page that called it to the browser instead."""
        if page.entries and not (page.next_url or page.pages) and render.DATA_MARK in html:
            api = render.marked_api(html)  # a rendered list drawn from a JSON API: walk the API
            if api and site_for_url(self.conf.sites, api) is not None:
                page.next_url = api
                scripted.note_caller(api, url)
            return page
        if page.entries or page.empty or page.post:
            return page
        source = self.api_from.get(url)
        if source is not None:
            if scripted.ENABLED and source not in self.rendered:
                self.rendered.add(source)
                return None
            return page
        found = scripted.read(url, html, page, accept=lambda u: site_for_url(self.conf.sites, u) is not None)
        if found is not None:
            if not found.entries and found.next_url:
                if self.api_from.get(found.next_url) in self.rendered:  # asked both ways already
                    reason = "栏目列表由脚本生成：脚本调用的数据接口没有返回条目，浏览器渲染后也没有找到条目，需要按站点配置 row/date/link"
                    self._unreadable(st, url, "rows_not_found", reason, api=found.next_url)
                    return page
                self.api_from.setdefault(found.next_url, url)
            return found
        if (
            scripted.ENABLED
            and url not in self.rendered
            and len(self.rendered) < render.MAX_PAGES
            and render.needs_render(html)
        ):
            self.rendered.add(url)
            return None
        return page

    @emits
    def parse_list_page(self, response: Response):
        st = self.state[response.meta["site"]]
        column = self.store.column(st.conf.id, response.meta["column"])
        url = response.meta.get("url", response.url)
        if response.status in (400, 403, 405, 501) and "?" in url and not response.meta.get("post"):
            keys = ("site", "column", "page_no", "was_complete", "pages", "missing", "handle_httpstatus_list")
            meta = {k: response.meta[k] for k in keys if k in response.meta}
            yield self._list_request(url, {**meta, "post": True, "url": url})  # the same query by POST
            return
        if response.status != 200:
            self.counters["errors"] += 1
            log.warning("list page %s answered HTTP %s", response.url, response.status)
            if not self._refused(st, response, "列表页", column=column.url):
                reason = f"列表页无法打开（HTTP {response.status}）"
                self._finding(st, "dead_link", url, column=column.url, status=response.status, reason=reason)
            yield from self._skip_page(st, column, response.meta, url)
            return
        html = extract.decode_html(response.body, charset_of(response))
        if self._refused(st, response, "列表页", html, column=column.url):
            yield from self._skip_page(st, column, response.meta, url)
            return
        yield from self._inspect_page(st, response.url, html, response)
        # script-driven rows are named after the column, whichever page lists them
        parsed = extract.parse_list(url, html, st.conf.overrides or None, column_url=column.url)
        page = self._scripted(st, url, html, parsed)
        if page is None:  # rows drawn by script only: this page (or the one calling this API), rendered
            target = self.api_from.get(url, url)
            meta = {k: v for k, v in response.meta.items() if not k.startswith(("download_", "redirect_"))}
            meta.update(render=True, url=target, post=False)
            yield scrapy.Request(
                target, self.parse_list_page, meta=meta, errback=self.on_error, priority=5, dont_filter=True
            )
            return
        if (
            response.meta["page_no"] > 1
            and not page.entries
            and not page.empty
            and extract.parse_detail(url, html).soft_404
        ):
            reason = "列表页不存在（返回“页面不存在”提示）"
            self._finding(st, "dead_link", url, column=column.url, status=200, soft_404=True, reason=reason)
            yield from self._skip_page(st, column, response.meta, url)
            return
        yield from self._list_page(
            st,
            column,
            page,
            response.meta["page_no"],
            url,
            response.meta["was_complete"],
            pages=response.meta.get("pages"),
            post=bool(response.meta.get("post")),
            missing=response.meta.get("missing", 0),
        )

    def _skip_page(self, st: SiteState, column: Column, meta: dict, url: str):
        """A list page of the walk is missing (dead_link recorded) or refused (unreadable recorded):
        walk on to the next page the pager stated; the stated last page missing still ends a walk
        that reached its end. Without a stated page list the walk cannot go past it."""
        page_no, pages = meta["page_no"], meta.get("pages") or []
        missing = meta.get("missing", 0) + 1
        if pages and page_no < len(pages) and page_no < self.conf.crawl["max_list_pages_per_column"]:
            keys = ("site", "column", "was_complete", "pages", "post")
            nxt = pages[page_no]
            follow = {k: meta[k] for k in keys if k in meta}
            follow.update(page_no=page_no + 1, missing=missing, url=nxt, handle_httpstatus_list=HANDLED)
            yield self._list_request(nxt, follow)
        elif pages:
            plan = self.store.plan_list_page(st.conf, column.url, [], last_page=True, keep_unseen=True)
            yield it.ListPage(st.conf.id, column.url, plan)
        else:
            reason = f"第 {page_no} 页缺失或被拒绝，分页没有给出后面各页的地址，后面的页没有巡查"
            self._unreadable(st, url, "pager_unfollowed", reason, column=column.url)

    def _list_request(self, url: str, meta: dict) -> scrapy.Request:
        """A list page; an endpoint that refused GET once (Hanweb dataproxy.jsp) gets POST."""
        if meta.get("post"):
            base, _, query = url.partition("?")
            return scrapy.FormRequest(
                base,
                formdata=dict(parse_qsl(query, keep_blank_values=True)),
                callback=self.parse_list_page,
                errback=self.on_error,
                meta=meta,
                priority=5,
                dont_filter=True,
            )
        return scrapy.Request(
            url, callback=self.parse_list_page, errback=self.on_error, meta=meta, priority=5
        )

    def _list_page(
        self,
        st: SiteState,
        column: Column,
        page,
        page_no: int,
        url: str,
        was_complete: bool,
        pages: list[str] | None = None,
        post: bool = False,
        missing: int = 0,
    ):
        self.counters["list_pages"] += 1
        post = post or page.post
        # form-driven pages are numbered from page 1's view; other pagers restate them on every page
        pages = (pages or page.pages or []) if post else (page.pages or pages or [])
        if pages and page_no < len(pages):
            nxt = pages[page_no]
        elif not pages:
            nxt = page.next_url
        else:
            nxt = None
        cap = page_no >= self.conf.crawl["max_list_pages_per_column"]
        if nxt and (nxt == url or cap):
            nxt = None
        unfollowed = nxt is None and not cap and (page.total_pages or 0) > page_no
        if page.total_records and len(page.entries) >= page.total_records:
            unfollowed = False  # every record is on this page already (static blocks of a script pager)
        if unfollowed:
            reason = f"分页显示共 {page.total_pages} 页，但得不出第 {page_no + 1} 页的地址，只巡查到第 {page_no} 页"
            self._unreadable(st, url, "pager_unfollowed", reason, column=column.url, pages=page.total_pages)
        # a column's paging endpoint may sit at the host root (Hanweb dataproxy.jsp): on the current
        # host it is followed only when some configured scope holds it (the scope guard has the last word)
        if nxt and not self._owns(st, nxt):
            if scope_host(nxt) != scope_host(url) or site_for_url(self.conf.sites, nxt) is None:
                nxt = None
        plan = self.store.plan_list_page(
            st.conf,
            column.url,
            page.entries,
            empty=page.empty and page_no == 1,
            next_page=nxt or "",
            last_page=nxt is None and not unfollowed,
            keep_unseen=missing > 0,  # a page missing this time: its rows are not known to be gone
        )
        yield it.ListPage(st.conf.id, column.url, plan)
        outcome = plan.outcome
        self.counters["new_items"] += outcome.new
        for item_url in outcome.to_fetch:
            yield from self._detail_request(st, item_url)
        if nxt is None:
            return
        if was_complete and not outcome.fresh and any(not e.pinned for e in page.entries):
            self._carry_forward(st, column)
            return  # incremental: this page brought nothing new, the rest is known (pinned rows prove nothing)
        meta = {
            "site": st.conf.id,
            "column": column.url,
            "page_no": page_no + 1,
            "was_complete": was_complete,
            "pages": pages,
            "missing": missing,
            "handle_httpstatus_list": HANDLED,
        }
        yield self._list_request(nxt, {**meta, "post": post, "url": nxt})
