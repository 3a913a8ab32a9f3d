"""Cron expressions from ``patrol.yaml`` with standard crontab meaning.

APScheduler 3.x numbers weekdays from Monday = 0, unlike crontab (Sunday = 0 or 7), so
``CronTrigger.from_crontab("0 1 * * 1")`` would fire on Tuesdays. Numeric weekday fields
are rewritten to day names first; names (``mon``, ``mon-fri``) pass through unchanged.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekday_values(part: str) -> list[int]:
    m = re.fullmatch(r"(\*|\d+)(?:-(\d+))?(?:/(\d+))?", part)
    if not m:
        raise ValueError(f"bad weekday {part!r}")
    first, last, step = m.group(1), m.group(2), int(m.group(3) or 1)
    if first == "*":
        lo, hi = 0, 6
    else:
        lo = int(first)
        hi = int(last) if last is not None else (7 if m.group(3) else lo)
    if not (0 <= lo <= 7 and 0 <= hi <= 7) or lo > hi or step < 1:
        raise ValueError(f"bad weekday {part!r} (0-7, Sunday is 0 or 7)")
    return list(range(lo, hi + 1, step))


def crontab_weekdays(field: str) -> str:
    """``1-5`` -> ``mon,tue,wed,thu,fri``; ``0,6`` -> ``sun,sat``; names are kept."""
    if field == "*" or not re.search(r"\d", field):
        return field
    out: list[str] = []
    for part in field.split(","):
        if re.search(r"[a-z]", part, re.I):
            out.append(part)
            continue
        for n in _weekday_values(part):
            name = _DAYS[n % 7]
            if name not in out:
                out.append(name)
    return ",".join(out)


def cron_trigger(expr: str, timezone: tzinfo) -> CronTrigger:
    """A trigger for a 5-field crontab expression; ``ValueError`` says what is wrong."""
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=crontab_weekdays(weekday),
        timezone=timezone,
    )


def describe(trigger: object) -> str:
    """A stable text for a trigger, to tell whether a stored job's schedule changed."""
    return f"{trigger}@{getattr(trigger, 'timezone', '')}"
