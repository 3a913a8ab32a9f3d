"""Alert transports: mail (Django's mail, SMTP settings from the environment) and the group
robots of 企业微信 and 钉钉 (plain HTTP with urllib).

Why plain HTTP rather than Apprise: both robots take one JSON POST and answer
``{"errcode": 0}``; 钉钉's signature is five lines of HMAC-SHA256. Plain urllib adds no
dependency, lets the tests assert the exact payload on a loopback receiver, and keeps the
webhook keys out of any third-party URL syntax. Apprise would bring a large plugin tree for
two endpoints.

``deliver`` never raises: a failing channel is retried (bounded), logged and reported as
failed; it never stops a patrol.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

log = logging.getLogger(__name__)

WECOM_MAX_BYTES = 4096  # 企业微信 markdown content limit
DINGTALK_MAX_BYTES = 20000


class ChannelError(RuntimeError):
    pass


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # plain text (mail)
    markdown: str  # robots


def _cut(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    tail = "\n…（内容过长，已截断，详见网页端）"
    return data[: limit - len(tail.encode("utf-8"))].decode("utf-8", "ignore") + tail


def webhook_url(channel: dict[str, Any]) -> str:
    url = os.environ.get(channel["url_env"], "") if channel.get("url_env") else ""
    url = url or channel.get("url") or ""
    if not url:
        raise ChannelError(f"环境变量 {channel.get('url_env')} 未设置（webhook 地址）")
    return url


def dingtalk_signed(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 signed webhook: timestamp and sign = base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    ts = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest).decode("ascii"))
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"


def _post_json(url: str, payload: dict, timeout: float) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured https/http URL
            answer = resp.read(65536)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"连接失败：{getattr(exc, 'reason', exc)}") from None
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        raise ChannelError("应答不是 JSON") from None
    if isinstance(data, dict) and data.get("errcode", 0) != 0:
        raise ChannelError(f"errcode {data.get('errcode')}: {data.get('errmsg', '')}")


def send_wecom(channel: dict, msg: Message, timeout: float) -> None:
    content = _cut(f"**{msg.subject}**\n{msg.markdown}", WECOM_MAX_BYTES)
    _post_json(webhook_url(channel), {"msgtype": "markdown", "markdown": {"content": content}}, timeout)


def send_dingtalk(channel: dict, msg: Message, timeout: float) -> None:
    url = webhook_url(channel)
    secret_env = channel.get("secret_env")
    if secret_env:
        secret = os.environ.get(secret_env, "")
        if not secret:
            raise ChannelError(f"环境变量 {secret_env} 未设置（钉钉加签密钥）")
        url = dingtalk_signed(url, secret)
    text = _cut(f"### {msg.subject}\n{msg.markdown}", DINGTALK_MAX_BYTES)
    _post_json(url, {"msgtype": "markdown", "markdown": {"title": msg.subject, "text": text}}, timeout)


def send_email(channel: dict, msg: Message, timeout: float) -> None:
    from django.core.mail import EmailMessage, get_connection

    try:
        connection = get_connection(timeout=timeout)
    except TypeError:  # a backend without a timeout (locmem, console)
        connection = get_connection()
    try:
        EmailMessage(msg.subject, msg.text, to=list(channel["to"]), connection=connection).send()
    except OSError as exc:  # smtplib errors are OSError subclasses
        raise ChannelError(f"邮件发送失败：{exc}") from None


SENDERS = {"email": send_email, "wecom": send_wecom, "dingtalk": send_dingtalk}


def deliver(channel: dict, msg: Message, settings: dict, sleep=time.sleep) -> bool:
    """Send with bounded retries; log every failure (never the webhook URL: it holds the key)."""
    tries = 1 + int(settings.get("retries", 3))
    delay = float(settings.get("retry_delay_seconds", 2))
    timeout = float(settings.get("timeout_seconds", 10))
    for attempt in range(1, tries + 1):
        try:
            SENDERS[channel["type"]](channel, msg, timeout)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure of a channel is logged, never raised
            log.warning("alert channel %s: attempt %d/%d failed: %s", channel["name"], attempt, tries, exc)
            if attempt < tries and delay:
                sleep(delay * attempt)
    log.error("alert channel %s: gave up after %d attempts (%s)", channel["name"], tries, msg.subject)
    return False
