"""Findings of the confidentiality screen, the bureau's reviews of them and its allowlist.

One ``Finding`` per screened document (page or attachment) per snapshot of its bytes
that had hits: the same URL with new content is a new finding, the same bytes screened
again update the existing one and keep its review status.

Every change of a finding's status is a ``Review`` (a person's decision, or the patrol's
takedown check with ``reviewer`` null); reviews are written once and never edited or deleted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from screening.engine.registry import KIND_LABELS

# Chinese names of the hit kinds (RULES.md "Confidentiality screening"), for every place that shows them
HIT_KIND_LABELS: dict[str, str] = dict(KIND_LABELS)  # each detector declares its label (engine registry)


def _hit_json(h: dict) -> dict[str, Any]:
    """A stored hit as the contract gives it; OCR hits also carry ``ocr``, ``page`` and ``box``."""
    out = {k: h.get(k) for k in ("kind", "rule", "severity", "text", "context", "start", "end")}
    if h.get("ocr"):
        out.update(ocr=True, page=h.get("page"), box=h.get("box"))
    return out


class Finding(models.Model):
    # the contract's status values (ARCHITECTURE.md, findings ``status``)
    STATUS = [
        ("open", "待审核"),
        ("confirmed", "已确认"),
        ("dismissed", "已排除"),
        ("removed", "已下架"),
        ("verified_removed", "已核实下架"),
        ("not_fixed", "未整改"),
    ]
    # ``--status open`` and the review queue: waiting for a person
    QUEUE_STATUSES = ("open", "not_fixed")
    # the next patrol fetches these again to verify the takedown
    TAKEDOWN_STATUSES = ("confirmed", "removed", "not_fixed")
    # a person's decisions; "open" is the reopen decision
    DECISIONS = ("confirmed", "dismissed", "removed", "open")
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
    first_confirmed_at = models.DateTimeField(null=True, blank=True)  # days open count from here
    checked_at = models.DateTimeField(null=True, blank=True)  # last takedown check by a patrol
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
            "hits": [_hit_json(h) for h in self.hits],
        }

    def days_open(self, now: Any = None) -> int | None:
        """Whole days since the finding was first confirmed (None when it never was)."""
        if self.first_confirmed_at is None:
            return None
        return max(0, ((now or timezone.now()) - self.first_confirmed_at).days)

    def review(self, reviewer: Any, decision: str, note: str = "") -> Review:
        """Record a person's decision and move the finding to that status.

        Decisions: confirmed, dismissed (a note is required), removed, and open (reopen a
        finding that was decided). Raises ``ValidationError`` for anything else.
        """
        note = (note or "").strip()
        if decision not in self.DECISIONS:
            raise ValidationError(f"未知的处理结果：{decision}")
        if decision == "dismissed" and not note:
            raise ValidationError("排除（误报）须填写备注，说明理由。")
        if decision == "open" and self.status == "open":
            raise ValidationError("该发现已是待审核状态，无需重新打开。")
        return self._move(decision, note, reviewer=reviewer)

    def system_check(self, decision: str, evidence: str) -> Review:
        """The patrol's takedown check: verified_removed or not_fixed, with its evidence."""
        if decision not in ("verified_removed", "not_fixed"):
            raise ValueError(f"not a takedown verdict: {decision!r}")
        return self._move(decision, evidence, reviewer=None, checked=True)

    @transaction.atomic
    def _move(self, decision: str, note: str, *, reviewer: Any, checked: bool = False) -> Review:
        current = Finding.objects.select_for_update().get(pk=self.pk)
        now = timezone.now()
        rev = Review.objects.create(
            finding=self,
            reviewer=reviewer,
            reviewer_name=reviewer.get_username() if reviewer is not None else "",
            from_status=current.status,
            decision=decision,
            note=note,
        )
        self.status = decision
        fields = ["status", "updated_at"]
        if decision == "confirmed" and current.first_confirmed_at is None:
            self.first_confirmed_at = now
            fields.append("first_confirmed_at")
        if checked:
            self.checked_at = now
            fields.append("checked_at")
        self.save(update_fields=fields)
        return rev


class ReviewQuerySet(models.QuerySet):
    """Reviews are history: no bulk update or delete through the ORM."""

    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("审核记录不可修改")

    def delete(self):
        raise PermissionError("审核记录不可删除")


class Review(models.Model):
    """One status change of a finding: who (null = the patrol's takedown check), when, from → to, note."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="screen_reviews"
    )
    reviewer_name = models.CharField(max_length=150, blank=True, default="")  # kept if the user goes
    from_status = models.CharField(max_length=16, choices=Finding.STATUS, blank=True, default="")
    decision = models.CharField(max_length=16, choices=Finding.STATUS)  # the status it moved to
    note = models.TextField(blank=True, default="")  # the reviewer's note, or the patrol's evidence
    at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"

    @property
    def by_system(self) -> bool:
        return self.reviewer_id is None and not self.reviewer_name

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("审核记录一经写入不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审核记录不可删除")


class AllowEntry(models.Model):
    """An allowlist entry the bureau added when dismissing a finding; revoked, never deleted.

    scope ``phrase``: a hit whose text lies in ``phrase`` and whose context holds it, on any page;
    ``url``: every hit on that page or attachment; ``rule``: hits of that rule (or kind) on that URL.
    """

    SCOPES = [("phrase", "上下文短语"), ("url", "网址"), ("rule", "网址上的规则")]

    scope = models.CharField(max_length=8, choices=SCOPES)
    phrase = models.CharField(max_length=500, blank=True, default="")
    url = models.URLField(max_length=2000, blank=True, default="")
    kind = models.CharField(max_length=32, blank=True, default="")
    rule = models.CharField(max_length=200, blank=True, default="")
    note = models.TextField(blank=True, default="")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="allow_entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_by_name = models.CharField(max_length=150, blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "白名单条目"
        verbose_name_plural = "白名单条目"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_rule(self) -> dict[str, str]:
        """The plain dict ``screening.service.allowed`` matches hits against."""
        return {
            "scope": self.scope,
            "phrase": self.phrase,
            "url": self.url,
            "kind": self.kind,
            "rule": self.rule,
        }

    def revoke(self, user: Any) -> None:
        if self.revoked_at is not None:
            return
        self.revoked_at = timezone.now()
        self.revoked_by = user
        self.revoked_by_name = user.get_username() if user is not None else ""
        self.save(update_fields=["revoked_at", "revoked_by", "revoked_by_name"])


def active_allow_rules() -> list[dict[str, str]]:
    return [e.as_rule() for e in AllowEntry.objects.filter(revoked_at__isnull=True)]


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
