"""The patrol store: sites, their disclosure columns, listed items, fetched pages and runs.

Consistency rule: everything one list page yields (its entries, their items, the column's
progress marker) is written in one transaction, so a patrol killed at any point leaves
whole list pages or nothing; the next patrol resumes from the stored progress.
"""

from __future__ import annotations

from django.db import models

TIER_CHOICES = [("county", "县政府"), ("department", "县直部门"), ("town", "镇")]


class PatrolRun(models.Model):
    STATUS = [
        ("running", "运行中"),
        ("ok", "完成"),
        ("failed", "失败"),
        ("interrupted", "中断"),
        ("killed", "超时终止"),
    ]
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUS, default="running")
    trigger = models.CharField(max_length=16, default="manual")  # manual | schedule | demo
    pid = models.IntegerField(null=True, blank=True)
    sites = models.JSONField(default=list, blank=True)
    requests = models.IntegerField(default=0)
    pages = models.IntegerField(default=0)
    new_items = models.IntegerField(default=0)
    findings = models.IntegerField(default=0)
    error = models.TextField(blank=True, default="")
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]


class WorkUnit(models.Model):
    """A share of a queued patrol (scale-out, crawler/distributed.py): the sites on one group of
    hosts, crawled by one worker at a time. PostgreSQL holds the truth (state, lease, owner); the
    Redis queue only says which units to look at. A worker owns a unit while its lease lasts and
    proves it in every write transaction (the fence), so a worker that lost its unit writes nothing."""

    STATES = [("queued", "排队"), ("running", "巡查中"), ("done", "完成"), ("failed", "失败")]
    run = models.ForeignKey(PatrolRun, on_delete=models.CASCADE, related_name="units")
    key = models.CharField(max_length=300)  # the group's first host (unique within the run)
    sites = models.JSONField(default=list)
    hosts = models.JSONField(default=list)
    full = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=STATES, default="queued", db_index=True)
    owner = models.CharField(max_length=200, blank=True, default="")  # worker token while running
    lease_until = models.DateTimeField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)  # last put on the Redis queue
    attempts = models.IntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="workunit_run_key")]
        ordering = ["pk"]


class Site(models.Model):
    site_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    tier = models.CharField(max_length=16, choices=TIER_CHOICES)
    url = models.URLField(max_length=1000)
    scope = models.JSONField(default=list)
    entry_url = models.URLField(max_length=1000, blank=True, default="")
    active = models.BooleanField(default=True)
    # the homepage's newest dated block item, for the stale-homepage rule
    homepage_last_published = models.DateField(null=True, blank=True)
    homepage_checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.site_id})"


class Column(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="columns")
    url = models.URLField(max_length=1000)  # normalised first list page (ARCHITECTURE.md)
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=500, blank=True, default="")  # "政策文件 > 县政府文件"
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    profile = models.CharField(max_length=32, blank=True, default="")
    empty = models.BooleanField(default=False)  # shows 暂无信息 and lists nothing
    items_listed = models.IntegerField(default=0)  # entries seen on the last complete walk
    walk_complete = models.BooleanField(default=False)  # every list page walked at least once
    next_page = models.URLField(
        max_length=2000, blank=True, default=""
    )  # where an unfinished walk stopped (shown to operators); the next patrol re-walks from page 1
    validators = models.JSONField(default=dict, blank=True)  # ETag / Last-Modified of the first list page
    first_seen_run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    last_seen_run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.IntegerField(null=True, blank=True)  # HTTP status of the first list page
    # A complete patrol of the site that no longer found the column retires it (crawler.retire): it
    # keeps its listings, items, snapshots and findings as evidence and counts nowhere; seen again,
    # it is un-retired.
    retired_at = models.DateTimeField(null=True, blank=True, db_index=True)
    retired_run = models.ForeignKey(
        PatrolRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        unique_together = [("site", "url")]

    def __str__(self) -> str:
        return f"{self.site.site_id}:{self.name}"

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


class Item(models.Model):
    """One article URL of a site, however many of its columns list it."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="items")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=1000)
    publish_date = models.DateField(null=True, blank=True, db_index=True)
    date_source = models.CharField(max_length=16, blank=True, default="")  # row | detail | ""
    written_date = models.DateField(null=True, blank=True)  # 成文日期
    index_no = models.CharField(max_length=200, blank=True, default="")  # 索引号
    doc_no = models.CharField(max_length=200, blank=True, default="")  # 文号
    publisher = models.CharField(max_length=200, blank=True, default="")  # 发布机构
    external = models.BooleanField(default=False)  # outside the site's scope: counted, not fetched
    detail_status = models.IntegerField(null=True, blank=True)  # HTTP status of the detail page
    soft_404 = models.BooleanField(default=False)
    needs_detail = models.BooleanField(default=True)  # detail page to be (re)fetched
    signature = models.CharField(max_length=64, blank=True, default="")  # hash of the list entry as listed
    first_seen_run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    last_seen_run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    # The same document at its former address (the site moved, crawler.retire.link_moved_items):
    # this item carries the old one's first_seen_run; its screening findings inherit the old
    # findings' review status. The old item stays, listed only by retired columns.
    moved_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="moved_to"
    )

    class Meta:
        unique_together = [("site", "url")]
        indexes = [models.Index(fields=["site", "needs_detail"])]

    @property
    def dead(self) -> bool:
        return self.soft_404 or (self.detail_status is not None and self.detail_status >= 400)


class Listing(models.Model):
    """An item as one column lists it (an article cross-listed in two columns has two)."""

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="listings")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="listings")
    title = models.CharField(max_length=1000)
    row_date = models.DateField(null=True, blank=True)
    partial_date = models.CharField(
        max_length=8, blank=True, default=""
    )  # "MM-DD" when the row lacks the year
    pinned = models.BooleanField(default=False)
    first_seen_run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    last_seen_run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        unique_together = [("column", "item")]


class Snapshot(models.Model):
    """Content-addressed bytes: ``<data>/snapshots/ab/cd/<sha256>``."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class Page(models.Model):
    """One fetch of a detail page (or homepage, column-tree or list page, or a stylesheet the
    hidden-link check read) whose bytes were kept."""

    KINDS = [("detail", "详情页"), ("home", "首页"), ("list", "列表页"), ("style", "样式表")]
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="pages")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=8, choices=KINDS, default="detail")
    status = models.IntegerField()
    headers = models.JSONField(default=dict)
    snapshot = models.ForeignKey(Snapshot, null=True, on_delete=models.PROTECT)
    fetched_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    screen_status = models.CharField(max_length=16, blank=True, default="")  # screened | unscreened | ""
    screen_reason = models.CharField(max_length=300, blank=True, default="")
    # the attachments this detail page's fetch asked for, ``[[url, name], ...]``, while they are
    # not all stored: a crawl that ended first (killed, its unit taken over) leaves them to the
    # next one, which fetches those still missing (null once none is due)
    attachments_due = models.JSONField(null=True, blank=True, default=None)

    class Meta:
        indexes = [
            models.Index(fields=["url", "kind"]),  # revalidation looks up the last fetch of a URL
            models.Index(
                fields=["site"],
                condition=models.Q(attachments_due__isnull=False),
                name="page_attachments_due",
            ),
        ]


class Attachment(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="attachments")
    item = models.ForeignKey(Item, null=True, on_delete=models.CASCADE, related_name="attachments")
    url = models.URLField(max_length=2000)
    name = models.CharField(max_length=500, blank=True, default="")
    status = models.IntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict)
    snapshot = models.ForeignKey(Snapshot, null=True, on_delete=models.PROTECT)
    fetched_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(PatrolRun, null=True, on_delete=models.SET_NULL, related_name="+")
    screen_status = models.CharField(max_length=16, blank=True, default="")
    screen_reason = models.CharField(max_length=300, blank=True, default="")


class SiteFinding(models.Model):
    """What the patrol itself observed about a site's structure (contract inspection kinds).

    Recorded by the crawl (never by reports): ``offsite_redirect`` (an in-scope page leading out of
    every scope; ``detail.target``), ``no_disclosure_entry`` (url = homepage), ``unreadable``
    (``detail.reason``), ``dead_link`` for a missing list page (url = that list page) and
    ``retired_column`` (url = the column, ``detail.retired``), and the inspection checks the crawl
    runs (inspection.checks): ``missing_identity`` (url = homepage; ``missing``, ``found``),
    ``hidden_link`` / ``wording_error`` / ``watch_name`` (url = the page; one row per page and kind,
    its hits in ``detail.hits``). Reports read the findings of each site's latest patrol
    (``crawler.sitefindings.latest``).
    """

    KINDS = [
        ("offsite_redirect", "跳转到范围外"),
        ("no_disclosure_entry", "无信息公开入口"),
        ("unreadable", "无法读取"),
        ("dead_link", "列表页失效"),
        ("retired_column", "栏目已撤销"),
        ("missing_identity", "网站标识缺失"),
        ("hidden_link", "暗链"),
        ("wording_error", "严重表述错误"),
        ("watch_name", "关注人名"),
    ]
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="site_findings")
    run = models.ForeignKey(PatrolRun, on_delete=models.CASCADE, related_name="site_findings")
    kind = models.CharField(max_length=32, choices=KINDS)
    url = models.URLField(max_length=2000)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site_id", "kind", "url"]
        constraints = [
            models.UniqueConstraint(fields=["run", "site", "kind", "url"], name="sitefinding_once_per_run"),
        ]
        indexes = [models.Index(fields=["site", "run"])]
