"""The page django-axes shows a locked-out login: what happened, when it ends, the way back."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


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
            AccessAttempt.objects.filter(username=username, ip_address=get_client_ip_address(request))
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
