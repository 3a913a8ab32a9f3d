"""Admin (superusers only): the crawl store and the findings, read-only.

The crawler and screening apps have no admin module of their own; their models are
registered here so the admin stays one place. Data changes come from patrols and from
reviews in the web app (which record who decided what), not from admin edits.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from crawler import models as crawl
from screening import models as screen


class ReadOnlyAdmin(admin.ModelAdmin):
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(crawl.Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("site_id", "name", "tier", "url", "active", "homepage_last_published")
    list_filter = ("tier", "active")
    search_fields = ("site_id", "name", "url")


@admin.register(crawl.Column)
class ColumnAdmin(ReadOnlyAdmin):
    list_display = ("name", "site", "path", "profile", "items_listed", "empty", "walk_complete", "status")
    list_filter = ("site", "empty", "walk_complete", "profile")
    search_fields = ("name", "url", "path")
    list_select_related = ("site",)


@admin.register(crawl.Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "site", "publish_date", "date_source", "external", "detail_status", "soft_404")
    list_filter = ("site", "external", "soft_404", "date_source")
    search_fields = ("title", "url", "doc_no", "index_no")
    date_hierarchy = "publish_date"
    list_select_related = ("site",)


@admin.register(crawl.Page)
class PageAdmin(ReadOnlyAdmin):
    list_display = ("url", "site", "kind", "status", "fetched_at", "screen_status")
    list_filter = ("kind", "screen_status", "site")
    search_fields = ("url",)
    list_select_related = ("site",)


@admin.register(crawl.Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "url", "status", "fetched_at", "screen_status")
    list_filter = ("screen_status",)
    search_fields = ("name", "url")


@admin.register(crawl.Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "size", "created_at")
    search_fields = ("sha256",)


@admin.register(crawl.PatrolRun)
class PatrolRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "started_at",
        "finished_at",
        "status",
        "trigger",
        "requests",
        "pages",
        "new_items",
        "findings",
    )
    list_filter = ("status", "trigger")


class ReviewInline(admin.TabularInline):
    model = screen.Review
    extra = 0
    can_delete = False
    readonly_fields = ("at", "reviewer", "decision", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(screen.Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("url", "severity", "flagged", "status", "created_at")
    list_filter = ("status", "severity", "flagged")
    search_fields = ("url", "page_url")
    inlines = [ReviewInline]
    raw_id_fields = ("snapshot", "page", "attachment", "run")


@admin.register(screen.Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("finding", "reviewer", "decision", "at")
    list_filter = ("decision",)
    list_select_related = ("finding", "reviewer")
