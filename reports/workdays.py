"""Working days on China's official calendar, with 调休 (adjusted weekend working days).

The calendar is the maintained ``chinesecalendar`` package (``import chinese_calendar``), which
encodes the State Council's yearly holiday notices: statutory holidays are off, the adjusted
Saturdays and Sundays are on.

Convention: ``working_days_between(formed, published)`` counts the working days ``d`` with
``formed < d <= published`` — the day a document is formed (成文日期) is day 0, the next working
day is day 1, and the publish day counts when it is a working day. A publish date on or
before the formed date gives 0.

Years the package does not cover (it knows the years whose holiday notice existed when it was
released; 1.11 covers 2004–2026): those days fall back to Monday–Friday, and the count says so
(``WorkdayCount.approximate``). The timeliness report marks such findings
``"calendar": "approximate"`` rather than refusing to judge: a supervisor still sees the item,
and knows to check the few days around that year's holidays by hand. Updating the package
(``pip install -U chinesecalendar``) removes the approximation for newly covered years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class WorkdayCount:
    days: int
    approximate: bool  # some day fell outside the calendar package's years (Mon–Fri used there)


@lru_cache(maxsize=8192)
def _official(d: date) -> bool | None:
    """The official answer, or None when the package does not cover ``d``'s year."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


def covered(d: date) -> bool:
    """True when the calendar package knows ``d``'s year."""
    return _official(d) is not None


def is_workday(d: date) -> bool:
    """Official working day; Monday–Friday for years the package does not cover."""
    official = _official(d)
    return official if official is not None else d.weekday() < 5


def count_working_days(formed: date, published: date) -> WorkdayCount:
    """Working days ``d`` with ``formed < d <= published``, and whether any was approximated."""
    n, approximate = 0, False
    d = formed + timedelta(days=1)
    while d <= published:
        official = _official(d)
        if official is None:
            approximate = True
            official = d.weekday() < 5
        n += official
        d += timedelta(days=1)
    return WorkdayCount(n, approximate)


def working_days_between(formed: date, published: date) -> int:
    """Number of working days after ``formed`` up to and including ``published`` (see module doc)."""
    return count_working_days(formed, published).days
