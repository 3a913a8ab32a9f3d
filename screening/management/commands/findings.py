"""``patrol findings [--status open|all|STATUS] [--format table|json]``: the screen's stored findings.

One entry per screened page or attachment (per snapshot of its bytes) that had hits,
newest first; ``url`` is the page or attachment, ``page`` the page it hangs on.
``--status open`` lists what waits for a person: ``open`` and ``not_fixed`` (ARCHITECTURE.md).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from screening.management.commands.screen import KIND_ZH, SEVERITY_ZH
from screening.management.table import render, utf8_stdout
from screening.models import Finding

STATUS_ZH = dict(Finding.STATUS)
_ORDER = {"high": 0, "medium": 1, "low": 2}


class Command(BaseCommand):
    help = "List confidentiality findings (open ones by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--status", default="open", choices=[key for key, _ in Finding.STATUS] + ["all"])
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--flagged", action="store_true", help="only findings at or above the threshold")

    def handle(self, *args, **opts) -> None:
        utf8_stdout(self.stdout)
        qs = Finding.objects.all()
        if opts["status"] == "open":
            qs = qs.filter(status__in=Finding.QUEUE_STATUSES)
        elif opts["status"] != "all":
            qs = qs.filter(status=opts["status"])
        if opts["flagged"]:
            qs = qs.filter(flagged=True)
        findings = sorted(qs, key=lambda f: (_ORDER.get(f.severity, 3), -f.created_at.timestamp(), -f.id))
        if opts["format"] == "json":
            self.stdout.write(
                json.dumps({"findings": [f.to_json() for f in findings]}, ensure_ascii=False, indent=2)
            )
            return
        rows = []
        for f in findings:
            kinds = "、".join(KIND_ZH.get(k, k) for k in f.kinds)
            hits = "，".join(h.get("text", "") for h in f.hits[:3])
            rows.append(
                [
                    f.url,
                    f.page_url or "-",
                    SEVERITY_ZH.get(f.severity, f.severity),
                    STATUS_ZH.get(f.status, f.status)
                    + (f"（{f.days_open()}天）" if f.status == "not_fixed" and f.first_confirmed_at else ""),
                    kinds,
                    f"{len(f.hits)}：{hits}",
                ]
            )
        self.stdout.write(
            render(["网址", "所在页面", "等级", "状态", "类别", "命中"], rows, [60, 50, 4, 16, 24, 50])
        )
        self.stdout.write(f"\n共 {len(findings)} 条。")
