"""Inspection data the crawl does not own: reachability probes, 政务咨询 messages, 错敏 decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

FAILURE_KINDS = [
    ("timeout", "超时"),
    ("refused", "拒绝连接"),
    ("reset", "连接被重置"),
    ("dns", "域名解析失败"),
    ("tls", "证书或加密连接错误"),
    ("http_5xx", "服务器错误（5xx）"),
    ("http_4xx", "页面不存在或拒绝访问（4xx）"),
    ("soft_error", "错误提示页"),
    ("offsite_redirect", "跳转到范围外"),
    ("other", "其他错误"),
]


class Probe(models.Model):
    """One GET of a site's homepage (``patrol probe``): loaded or not, and why not."""

    site = models.ForeignKey(
        "crawler.Site", on_delete=models.CASCADE, related_name="probes", verbose_name="网站"
    )
    at = models.DateTimeField("探测时间", db_index=True)
    ok = models.BooleanField("正常")
    status = models.IntegerField("HTTP 状态", null=True, blank=True)  # the final HTTP status, when one came
    elapsed_ms = models.IntegerField("耗时（毫秒）", null=True, blank=True)
    failure = models.CharField("失败类型", max_length=20, choices=FAILURE_KINDS, blank=True, default="")
    url = models.URLField("最终地址", max_length=2000, blank=True, default="")  # the URL that answered last
    detail = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["site", "at"])]
        verbose_name = verbose_name_plural = "可访问性探测"

    def __str__(self) -> str:
        return f"{self.site_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.failure}"


class Message(models.Model):
    """One citizen message in a 政务咨询 column (县长信箱, 咨询, 问政 …) as the crawl read it."""

    site = models.ForeignKey(
        "crawler.Site", on_delete=models.CASCADE, related_name="messages", verbose_name="网站"
    )
    column_url = models.URLField("栏目地址", max_length=1000)
    column_name = models.CharField("栏目", max_length=200, blank=True, default="")
    url = models.URLField("留言地址", max_length=2000)
    title = models.CharField("标题", max_length=1000, blank=True, default="")
    asked = models.DateField("留言日期", null=True, blank=True)
    replied = models.DateField("回复日期", null=True, blank=True)
    state = models.CharField(
        "办理状态", max_length=100, blank=True, default=""
    )  # 尚未回复, 办理中, 已回复 … as shown
    first_seen_run = models.ForeignKey(
        "crawler.PatrolRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_run = models.ForeignKey(
        "crawler.PatrolRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        unique_together = [("site", "url")]
        verbose_name = verbose_name_plural = "政务咨询留言"

    def __str__(self) -> str:
        return f"{self.site_id}:{self.title[:30]}"


class WordingDecision(models.Model):
    """The information centre's decision on a wording_error / watch_name finding (错敏 queue).

    Keyed by the page URL and the wrong text: the same wrong form on the same page stays decided
    through later patrols; on another page it is a new finding.
    """

    DECISIONS = [("ignore", "忽略（非错误）"), ("fixed", "已整改")]
    url = models.URLField("页面", max_length=2000)
    text = models.CharField("原文", max_length=200)
    decision = models.CharField("处理", max_length=10, choices=DECISIONS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="处理人",
    )
    at = models.DateTimeField("处理时间", auto_now=True)
    note = models.CharField("备注", max_length=500, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["url", "text"], name="wording_decision_once")]
        verbose_name = verbose_name_plural = "错敏信息处理"

    def __str__(self) -> str:
        return f"{self.text} @ {self.url}: {self.decision}"
