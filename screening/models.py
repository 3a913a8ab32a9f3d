"""Findings of the confidentiality screen and the bureau's reviews of them.

One ``Finding`` per screened document (page or attachment) per snapshot of its bytes
that had hits: the same URL with new content is a new finding, the same bytes screened
again update the existing one and keep its review status.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction


class Finding(models.Model):
    STATUS = [
        ("open", "待审核"),
        ("confirmed", "已确认"),
        ("dismissed", "已排除"),
        ("taken_down", "已下架"),
    ]
    SEVERITY = [("high", "高"), ("medium", "中"), ("low", "低")]

    url = models.URLField(max_length=2000)  # the page or the attachment
    page_url = models.URLField(max_length=2000, blank=True, default="")  # the page it hangs on
    snapshot = models.ForeignKey(
        "crawler.Snapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    page = models.ForeignKey(
        "crawler.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    attachment = models.ForeignKey(
        "crawler.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    run = models.ForeignKey(
        "crawler.PatrolRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="screen_findings"
    )
    severity = models.CharField(max_length=8, choices=SEVERITY)
    flagged = models.BooleanField(default=False, db_index=True)
    kinds = models.JSONField(default=list)
    hits = models.JSONField(default=list)  # personal data masked, offsets into the extracted text
    screen_status = models.CharField(max_length=16, default="screened")  # screened | unscreened
    screen_reason = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=16, choices=STATUS, default="open", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url", "snapshot"], name="finding_one_per_url_snapshot"),
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.url}"

    def to_json(self) -> dict[str, Any]:
        """The ``findings[]`` entry of ``patrol findings --format json``."""
        return {
            "url": self.url,
            "page": self.page_url or None,
            "severity": self.severity,
            "flagged": self.flagged,
            "status": self.status,
            "kinds": list(self.kinds),
            "hits": [
                {k: h.get(k) for k in ("kind", "rule", "severity", "text", "context", "start", "end")}
                for h in self.hits
            ],
        }

    @transaction.atomic
    def review(self, reviewer: Any, decision: str, note: str = "") -> Review:
        """Record a reviewer's decision and move the finding to that status."""
        if decision not in dict(self.STATUS):
            raise ValueError(f"unknown decision {decision!r}")
        rev = Review.objects.create(finding=self, reviewer=reviewer, decision=decision, note=note)
        self.status = decision
        self.save(update_fields=["status", "updated_at"])
        return rev


class Review(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="screen_reviews"
    )
    decision = models.CharField(max_length=16, choices=Finding.STATUS)
    note = models.TextField(blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


def record_findings(
    doc_result: Any,
    *,
    url: str,
    page_url: str = "",
    snapshot: Any = None,
    page: Any = None,
    attachment: Any = None,
    run: Any = None,
) -> Finding | None:
    """Store a DocResult's hits against the snapshot they came from.

    Idempotent per (url, snapshot): screening the same bytes again updates the hits and
    keeps the review status. Nothing is stored for a document without hits.
    """
    if not doc_result.hits:
        return None
    values = {
        "page_url": page_url or "",
        "page": page,
        "attachment": attachment,
        "severity": doc_result.severity or "low",
        "flagged": bool(doc_result.flagged),
        "kinds": list(doc_result.kinds),
        "hits": doc_result.hits_json(),
        "screen_status": doc_result.status,
        "screen_reason": (doc_result.reason or "")[:300],
    }
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update().filter(url=url, snapshot=snapshot).order_by("id").first()
        )
        if finding is None:
            return Finding.objects.create(url=url, snapshot=snapshot, run=run, **values)
        for key, value in values.items():
            setattr(finding, key, value)
        if run is not None and finding.run_id is None:
            finding.run = run
        finding.save()
        return finding
