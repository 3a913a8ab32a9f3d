"""What the spider yields: one item per observation, stored by the item pipelines.

The spider parses and decides what to fetch next; it never writes. Each item below is handed
to :class:`crawler.pipelines.StorePipeline` (the store, :mod:`crawler.store`, is the one writer)
and, where it carries bytes to screen, to :class:`crawler.pipelines.ScreenPipeline`.
Everything is keyed by URL (site id, column URL, item URL), never by database id: ids exist
only once the store has flushed, and the spider does not wait for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StructuralPage:
    """A homepage, a column-tree / first list page or a stylesheet fetched fresh (kept for
    revalidation)."""

    site_id: str
    url: str
    kind: str  # home | list | style
    status: int
    headers: dict[str, str]
    body: bytes | None  # None: a stylesheet that is gone, 404/410 (kept without bytes)


@dataclass
class SiteUpdate:
    """Fields of the Site row (entry_url; homepage_last_published and homepage_checked_at)."""

    site_id: str
    fields: dict[str, Any]


@dataclass
class ColumnFound:
    """A column the walk found (its row in the store's index; ``fields`` changed, None = new)."""

    site_id: str
    column: Any  # crawler.models.Column (crawler.store.PatrolStore.note_column)
    fields: list[str] | None


@dataclass
class ListPage:
    """One list page of a column, already classified against the store's index
    (:meth:`crawler.store.PatrolStore.plan_list_page`): the plan says what to write."""

    site_id: str
    column_url: str
    plan: Any  # crawler.store.ListPlan


@dataclass
class DetailPage:
    site_id: str
    item_url: str
    url: str  # the URL answered (after redirects)
    status: int
    headers: dict[str, str]
    body: bytes | None  # only for HTTP 200
    content_type: str
    detail: Any = None  # crawler.extract.DetailInfo, None when the page could not be parsed
    soft_404: bool = False
    screen: bool = False  # hand the body to screening
    attachments: int = 0  # attachment requests the page gave (its row is kept until they came)
    attachment_urls: list = field(default_factory=list)  # [[url, name], ...] of those requests
    page: Any = None  # set by the store: the Page row (object; its id exists after a flush)


@dataclass
class AttachmentsResumed:
    """A detail page stored by an earlier crawl that ended before all its attachments were
    (killed, or its unit taken over): ``due`` of them are requested again by this crawl."""

    page: Any  # crawler.models.Page, stored
    due: int


@dataclass
class AttachmentFile:
    site_id: str
    item_url: str
    page_url: str  # the detail page the attachment hangs on (its URL as fetched)
    url: str
    name: str
    status: int | None
    headers: dict[str, str]
    body: bytes | None
    content_type: str = ""
    screen_status: str = ""
    screen_reason: str = ""
    attachment: Any = None  # set by the store: the Attachment row


@dataclass
class SiteFindingFound:
    site_id: str
    kind: str
    url: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class MessageSeen:
    """A citizen message of a 政务咨询 column (inspection.Message), as list and page show it."""

    site_id: str
    column_url: str
    column_name: str
    url: str
    title: str
    asked: Any
    replied: Any
    state: str | None


@dataclass
class TakedownCheck:
    """A URL with confirmed findings fetched again (crawler.takedown judges the response)."""

    response: Any
