"""Date parsing for list rows and detail pages.

Formats: 2012-03-05, [2012-03-05], 2012/03/05, 2012.03.05, 2012年3月5日, 发布时间：2012-03-05 10:20:11,
发布日期：2012年03月05日, and the partial MM-DD / [03-05] / 3月5日 that some lists show.
"""

from __future__ import annotations

import datetime as dt

from . import patterns as P


def _mkdate(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_dates(text: str | None) -> list[dt.date]:
    """Every full (year-month-day) date in ``text``, in order of appearance."""
    if not text:
        return []
    out = []
    for m in P.FULL_DATE_RE.finditer(text):
        d = _mkdate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append(d)
    return out


def parse_date(text: str | None) -> dt.date | None:
    """The first full date in ``text``, or None."""
    found = parse_dates(text)
    return found[0] if found else None


def parse_datetime_str(text: str | None) -> str | None:
    """First full date with its time as written, normalised to ``YYYY-MM-DD[ HH:MM[:SS]]``."""
    if not text:
        return None
    for m in P.FULL_DATE_RE.finditer(text):
        d = _mkdate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if not d:
            continue
        out = d.isoformat()
        if m.group(4) is not None and int(m.group(4)) < 24 and int(m.group(5)) < 60:
            out += f" {int(m.group(4)):02d}:{int(m.group(5)):02d}"
            if m.group(6) is not None:
                out += f":{int(m.group(6)):02d}"
        return out
    return None


def is_date_only(text: str) -> bool:
    """True when ``text`` is nothing but a (full or partial) date, with brackets/labels/times around it."""
    if not text or not any(c.isdigit() for c in text):
        return False
    m = P.FULL_DATE_RE.search(text) or P.PARTIAL_DATE_RE.search(text)
    if not m:
        return False
    rest = P.DATE_LABEL_PREFIX_RE.sub("", text[: m.start()]) + " " + text[m.end() :]
    rest = P.DATE_ONLY_NOISE_RE.sub("", rest)
    return rest == ""


def row_date(text: str | None) -> tuple[dt.date | None, tuple[int, int] | None]:
    """(full date, None) or (None, (month, day)) or (None, None) for the text of one list row's date.

    The partial form is only recognised when the text is nothing but that date, so that titles like
    "1-10月" never read as a date.
    """
    if not text:
        return None, None
    d = parse_date(text)
    if d:
        return d, None
    if is_date_only(text):
        m = P.PARTIAL_DATE_RE.search(text)
        if m:
            mo, da = int(m.group(1)), int(m.group(2))
            if 1 <= mo <= 12 and 1 <= da <= 31 and _mkdate(2000, mo, da):
                return None, (mo, da)
    return None, None


def resolve_partial(partial: tuple[int, int], today: dt.date) -> dt.date | None:
    """The most recent date on or before ``today`` with that month and day."""
    mo, da = partial
    for year in range(today.year, today.year - 5, -1):
        d = _mkdate(year, mo, da)
        if d and d <= today:
            return d
    return None


def url_date(url: str) -> dt.date | None:
    """Date encoded in an article URL (t20120305_1.html, /2012-03-05/, /art/2012/3/5/): a hint only."""
    m = P.COMPACT_URL_DATE_RE.search(url)
    if m:
        d = _mkdate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d
    m = P.PATH_URL_DATE_RE.search(url)
    if m:
        return _mkdate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0}


def _cn_number(text: str) -> int | None:
    """Arabic digits, or Chinese numerals as written in dates: 二〇二一, 十二, 二十六, 三十一."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _CN_DIGITS.get(head, -99) if head else 1
        ones = _CN_DIGITS.get(tail, -99) if tail else 0
        value = tens * 10 + ones
        return value if value > 0 else None
    digits = [_CN_DIGITS.get(c) for c in text]
    return int("".join(str(d) for d in digits)) if digits and None not in digits else None


def signature_date(line: str) -> dt.date | None:
    """The date of a 公文 signature line: the line is only a date written 年月日 (2017 年 6 月 21 日,
    二〇二一年三月二十六日); None for anything else."""
    m = P.SIGNATURE_DATE_RE.match(line)
    if not m:
        return None
    parts = [_cn_number(g) for g in m.groups()]
    if None in parts:
        return None
    return _mkdate(*parts)
