"""The patrol spider: one Scrapy spider walks every configured site with no per-site code.

Per site: homepage → 信息公开 entry → column tree (links that look like columns, inside the
site's scope) → every list page of every column (the CMS profile tells the pager) →
detail pages of new or changed entries → attachments. Structural pages (homepage, tree
nodes, a column's first list page) are revalidated (crawler.revalidate: a 304 arrives as the
stored copy, flagged ``revalidated``). A column that has been walked to its end once is
walked again only until a list page brings nothing new (pinned rows do not count).

The spider only crawls and parses: it yields items (crawler.items) that the item pipelines
store and screen (crawler.pipelines); what it knows of the store it reads from the patrol's
in-memory index (crawler.store.PatrolStore), never from the database per response.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from config.patrolconf import PatrolConf, SiteConf, site_for_url
from crawler import extract, sitefindings, store, takedown
from crawler import items as it
from crawler.content_images import content_images, image_urls
from crawler.extract import discover
from crawler.extract.profiles import scripted
from crawler.inspect import InspectionMixin
from crawler.models import Column, Page, PatrolRun, Site, SiteFinding
from crawler.responses import HANDLED, charset_of, content_type_of, emits, headers_of
from crawler.revalidate import FLAG as REVALIDATED
from crawler.urls import column_url
from crawler.walk import ListWalkMixin

log = logging.getLogger(__name__)
REFUSED = (401, 403, 412, 521)  # access refused (anti-bot walls answer 412/521 with a script)
MAX_STUB_HOPS = 3


@dataclass
class SiteState:
    conf: SiteConf
    site: Site
    seen: set[str] = field(default_factory=set)  # column URLs of tree pages already requested
    nav: set[str] = field(default_factory=set)  # site-wide navigation (homepage nav blocks)
    home: tuple[str, str] | None = None  # homepage URL and text, for the stale-homepage rule
    menus: list[tuple[str, str]] = field(default_factory=list)  # homepage column menus (fallback)
    no_entry: bool = False  # no disclosure entry in scope: the homepage is never itself a column
    fell_back: bool = False  # the entry gave no tree: columns come from the homepage's menus
    broken: list[str] = field(default_factory=list)  # why the walk was cut short (crawler.retire)
    shield: list[tuple[str, str]] = field(default_factory=list)  # failed tree nodes: (column URL, path)
    template_images: set[str] = field(default_factory=set)  # images of the homepage and column pages


class PatrolSpider(ListWalkMixin, InspectionMixin, scrapy.Spider):
    name = "patrol"

    def __init__(
        self,
        conf: PatrolConf,
        run_id: int,
        site_ids: list[str] | None = None,
        full: bool = False,
        sync_sites: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.conf = conf
        self.run = PatrolRun.objects.get(pk=run_id)
        self.full = full or conf.crawl["full"]
        wanted = set(site_ids or [s.id for s in conf.sites])
        self.moves: dict[str, dict] = {}  # site id → changed URL/scope, homepage redirect (retire.py)
        # a queued patrol's sites were stored once when it was queued (crawler/distributed.py)
        sites = store.sync_sites(conf, self.moves) if sync_sites else store.stored_sites(conf)
        if self.moves:  # kept even if this patrol is cut short: a later one links the moved items
            PatrolRun.objects.filter(pk=run_id).update(stats={"moves": self.moves})
        self.state = {s.id: SiteState(conf=s, site=sites[s.id]) for s in conf.sites if s.id in wanted}
        self.store = store.PatrolStore(self.run, conf, sites)  # its index is read here, written by pipelines
        self.outbox: list = []
        self._previous: dict[str, dict[str, list[SiteFinding]]] = {}  # carried-forward findings per site
        # Scrapy caches per callback whether it is a generator returning a value, in a weak-keyed
        # cache: a bound method made afresh per request misses it and re-reads the source with
        # ast/tokenize every time. One bound method per callback, made once, hits it.
        callbacks = ("parse_home", "parse_node", "parse_list_page", "parse_detail", "parse_attachment")
        inspection = ("parse_interaction", "parse_messages", "parse_message", "parse_css")
        for name in callbacks + inspection:
            setattr(self, name, getattr(self, name))
        self._inspection_init()
        self.parse_takedown, self.on_error = self.parse_takedown, self.on_error
        self.detail_requested: set[str] = set()
        self.images_requested: set[str] = set()  # an image shown by many articles is fetched once
        self.rendered: set[str] = set()  # list pages sent to Chromium once (crawler/render.py)
        self.api_from: dict[str, str] = {}  # first API page -> the list page whose script calls it
        self.counters = {
            "columns": 0,
            "list_pages": 0,
            "details": 0,
            "attachments": 0,
            "new_items": 0,
            "findings": 0,
            "errors": 0,
        }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_spider_error, signal=signals.spider_error)
        return spider

    def on_spider_error(self, failure, response, spider=None) -> None:
        """A callback that raised: the page is logged and counted by Scrapy, and its site's walk is
        cut short, so that nothing is retired on the strength of a walk that lost a page."""
        st = self.state.get((response.meta or {}).get("site")) if response is not None else None
        if st is not None:
            st.broken.append(f"{response.url}: 解析出错 {failure.getErrorMessage()[:200]}")

    # -- helpers -------------------------------------------------------------------------------
    def _owns(self, st: SiteState, url: str) -> bool:
        owner = site_for_url(self.conf.sites, url)
        return owner is not None and owner.id == st.conf.id

    def _emit(self, item) -> None:
        self.outbox.append(item)

    def _drain(self):
        while self.outbox:
            yield self.outbox.pop(0)

    def _finding(self, st: SiteState, kind: str, url: str, **detail) -> None:
        self._emit(it.SiteFindingFound(st.conf.id, kind, url, detail))

    def _unreadable(self, st: SiteState, url: str, code: str, reason: str, **detail) -> None:
        """What could not be read (contract ``unreadable``): a Chinese reason and a machine code."""
        self._finding(st, "unreadable", url, reason=reason, code=code, **detail)

    def _refused(
        self, st: SiteState, response: Response, what: str, html: str | None = None, **detail
    ) -> bool:
        """A page refused (401/403/412/521) or an anti-bot challenge instead of the page: recorded
        as ``unreadable``; True when it was one."""
        if response.status in REFUSED:
            reason = f"{what}拒绝访问（HTTP {response.status}）"
            self._unreadable(st, response.url, "refused", reason, status=response.status, **detail)
            return True
        if response.status == 200 and html is not None and discover.is_challenge(html):
            reason = f"{what}返回反爬虫验证页（脚本设置 Cookie 后重新加载），没有内容可读"
            self._unreadable(st, response.url, "challenge", reason, status=response.status, **detail)
            return True
        return False

    def _carry_forward(self, st: SiteState, column: Column) -> None:
        """An incremental walk stopped early: the list pages the previous patrol found missing or
        unreadable in this column were not looked at again, so their findings stand (marked as
        carried from that run) instead of vanishing from the latest patrol."""
        previous = self._previous.get(st.conf.id)
        if previous is None:  # read once per site and patrol
            previous = self._previous[st.conf.id] = {}
            prev = sitefindings.last_run(st.site)
            if prev is not None:
                kinds = ("dead_link", "unreadable")
                for f in SiteFinding.objects.filter(run=prev, site=st.site, kind__in=kinds):
                    f.detail.setdefault("carried_from", prev.pk)
                    previous.setdefault(f.detail.get("column"), []).append(f)
        for f in previous.get(column.url, []):
            self._finding(st, f.kind, f.url, **f.detail)

    def _menu_selector(self, st: SiteState) -> str | None:
        """The ``columns`` override when it is a selector of the column menu (not a URL list)."""
        cols = (st.conf.overrides or {}).get("columns")
        return cols if isinstance(cols, str) else None

    def _candidates(self, st: SiteState, url: str, html: str) -> list:
        """Column-tree links of a page: the ``columns`` selector where it selects something,
        else the discovery heuristics (menus written by document.write included)."""
        sel = self._menu_selector(st)
        found = extract.column_candidates(url, html, st.nav, menu=sel) if sel else []
        return found or extract.column_candidates(url, html, st.nav)

    def _fallback(self, st: SiteState):
        """The entry gave no column tree: the columns are the homepage's own menus (and, through
        the tree walk, the menus of the list pages they lead to)."""
        if st.fell_back:
            return
        st.fell_back = True
        home = st.home[0] if st.home else st.conf.url
        st.nav = {st.conf.url, home}  # site navigation is now where the columns are
        for url, text in st.menus:
            if column_url(url) in st.seen:
                continue
            st.seen.add(column_url(url))
            meta = {"site": st.conf.id, "tree_depth": 1, "path": [text], "name": text, "parent": None}
            yield self._conditional(url, meta, self.parse_node, priority=8)

    def _conditional(self, url: str, meta: dict, callback, priority: int = 0) -> scrapy.Request:
        """A structural page: revalidated against its stored copy (crawler.revalidate)."""
        meta = {**meta, "handle_httpstatus_list": HANDLED, "revalidate": True}
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            priority=priority,
            dont_filter=True,  # tree pages are deduplicated per site (two sites may share a page)
        )

    def _body_text(self, response: Response, kind: str) -> str | None:
        """Text of a structural page: a fresh body (kept as a snapshot for the next revalidation)
        or the stored copy a 304 was answered with."""
        if response.status != 200:
            return None
        if REVALIDATED not in response.flags:
            self._emit(
                it.StructuralPage(
                    response.meta["site"],
                    response.url,
                    kind,
                    response.status,
                    headers_of(response),
                    response.body,
                )
            )
        return extract.decode_html(response.body, charset_of(response))

    # -- start -----------------------------------------------------------------------------------
    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for st in self.state.values():
            yield self._conditional(st.conf.url, {"site": st.conf.id}, self.parse_home, priority=10)
            for url in self.store.index(st.conf.id).pending_details():
                yield from self._detail_request(st, url)
        for page, missing in self.store.attachments_due(list(self.state)):
            st = self.state[page.site.site_id]
            item_url = page.item.url if page.item is not None else page.url
            requests = [self._attachment_request(st, page.url, item_url, u, n) for u, n in missing]
            requests = [r for r in requests if r is not None]
            yield it.AttachmentsResumed(page=page, due=len(requests))
            yield from requests
        yield from takedown.requests(self)  # confirmed findings: fetched again to verify takedown

    def parse_takedown(self, response: Response):
        yield it.TakedownCheck(response)

    @emits
    def parse_home(self, response: Response):
        st = self.state[response.meta["site"]]
        html = self._body_text(response, "home")
        if html is None:
            self._refused(st, response, "首页")
            st.broken.append(f"首页 HTTP {response.status}")
            self.counters["errors"] += 1
            log.warning("homepage of %s answered HTTP %s", st.conf.id, response.status)
            return
        if self._refused(st, response, "首页", html):
            st.broken.append("首页 反爬虫验证页")
            return
        hops = response.meta.get("stub_hops", 0)
        target = discover.stub_target(response.url, html)
        if target and hops < MAX_STUB_HOPS and self._owns(st, target):  # a redirect stub in scope
            yield self._conditional(target, {"site": st.conf.id, "stub_hops": hops + 1}, self.parse_home, 10)
            return
        st.home = (response.url, html)  # judged at the end, against the site's newest item date
        self._note_redirect(st, response)
        st.template_images |= set(image_urls(response.url, html))  # logos and banners: no documents
        yield from self._inspect_home(st, response.url, html)  # identity, the way to 政务咨询 columns
        yield from self._inspect_page(st, response.url, html, response)  # hidden links
        entry = self._choose_entry(st, response.url, html)
        # Site-wide navigation is not part of the column tree, except links below the entry's own
        # folder when that folder is deeper than the homepage's (a homepage menu may list the
        # disclosure columns themselves). A site whose homepage is its disclosure platform keeps
        # its menus: they are its column tree.
        st.nav = {st.conf.url, response.url}
        if column_url(entry) != column_url(response.url):
            entry_dir = entry.rsplit("/", 1)[0] + "/"
            home_dir = response.url.rsplit("/", 1)[0] + "/"
            keep = entry_dir if len(entry_dir) > len(home_dir) and entry_dir.startswith(home_dir) else None
            st.nav |= {
                link.url
                for link in extract.page_links(response.url, html)
                if link.nav and not (keep and link.url.startswith(keep))
            }
        if entry != st.site.entry_url:
            st.site.entry_url = entry
            self._emit(it.SiteUpdate(st.conf.id, {"entry_url": entry}))
        st.seen.add(column_url(entry))
        st.nav.discard(entry)
        explicit = (st.conf.overrides or {}).get("columns")
        if isinstance(explicit, list):  # the columns override: exactly these columns, no discovery
            for url in explicit:
                if self._owns(st, url) and column_url(url) not in st.seen:
                    st.seen.add(column_url(url))
                    meta = {"site": st.conf.id, "tree_depth": 1, "path": [], "parent": None}
                    yield self._conditional(url, meta, self.parse_node, priority=8)
            return
        if column_url(entry) == column_url(response.url):
            yield from self._node(
                st, response.url, html, depth=0, path=[], parent_url=None, status=response.status
            )
        else:
            yield self._conditional(
                entry,
                {"site": st.conf.id, "tree_depth": 0, "path": [], "parent": None},
                self.parse_node,
                priority=9,
            )

    def _choose_entry(self, st: SiteState, home: str, html: str) -> str:
        """The disclosure entry: configured, else the homepage's 信息公开/政务公开 link in scope, else
        the homepage itself. A homepage that does not name itself the platform then gets a
        ``no_disclosure_entry`` finding, and what is counted is its own column menus in scope (the
        homepage is never itself a column). The homepage's menus are kept for the fallback."""
        sel = self._menu_selector(st)
        excl = {st.conf.url, home}
        menus = (extract.column_candidates(home, html, excl, menu=sel) if sel else []) or (
            extract.column_candidates(home, html, excl)
        )
        st.menus = [(c.url, c.text) for c in menus if self._owns(st, c.url)]
        found = extract.find_disclosure_entry(home, html, accept=lambda u: self._owns(st, u))
        if st.conf.entry or found:
            return st.conf.entry or found
        outside = extract.find_disclosure_entry(home, html)
        if discover.is_disclosure_page(home, html) or (outside and _inside_platform(home, outside)):
            return home  # the homepage is the disclosure platform, or a site hosted inside one
        st.no_entry = True
        if outside:
            owner = site_for_url(self.conf.sites, outside)
            where = f"另一站点（{owner.name}）" if owner else "巡查范围以外"
            reason = f"首页的信息公开入口指向{where}（{outside}），未访问；只统计首页自身在范围内的栏目菜单"
            self._finding(
                st, "no_disclosure_entry", home, reason=reason, code="entry_out_of_scope", target=outside
            )
        else:
            reason = "首页没有信息公开入口；只统计首页自身在范围内的栏目菜单"
            self._finding(st, "no_disclosure_entry", home, reason=reason, code="entry_missing")
        return home

    def closing_items(self):
        """Each homepage's newest date, once every list page is in the index (the store pipeline
        asks for these when the crawl has ended); MM-DD rows resolve against the site's newest item."""
        for st in self.state.values():
            if st.home is None:
                continue
            newest = self.store.index(st.conf.id).newest_date()
            latest = extract.homepage_latest(*st.home, reference=newest)
            fields = {"homepage_last_published": latest, "homepage_checked_at": self.run.started_at}
            yield it.SiteUpdate(st.conf.id, fields)

    def _cut(self, st: SiteState, url: str, meta: dict, reason: str) -> None:
        """A structural page did not answer. The homepage or the disclosure entry cuts the site's
        walk short (nothing retired); a deeper tree node only keeps the columns under it (its
        own column URL, the columns below its menu path) from retirement (crawler.retire)."""
        if meta.get("tree_depth", 0) == 0:
            st.broken.append(reason)
        else:
            st.shield.append((column_url(url), " > ".join(meta.get("path") or [])))

    def _note_redirect(self, st: SiteState, response: Response) -> None:
        """The homepage redirects to another address in scope than the one it landed on at the
        last patrol: the site moved (a homepage that always redirects the same way did not)."""
        first = (response.meta.get("redirect_urls") or [None])[0]
        if not first or not self._owns(st, response.url):
            return
        before = (
            Page.objects.filter(site=st.site, kind="home", run__lt=self.run.pk)
            .order_by("-id")
            .values_list("url", flat=True)
            .first()
        )
        if before and column_url(before) != column_url(response.url):
            self.moves.setdefault(st.conf.id, {}).setdefault("redirect", []).append([before, response.url])

    # -- column tree -----------------------------------------------------------------------------
    @emits
    def parse_node(self, response: Response):
        st = self.state[response.meta["site"]]
        html = self._body_text(response, "list")
        depth = response.meta["tree_depth"]
        what = "信息公开入口页面" if depth == 0 else "栏目页面"
        if html is None:
            if response.status not in (404, 410):  # a page that is gone answered; others cut the walk
                self._cut(st, response.url, response.meta, f"{response.url} HTTP {response.status}")
            self.counters["errors"] += 1
            if not self._refused(st, response, what) and depth == 0:
                reason = f"信息公开入口页面无法打开（HTTP {response.status}），改为统计首页菜单中的栏目"
                self._unreadable(st, response.url, "entry_failed", reason, status=response.status)
            if depth == 0:
                yield from self._fallback(st)
            return
        if self._refused(st, response, what, html):
            st.broken.append(f"{response.url} 反爬虫验证页")
            if depth == 0:
                yield from self._fallback(st)
            return
        hops = response.meta.get("stub_hops", 0)
        target = discover.stub_target(response.url, html)
        if target and hops < MAX_STUB_HOPS:  # a redirect stub (meta refresh, script): its target
            if not self._owns(st, target):
                self._finding(st, "offsite_redirect", response.url, target=target, how="stub")
                if depth == 0:
                    reason = f"信息公开入口跳转到巡查范围以外（{target}），未访问；改为统计首页菜单中的栏目"
                    self._finding(
                        st,
                        "no_disclosure_entry",
                        st.home[0] if st.home else st.conf.url,
                        reason=reason,
                        code="entry_out_of_scope",
                        target=target,
                    )
                    yield from self._fallback(st)
                return
            if depth == 0 or column_url(target) not in st.seen:
                st.seen.add(column_url(target))
                if depth == 0:
                    st.site.entry_url = target
                    self._emit(it.SiteUpdate(st.conf.id, {"entry_url": target}))
                meta = {
                    k: response.meta[k]
                    for k in ("site", "tree_depth", "path", "parent", "name")
                    if k in response.meta
                }
                yield self._conditional(target, {**meta, "stub_hops": hops + 1}, self.parse_node, priority=9)
            return
        yield from self._inspect_page(st, response.url, html, response)
        st.template_images |= set(image_urls(response.url, html))
        yield from self._node(
            st,
            response.url,
            html,
            response.meta["tree_depth"],
            response.meta["path"],
            response.meta.get("parent"),
            304 if REVALIDATED in response.flags else response.status,
            link_name=response.meta.get("name"),
        )

    def _node(
        self,
        st: SiteState,
        url: str,
        html: str,
        depth: int,
        path: list[str],
        parent_url: str | None,
        status: int,
        link_name: str | None = None,
    ):
        parsed = extract.parse_list(url, html, st.conf.overrides or None, column_url=column_url(url))
        page = self._scripted(st, url, html, parsed)
        if page is None:  # rows drawn by script only: the same node again, as Chromium draws it
            meta = {"site": st.conf.id, "tree_depth": depth, "path": path, "parent": parent_url}
            yield self._conditional(url, {**meta, "name": link_name, "render": True}, self.parse_node, 8)
            return
        st.seen.add(column_url(url))  # tree pages are known by their column URL (index.html dropped)
        entry_urls = {e.url for e in page.entries}
        explicit = isinstance((st.conf.overrides or {}).get("columns"), list)  # no discovery then
        candidates = [
            c
            for c in ([] if explicit else self._candidates(st, url, html))
            if self._owns(st, c.url) and c.url not in entry_urls and column_url(c.url) not in st.seen
        ]
        is_column = depth > 0 and (page.entries or page.empty or page.profile == scripted.NAME)
        if depth == 0 and not candidates and (page.entries or page.empty) and not st.no_entry:
            is_column = True  # a disclosure entry that is itself a single list
        if depth == 0 and not candidates and not is_column and not explicit:
            if not st.no_entry:
                reason = "信息公开入口页面上没有找到栏目目录，改为统计首页菜单和列表页菜单中的栏目"
                self._unreadable(st, url, "entry_without_tree", reason)
            yield from self._fallback(st)
        elif depth > 0 and not is_column and not candidates and discover.looks_like_list(url, html, page):
            reason = "栏目页面上没有找到信息列表（既不是带条目的列表，也没有“暂无信息”），需要按站点配置 row/date/link"
            self._unreadable(st, url, "rows_not_found", reason)
        column = None
        if is_column:
            name = link_name or page.column_name or (path[-1] if path else "")
            column, changed = self.store.note_column(
                st.conf.id, column_url(url), name, " > ".join(path or [name]), parent_url, page.profile
            )
            yield it.ColumnFound(st.conf.id, column, changed)
            self.counters["columns"] += 1
        if depth < self.conf.crawl["max_column_depth"]:
            for cand in candidates:
                if column_url(cand.url) in st.seen:
                    continue
                st.seen.add(column_url(cand.url))
                meta = {
                    "site": st.conf.id,
                    "tree_depth": depth + 1,
                    "path": [*path, cand.text],
                    "name": cand.text,
                    "parent": column.url if column else parent_url,
                }
                yield self._conditional(cand.url, meta, self.parse_node, priority=8)
        if column is not None:
            was_complete = column.walk_complete and not self.full
            if status == 304 and was_complete and any(not e.pinned for e in page.entries):
                self._carry_forward(st, column)
                return  # first list page unchanged: nothing new in this column
            yield from self._list_page(st, column, page, 1, url, was_complete)

    # -- details and attachments -----------------------------------------------------------------
    def _detail_request(self, st: SiteState, url: str):
        if url in self.detail_requested or not self._owns(st, url) or extract.is_script_item_url(url):
            return  # a script-driven row has no page of its own (its URL is the column's + #item-…)
        self.detail_requested.add(url)
        yield scrapy.Request(
            url,
            callback=self.parse_detail,
            errback=self.on_error,
            priority=1,
            meta={"site": st.conf.id, "item": url, "handle_httpstatus_list": HANDLED},
            dont_filter=True,
        )

    @emits
    def parse_detail(self, response: Response):
        st = self.state[response.meta["site"]]
        self.counters["details"] += 1
        detail = None
        soft_404 = False
        body = response.body if response.status == 200 else None
        if body is not None:
            html = extract.decode_html(body, charset_of(response))
            detail = extract.parse_detail(response.url, html)
            soft_404 = detail.soft_404
            if not soft_404:
                yield from self._inspect_page(st, response.url, html)
        requests = []
        if detail is not None and not soft_404 and self.conf.crawl["fetch_attachments"]:
            requests = list(self._attachment_requests(st, response, html, detail))
        yield it.DetailPage(
            site_id=st.conf.id,
            item_url=response.meta["item"],
            url=response.url,
            status=response.status,
            headers=headers_of(response),
            body=body,
            content_type=content_type_of(response) or "text/html",
            detail=detail,
            soft_404=soft_404,
            screen=detail is not None and not soft_404,
            attachments=len(requests),
            attachment_urls=[[r.url, r.meta["name"]] for r in requests],
        )
        yield from requests

    def _attachment_requests(self, st: SiteState, response: Response, html: str, detail):
        # images in the article body are read by OCR like attached scans (crawler/content_images.py)
        images = [
            extract.Attachment(url=u, name=n)
            for u, n in content_images(response.url, html, st.template_images)
            if u not in self.images_requested
        ]
        self.images_requested.update(a.url for a in images)
        for att in [*detail.attachments, *images]:
            request = self._attachment_request(st, response.url, response.meta["item"], att.url, att.name)
            if request is not None:
                yield request

    def _attachment_request(self, st: SiteState, page_url: str, item_url: str, url: str, name: str):
        if not self._owns(st, url):
            return None
        return scrapy.Request(
            url,
            callback=self.parse_attachment,
            errback=self.on_error,
            priority=0,
            meta={
                "site": st.conf.id,
                "page_url": page_url,
                "item": item_url,
                "name": name,
                "handle_httpstatus_list": HANDLED,
                "download_maxsize": int(self.conf.crawl["max_attachment_mb"] * 1024 * 1024),
            },
        )

    def parse_attachment(self, response: Response):
        self.counters["attachments"] += 1
        meta = response.meta
        yield it.AttachmentFile(
            site_id=meta["site"],
            item_url=meta["item"],
            page_url=meta["page_url"],
            url=response.url,
            name=meta.get("name", ""),
            status=response.status,
            headers=headers_of(response),
            body=response.body if response.status == 200 else None,
            content_type=content_type_of(response),
        )

    @emits
    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and "outside every configured scope" in failure.getErrorMessage():
            return None  # the scope guard dropped it, logged it and counted it (stats scope/dropped)
        self.counters["errors"] += 1
        structural = request.callback in (self.parse_home, self.parse_node)
        if structural and request.meta.get("site") in self.state and not failure.check(IgnoreRequest):
            reason = f"{request.url}: {failure.getErrorMessage()[:200]}"
            self._cut(self.state[request.meta["site"]], request.url, request.meta, reason)
        log.warning("request failed: %s (%s)", request.url, failure.getErrorMessage())
        st = self.state.get(request.meta.get("site"))
        if request.callback == self.parse_list_page and st and not failure.check(IgnoreRequest):
            column = self.store.column(st.conf.id, request.meta.get("column"))
            if column is not None:  # a list page that timed out or failed: missing, walk on past it
                url = request.meta.get("url", request.url)
                reason = f"列表页无法打开（{failure.getErrorMessage()[:200]}）"
                self._finding(st, "dead_link", url, column=column.url, reason=reason)
                return list(self._skip_page(st, column, request.meta, url))
        if request.callback == self.parse_css:  # a stylesheet that failed: the pages go on without it
            return list(self._css_arrived(request.meta["css"], " "))
        if request.callback == self.parse_message:  # the list's values stand
            row, meta = request.meta["row"], request.meta
            seen = it.MessageSeen(
                meta["site"],
                meta["consult"],
                meta["consult_name"],
                row.url,
                row.title,
                row.asked,
                row.replied,
                row.state,
            )
            return [seen]
        if request.callback == self.parse_attachment and "page_url" in request.meta:
            reason = failure.getErrorMessage()[:300]
            if "maxsize" in reason.lower() or "max size" in reason.lower():
                reason = f"too large (over {self.conf.crawl['max_attachment_mb']} MB download limit)"
            return [
                it.AttachmentFile(
                    site_id=request.meta["site"],
                    item_url=request.meta["item"],
                    page_url=request.meta["page_url"],
                    url=request.url,
                    name=request.meta.get("name", ""),
                    status=None,
                    headers={},
                    body=None,
                    screen_status="unscreened",
                    screen_reason=reason,
                )
            ]
        return None


def _inside_platform(home: str, entry: str) -> bool:
    """The homepage lies inside the folder of the disclosure platform it links to (a department
    hosted at /zwgk/bmxxgk/jtj/ of the county's /zwgk/): it is a part of that platform."""
    h, e = urlsplit(home), urlsplit(entry)
    folder = e.path if e.path.endswith("/") else e.path.rsplit("/", 1)[0] + "/"
    return h.netloc == e.netloc and folder != "/" and h.path.startswith(folder) and h.path != e.path
