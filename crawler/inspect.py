"""The inspection checks the crawl runs (issue 10; the checks themselves: inspection.checks).

A mixin of :class:`crawler.spider.PatrolSpider`. Per site:

* **Site identity** — the homepage's 网站标识码 / ICP / 公安备案 / 党政机关标识; what is missing
  becomes a ``missing_identity`` site finding (with the values found).
* **Hidden links (暗链)** — every HTML page the patrol parses (homepage, column-tree and list pages,
  detail pages): a page with links out of every scope and off ``.gov.cn`` is checked against its
  inline styles, ``<style>`` blocks and the site's own stylesheets; the stylesheets in scope are
  fetched once per patrol (a page waits until its sheets have come), never a link's target, and
  kept: a page unchanged since the last patrol is checked against the kept copies, so a second
  patrol of an unchanged network asks for no stylesheet (a sheet edited on its own is read again
  once a page that uses it changes, or by a full patrol).
  One ``hidden_link`` finding per page, its hits in ``detail.hits``.
* **Wording and watched names** — run in the screening workers on the text extracted for the
  screen, pages and attachments alike (``screening.jobs.inspection_checks``; stored by
  crawler.pipelines as ``wording_error`` / ``watch_name`` with the suggestion and severity).
* **互动回应** — the homepage's 互动交流 links (one level) and the homepage itself name the 政务咨询
  columns (县长信箱, 咨询, 问政 …; not 在线访谈, 意见征集, 信访, 纪检); their list pages are walked
  (``max_list_pages_per_column``) and a message page fetched only when the list lacks its date
  or reply; each message is stored (inspection.Message) — never as a disclosure column, so the
  counts do not change. Reports judge them against ``as_of``.

Everything requested here passes the scope guard like every other request.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from config.patrolconf import site_for_url
from crawler import extract
from crawler import items as it
from crawler.responses import HANDLED, charset_in, headers_of
from crawler.responses import charset_of as _charset
from crawler.revalidate import FLAG as REVALIDATED

log = logging.getLogger(__name__)

# 互动交流 and message list pages are revalidated like the column tree (a 304: the stored copy)
REVALIDATE = {"revalidate": True, "handle_httpstatus_list": HANDLED}
MAX_MESSAGE_PAGES = 2000  # message pages fetched per patrol (each once; replied ones never again)
# absolute link targets in the raw page, script strings included (href=\"…\" in document.write)
_ABSOLUTE_HREF = re.compile(r"""href\s*=\s*\\?["']?\s*(?:https?:)?//([^/"'\\\s>?#]+)""", re.I)


def check_lists(conf) -> None:
    """Read the county's wording lexicon and watch list before the patrol starts, so that a wrong
    line stops it with ``file:line`` (the screening workers load them again for the checks)."""
    from inspection.checks import load_watch, load_wording

    ins = conf.inspection or {}
    load_wording([ins["wording_lexicon"]] if ins.get("wording_lexicon") else None)
    load_watch([ins["watch_names"]] if ins.get("watch_names") else None)


GONE = (404, 410)  # a stylesheet answered so is kept as gone (read as empty while its page is unchanged)


def _decode_css(body: bytes, headers: dict[str, str]) -> str:
    """A stylesheet's text, in the charset its Content-Type names (UTF-8 when it names none, or
    one Python does not know)."""
    charset = charset_in(next((v for k, v in headers.items() if k.lower() == "content-type"), ""))
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class InspectionMixin:
    # -- set-up ----------------------------------------------------------------------------------
    def _inspection_init(self) -> None:
        self.css: dict[str, str | None] = {}  # stylesheet URL → text ("" failed; None requested)
        self.css_kept: dict[str, str | None] = {}  # stylesheet URL → its stored copy's text (None: none)
        # pages waiting for sheets: (site, url, html, checked against stored copies)
        self.css_waiting: list[tuple[str, str, str, bool]] = []
        self.consult_seen: set[str] = set()
        self.message_pages = 0

    def _in_scope(self, url: str) -> bool:
        return site_for_url(self.conf.sites, url) is not None

    # -- homepage: identity and the way to the message columns ----------------------------------
    def _inspect_home(self, st, url: str, html: str):
        from inspection.checks import consult_links, interaction_links, missing_identity, site_identity

        ident = site_identity(url, html)
        missing = missing_identity(ident)
        if missing:
            found = {k: v for k, v in vars(ident).items() if v}
            self._finding(st, "missing_identity", url, missing=missing, found=found)
        yield from self._consult_columns(st, url, html, consult_links)
        for link in interaction_links(url, html):
            if self._owns(st, link) and link not in self.consult_seen:
                self.consult_seen.add(link)
                yield scrapy.Request(
                    link,
                    callback=self.parse_interaction,
                    errback=self.on_error,
                    meta={"site": st.conf.id, **REVALIDATE},
                    priority=3,
                    dont_filter=True,
                )

    def _consult_columns(self, st, url: str, html: str, consult_links):
        for name, link in consult_links(url, html):
            if not self._owns(st, link) or link in self.consult_seen:
                continue
            self.consult_seen.add(link)
            meta = {"site": st.conf.id, "consult": link, "consult_name": name, "page_no": 1}
            yield scrapy.Request(
                link,
                callback=self.parse_messages,
                errback=self.on_error,
                meta={**meta, **REVALIDATE},
                priority=3,
                dont_filter=True,
            )

    def _fresh(self, response: Response):
        """A 互动交流 or message list page fetched fresh: kept, so the next patrol revalidates it."""
        if response.status == 200 and REVALIDATED not in response.flags:
            yield it.StructuralPage(
                response.meta["site"], response.url, "list", 200, headers_of(response), response.body
            )

    def parse_interaction(self, response: Response):
        from inspection.checks import consult_links

        st = self.state[response.meta["site"]]
        if response.status != 200:
            return
        yield from self._fresh(response)
        html = extract.decode_html(response.body, _charset(response))
        yield from self._consult_columns(st, response.url, html, consult_links)

    # -- message columns -------------------------------------------------------------------------
    def parse_messages(self, response: Response):
        from inspection.checks import answered, parse_message_list

        st = self.state[response.meta["site"]]
        if response.status != 200:
            return
        yield from self._fresh(response)
        html = extract.decode_html(response.body, _charset(response))
        found = parse_message_list(response.url, html)
        column, name = response.meta["consult"], response.meta["consult_name"]
        known = self.store.messages(st.conf.id)
        for row in found.rows:
            if not row.url or not self._owns(st, row.url):
                continue
            stored = known.get(row.url)
            settled = stored is not None and stored.replied is not None and stored.asked is not None
            if row.asked is not None and (row.replied is not None or answered(row.state) is False):
                need_page = False  # the list says it all (asked, and replied or plainly unanswered)
            else:
                need_page = not settled
            if need_page and self.message_pages < MAX_MESSAGE_PAGES:
                self.message_pages += 1
                meta = {"site": st.conf.id, "consult": column, "consult_name": name, "row": row}
                yield scrapy.Request(
                    row.url,
                    callback=self.parse_message,
                    errback=self.on_error,
                    meta=meta,
                    priority=2,
                    dont_filter=True,
                )
            else:
                yield it.MessageSeen(
                    st.conf.id, column, name, row.url, row.title, row.asked, row.replied, row.state
                )
        page_no = response.meta["page_no"]
        nxt = found.next_url
        if (
            nxt
            and nxt != response.url
            and self._owns(st, nxt)
            and page_no < self.conf.crawl["max_list_pages_per_column"]
        ):
            meta = {
                **{k: response.meta[k] for k in ("site", "consult", "consult_name")},
                "page_no": page_no + 1,
            }
            yield scrapy.Request(
                nxt,
                callback=self.parse_messages,
                errback=self.on_error,
                meta={**meta, **REVALIDATE},
                priority=3,
                dont_filter=True,
            )

    def parse_message(self, response: Response):
        from inspection.checks import parse_message_page

        st = self.state[response.meta["site"]]
        row = response.meta["row"]
        asked, replied, state = row.asked, row.replied, row.state
        if response.status == 200:
            page = parse_message_page(response.url, extract.decode_html(response.body, _charset(response)))
            asked, replied, state = asked or page.asked, replied or page.replied, state or page.state
        column, name = response.meta["consult"], response.meta["consult_name"]
        yield it.MessageSeen(st.conf.id, column, name, row.url, row.title, asked, replied, state)

    # -- every HTML page: hidden links; detail pages: wording ------------------------------------
    def _inspect_page(self, st, url: str, html: str, response: Response | None = None):
        """Hidden links of one page (requests for the stylesheets it still needs).

        ``response``: the page's own, for a page that may be unchanged since the last patrol
        (answered 304, or the same bytes as its stored copy): such a page is checked against the
        stored copies of its stylesheets, and a stylesheet is requested only for a page that
        changed (or one never stored) — a second patrol of an unchanged network asks for no
        stylesheet. A stylesheet edit alone is seen once a page that uses it changes, or by a
        full patrol (which keeps no copies)."""
        from inspection.checks import is_gov_host, outside_links

        hosts = {h.lower() for h in _ABSOLUTE_HREF.findall(html)}
        own = urlsplit(url).netloc.lower()
        if not any(h != own and not is_gov_host(f"http://{h}/") for h in hosts):
            return  # every absolute link stays on this host or on government hosts: parse nothing
        if not outside_links(url, html, self._in_scope):
            return  # nothing leads out: no hidden link possible, no stylesheet needed
        revalidation = getattr(self, "revalidation", None)
        kept = response is not None and revalidation is not None and revalidation.unchanged(response)
        missing = self._sheets_missing(url, html, kept)
        if not missing:
            self._hidden(st.conf.id, url, html, kept)
            return
        self.css_waiting.append((st.conf.id, url, html, kept))
        yield from self._css_requests(st, missing)

    def _sheet(self, u: str, kept: bool) -> str | None:
        """A stylesheet's text: fetched in this patrol, else (for an unchanged page) its stored copy."""
        text = self.css.get(u)
        if text is None and kept:
            if u not in self.css_kept:
                copy = self.revalidation.copy(u)
                if copy is None:  # never kept: asked for
                    self.css_kept[u] = None
                else:  # a sheet gone then is read as empty, as it was then
                    status, headers, body = copy
                    self.css_kept[u] = (_decode_css(body, headers) if status == 200 else "") or " "
            text = self.css_kept[u]
        return text

    def _sheets(self, url: str, html: str, kept: bool = False) -> list[str]:
        from inspection.checks import stylesheet_imports, stylesheet_urls

        out, todo = [], [u for u in stylesheet_urls(url, html) if self._in_scope(u)]
        while todo:
            u = todo.pop(0)
            if u in out:
                continue
            out.append(u)
            text = self._sheet(u, kept)
            if text:
                todo += [i for i in stylesheet_imports(u, text) if self._in_scope(i) and i not in out]
        return out

    def _sheets_missing(self, url: str, html: str, kept: bool = False) -> list[str]:
        return [u for u in self._sheets(url, html, kept) if self._sheet(u, kept) is None]

    def _css_requests(self, st, urls: list[str]):
        for u in urls:
            if u in self.css:
                continue  # requested already
            self.css[u] = None
            yield scrapy.Request(
                u,
                callback=self.parse_css,
                errback=self.on_error,
                # conditional, like a structural page: a 304 is answered from the stored copy;
                # 4xx/5xx come to parse_css, so that a sheet that is gone is kept as gone
                meta={"site": st.conf.id, "css": u, **REVALIDATE},
                priority=4,
            )

    def parse_css(self, response: Response):
        url = response.meta["css"]
        text = ""
        if response.status == 200:
            text = _decode_css(response.body, headers_of(response))
        # kept, and a sheet that is gone (404, 410) too: the next patrol's unchanged pages read it;
        # any other failure (a server error, a refusal) is asked again by the next patrol
        if REVALIDATED not in response.flags and response.status in (200, *GONE):
            ok = response.status == 200
            yield it.StructuralPage(
                response.meta["site"],
                url,
                "style",
                response.status,
                headers_of(response),
                response.body if ok else None,
            )
        yield from self._css_arrived(url, text or " ")

    def _css_arrived(self, url: str, text: str):
        """A stylesheet came (or failed: empty): check the pages that were waiting for it."""
        self.css[url] = text
        waiting, self.css_waiting = self.css_waiting, []
        for site_id, page_url, html, kept in waiting:
            missing = self._sheets_missing(page_url, html, kept)
            if missing:
                self.css_waiting.append((site_id, page_url, html, kept))
                yield from self._css_requests(self.state[site_id], missing)
            else:
                self._hidden(site_id, page_url, html, kept)
        yield from self._drain()

    def _hidden(self, site_id: str, url: str, html: str, kept: bool = False) -> None:
        from inspection.checks import hidden_links

        sheets = {u: text for u in self._sheets(url, html, kept) if (text := self._sheet(u, kept))}
        hits = hidden_links(url, html, sheets, self._in_scope)
        if hits:
            detail = {"hits": [{"target": h.target, "how": h.how, "text": h.text[:200]} for h in hits]}
            self._emit(it.SiteFindingFound(site_id, "hidden_link", url, detail))
