from django.contrib import admin

from .models import Message, Probe, WordingDecision


@admin.register(Probe)
class ProbeAdmin(admin.ModelAdmin):
    list_display = ("site", "at", "ok", "status", "elapsed_ms", "failure")
    list_filter = ("ok", "failure", "site")
    date_hierarchy = "at"


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("site", "column_name", "title", "asked", "replied", "state")
    list_filter = ("site",)
    search_fields = ("title", "url")


@admin.register(WordingDecision)
class WordingDecisionAdmin(admin.ModelAdmin):
    list_display = ("text", "url", "decision", "user", "at")
    list_filter = ("decision",)
