"""The demo network's model: hosts, sites, column trees, articles, list entries, attachments.

Everything here is plain data. Paths are host-relative (``/zwgk/tzgg/index.html``); absolute
URLs are made with the network's port, which is only known once the server has bound it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

LOOPBACK = "127.0.0.{}"
PAGE_PARAMS = {"page", "pageno", "pageindex", "curpage", "p", "pn", "currentpage", "pagenum"}


@dataclass(eq=False, repr=False)
class Attachment:
    path: str  # host-relative, may hold a query
    name: str  # link text as the page shows it
    fmt: str  # pdf | docx | xlsx | xls
    title: str
    lines: list[str]
    hidden_sheet: list[str] = field(default_factory=list)  # xlsx/xls only
    scan: bool = False  # drawn as a scanned page (demo/scans.py): no text layer, read by OCR only
    inline: bool = False  # shown as a picture in the article body, not linked as an attachment

    def __repr__(self) -> str:
        return f"<Attachment {self.path or self.name}>"


@dataclass(eq=False, repr=False)
class Article:
    site: Site
    home: Column | None
    title: str
    date: date | None  # the publish date (None: planted undated item)
    sort_date: date  # where it sits in lists
    time: str = "09:00"
    aid: int = 0
    path: str = ""  # host-relative path of the detail page (own articles)
    external_url: str | None = None  # 转载 link: an item of the column, never fetched
    repost_of: Article | None = None  # 转载 of another demo site's article (external_url = "repost")
    status: str = "ok"  # ok | 404 | soft404
    written: date | None = None  # 成文日期
    doc: bool = False  # detail page carries the 公文 metadata table
    doc_no: str = ""
    index_no: str = ""
    publisher: str = ""
    source: str = ""
    body: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    views: int = 0
    planted: list = field(default_factory=list)  # [(Attachment | None, screening kind)]
    negatives: list = field(default_factory=list)  # hard negatives: [(Attachment | None, what)]

    @property
    def external(self) -> bool:
        return self.external_url is not None

    def __repr__(self) -> str:
        return f"<Article {self.site.id}:{self.aid} {self.date} {self.title[:20]!r}>"


@dataclass(eq=False, repr=False)
class Entry:
    article: Article
    pinned: bool = False
    title: str | None = None  # list title when it differs from the article's (after a change)

    def __repr__(self) -> str:
        return f"<Entry {self.article!r}{' pinned' if self.pinned else ''}>"

    @property
    def shown_title(self) -> str:
        return self.title or self.article.title


@dataclass(eq=False, repr=False)
class Column:
    site: Site
    name: str
    slug: str
    cid: int
    parent: Column | None = None
    children: list[Column] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    rowdate: str = "full"  # full | mmdd | none: what the list rows show
    traits: dict = field(default_factory=dict)
    path: str = ""  # first list page, host-relative
    url_path: str = ""  # normalised column URL path (ARCHITECTURE.md rule)
    newest: date | None = None  # planned newest publish date
    per_page: int = 15

    def __repr__(self) -> str:
        return f"<Column {self.site.id}:{self.name} ({len(self.entries)} entries)>"

    @property
    def is_parent(self) -> bool:
        return bool(self.children)

    @property
    def empty(self) -> bool:
        return not self.is_parent and not self.entries

    def sort_entries(self) -> None:
        pinned = [e for e in self.entries if e.pinned]
        rest = [e for e in self.entries if not e.pinned]
        rest.sort(key=lambda e: (e.article.sort_date, e.article.time, e.article.aid), reverse=True)
        self.entries = pinned + rest

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(eq=False, repr=False)
class Site:
    id: str
    name: str
    tier: str  # county | department | town
    style: str  # trs | hanweb | asp | gkml
    host: int  # last octet of 127.0.0.N
    prefix: str  # "/" or "/bm/fgj/"
    abbr: str  # short name used in titles and 文号
    variant: dict = field(default_factory=dict)
    roots: list[Column] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    blocks: list[tuple[str, Column]] = field(default_factory=list)  # homepage latest-news blocks
    entry_path: str = ""  # the 信息公开 entry page
    home_path: str = ""

    def __repr__(self) -> str:
        return f"<Site {self.id} {self.name} {self.style}@127.0.0.{self.host}{self.prefix}>"

    def columns(self) -> list[Column]:
        return [c for r in self.roots for c in r.walk()]

    def list_columns(self) -> list[Column]:
        return [c for c in self.columns() if not c.is_parent]

    def column(self, name: str) -> Column:
        for c in self.columns():
            if c.name == name:
                return c
        raise KeyError(f"{self.id}: no column {name!r}")


@dataclass(eq=False, repr=False)
class Network:
    scale: str
    seed: int
    sites: list[Site]
    port: int = 8000
    generation: int = 0
    screening_positives: list[dict] = field(default_factory=list)  # {"article", "attachment"|None, "kind"}
    hard_negatives: list[dict] = field(default_factory=list)
    loopback: str = LOOPBACK  # address template of the hosts (a simulated province: one /24 per county)

    def __repr__(self) -> str:
        return f"<Network {self.scale} seed={self.seed} port={self.port} gen={self.generation}>"

    def address(self, host: int) -> str:
        return self.loopback.format(host)

    def base(self, host: int) -> str:
        return f"http://{self.address(host)}:{self.port}"

    def site_url(self, site: Site) -> str:
        return self.base(site.host) + site.prefix

    def column_url(self, col: Column) -> str:
        return self.base(col.site.host) + col.url_path

    def column_first_page(self, col: Column) -> str:
        return self.base(col.site.host) + col.path

    def article_url(self, art: Article) -> str:
        if art.repost_of is not None:
            return self.article_url(art.repost_of)
        return art.external_url or self.base(art.site.host) + art.path

    def attachment_url(self, art: Article, att: Attachment) -> str:
        return self.base(art.site.host) + att.path

    def home_url(self, site: Site) -> str:
        return self.site_url(site)

    def hosts(self) -> list[int]:
        return sorted({s.host for s in self.sites})

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)


def normalise_column_url(url: str) -> str:
    """ARCHITECTURE.md: drop a trailing index/default page and a page-number query parameter."""
    parts = urlsplit(url)
    path = re.sub(r"(?:index\.html?|default\.html?|default\.aspx?)$", "", parts.path, flags=re.I)
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in PAGE_PARAMS]
    )
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def homepage_blocks(site: Site, per_block: int = 7) -> list[tuple[str, Column, list[Entry]]]:
    """The homepage's latest-news blocks: the newest dated, live, own entries of each block column."""
    out = []
    for label, col in site.blocks:
        rows = [
            e
            for e in col.entries
            if not e.pinned and e.article.date and not e.article.external and e.article.status == "ok"
        ][:per_block]
        out.append((label, col, rows))
    return out
