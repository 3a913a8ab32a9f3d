"""The page django-axes shows a locked-out login: what happened, when it ends, the way back."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The address a lockout is counted for: the connection's, or behind a reverse proxy
    (``PATROL_BEHIND_PROXY=1``) the last address the proxy appended to X-Forwarded-For (what
    a client writes in front of it is not trusted)."""
    if getattr(settings, "PATROL_TRUST_X_FORWARDED_FOR", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def _duration(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    return "".join([f"{hours} 小时" if hours else "", f"{minutes} 分钟" if minutes else ""])


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    ends = None
    if cool_off:
        last = (
            AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)
            .first()
        )
        ends = (last or timezone.now()) + cool_off
    context = {
        "username": username,
        "failure_limit": get_failure_limit(request, credentials),
        "duration": _duration(cool_off) if cool_off else "",
        "ends": timezone.localtime(ends) if ends else None,
    }
    return render(request, "web/lockout.html", context, status=429)
