"""互动回应: 政务咨询 columns, their message lists and message pages, and the two rules.

``is_consult_column(name, url)``: 县长信箱, 书记信箱, 领导信箱, 咨询, 问政, 留言 … and never
在线访谈, 意见征集, 调查, 信访, 纪检, 举报 (RULES.md: 互动回应差). ``interaction_links`` finds a
page's links to its 互动交流 section, ``consult_links`` the links that name consult columns (the
homepage, the 互动交流 page, wherever the site puts them).

``parse_message_list(url, html)``: a table or list whose header row names its columns (标题,
来信时间, 回复时间, 状态 …: any element whose children read as such labels, so ``<tr><th>`` and
``<ul><li><span>`` grids alike) gives each row's cells by column; without a header, each row with a
link and a date gives its dates in order (asked, then replied) and a state word found in it.
The pager is read by ``crawler.extract.parse_list``.

``parse_message_page(url, html)``: labelled dates (来信时间/留言时间/提问时间 …, 回复时间/答复时间/
办结时间 …), a 状态 label or a state word (已回复 when the page shows a reply text and no state),
and the texts after 来信内容/留言内容 … and 回复内容/答复内容 ….

``judge_message(asked, replied, state, as_of)``: ``unanswered_message`` when a message asked in
the year before ``as_of`` has no reply more than 3 calendar months after it was asked;
``slow_reply`` when the reply came more than 5 working days after the message (working days on
China's official calendar with 调休: ``reports.workdays``; the day asked is day 0).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract.dates import parse_date, parse_dates
from reports.workdays import count_working_days

from .dom import parse, text_of

CONSULT_NAME = re.compile(
    r"信箱|咨询|问政|留言|来信|选登|有问必答|网上问答|民意直通|百姓呼声|诉求|书记.{0,2}信|市长热线|县长热线|12345"
)
NOT_CONSULT = re.compile(
    r"访谈|征集|调查|投票|信访|纪检|纪委|监察|举报|检举|控告|满意度|知识库|常见问题|热点回应"
)
CONSULT_URL = re.compile(r"mailbox|xinxiang|zxzx|consult|liuyan|wenzheng|ldxx|xzxx|sjxx", re.I)

# reply states, unanswered first (未回复 holds 回复)
UNANSWERED_STATES = (
    "尚未回复", "暂未回复", "未回复", "待回复", "未答复", "待答复", "尚未答复", "未办结", "未处理", "待处理",
    "办理中", "处理中", "正在办理", "正在处理", "受理中", "已受理", "转办中", "已转办", "待审核", "审核中",
    "未反馈", "待反馈", "未阅批",
)  # fmt: skip
ANSWERED_STATES = (
    "已回复",
    "已答复",
    "已办结",
    "已处理",
    "已解答",
    "已完成",
    "已反馈",
    "已阅批",
    "办结",
    "已回",
    "完成",
)
_STATE_RE = re.compile("|".join(sorted(UNANSWERED_STATES + ANSWERED_STATES, key=len, reverse=True)))

HEADER_ROLES = (  # (role, label pattern); first match wins, so 回复时间 is not read as 时间
    ("replied", re.compile(r"^(回复|答复|办结|回信|处理|反馈)(时间|日期)$")),
    ("state", re.compile(r"^(办理|回复|处理|答复|受理)?(状态|情况)$|^是否(回复|办结|答复)$")),
    ("asked", re.compile(r"^(来信|留言|提问|咨询|写信|提交|发布|发信|投诉|受理)?(时间|日期)$")),
    ("title", re.compile(r"^(信件|留言|来信|咨询|问题)?(标题|主题|事项|名称|内容)$")),
)
ASKED_LABEL = r"(?:来信|留言|提问|咨询|写信|提交|发信|投诉|来件)(?:时间|日期)"
REPLIED_LABEL = r"(?:回复|答复|办结|回信|反馈)(?:时间|日期)"
QUESTION_LABEL = r"(?:来信|留言|咨询|信件|投诉|提问)(?:内容|详情)|问题(?:内容|描述)"
REPLY_LABEL = r"(?:回复|答复|办理)(?:内容|意见|结果)|回复详情"
STATE_LABEL = r"(?:办理|回复|处理|答复)?状态"


@dataclass(frozen=True)
class MessageRow:
    url: str
    title: str
    asked: dt.date | None
    replied: dt.date | None
    state: str | None


@dataclass
class MessageList:
    rows: list[MessageRow] = field(default_factory=list)
    next_url: str | None = None


@dataclass(frozen=True)
class MessageDetail:
    asked: dt.date | None
    replied: dt.date | None
    state: str | None
    question_text: str
    reply_text: str


@dataclass(frozen=True)
class MessageVerdict:
    kind: str  # unanswered_message | slow_reply
    days: int  # unanswered: days from asked to as_of; slow_reply: calendar days asked -> replied
    workdays: int | None = None  # slow_reply: working days asked -> replied
    approximate: bool = False  # a day outside the official calendar's years was counted Mon-Fri


# ----------------------------------------------------------------------------- columns


def is_consult_column(name: str, url: str = "") -> bool:
    """A 政务咨询 column (letters to leaders, consultation, 问政), not interviews, surveys, 信访 or 纪检."""
    name = re.sub(r"\s+", "", name or "")
    if NOT_CONSULT.search(name):
        return False
    if CONSULT_NAME.search(name):
        return True
    return not name and bool(CONSULT_URL.search(urlsplit(url or "").path))


INTERACTION_NAME = re.compile(
    r"^(?:互动交流|政民互动|互动|公众参与|互动参与|政民交流|互动平台|民意征集与互动|参与互动)$"
)


def _page_links(page_url: str, html: str) -> list[tuple[str, str]]:
    root = parse(html)
    base = _base(page_url, root)
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        name = re.sub(r"\s+", "", a.get("title") or text_of(a))
        if name:
            out.append((name, urljoin(base, href)))
    return out


def interaction_links(page_url: str, html: str) -> list[str]:
    """Links to a site's 互动交流 section (互动交流, 政民互动, 公众参与 …): where consult columns live."""
    return list(dict.fromkeys(u for n, u in _page_links(page_url, html) if INTERACTION_NAME.match(n)))


def consult_links(page_url: str, html: str) -> list[tuple[str, str]]:
    """(name, URL) of every link on a page that names a 政务咨询 column (is_consult_column)."""
    found = {}
    for name, url in _page_links(page_url, html):
        if len(name) <= 12 and is_consult_column(name, url):
            found.setdefault(url, name)
    return [(n, u) for u, n in found.items()]


def answered(state: str | None) -> bool | None:
    """True for a replied/closed state, False for a pending one, None when unknown."""
    if not state:
        return None
    m = _STATE_RE.search(state)
    if not m:
        return None
    return m.group(0) not in UNANSWERED_STATES


def find_state(text: str) -> str | None:
    m = _STATE_RE.search(text or "")
    return m.group(0) if m else None


# ----------------------------------------------------------------------------- lists


def _cells(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and c.tag not in ("script", "style")]


def _role(text: str) -> str | None:
    text = re.sub(r"[\s:：]+", "", text)
    if not text or len(text) > 8:
        return None
    for role, rx in HEADER_ROLES:
        if rx.search(text):
            return role
    return None


def _header(root: etree._Element) -> tuple[etree._Element, dict[int, str]] | None:
    """The first element whose children read as column labels (two or more, one a date or a state)."""
    for el in root.iter("tr", "ul", "ol", "dl", "div", "thead", "li", "p"):
        cells = _cells(el)
        if len(cells) < 2 or len(cells) > 12:
            continue
        roles = {}
        for i, c in enumerate(cells):
            if c.find(".//a[@href]") is not None and c.tag != "th":
                roles = {}
                break
            role = _role(text_of(c))
            if role and role not in roles.values():
                roles[i] = role
        if len(roles) >= 2 and {"asked", "replied", "state"} & set(roles.values()):
            return el, roles
    return None


def _row_link(row: etree._Element, base: str) -> tuple[str, str] | None:
    for a in row.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "#", "mailto:")):
            title = (a.get("title") or text_of(a)).strip()
            if title:
                return urljoin(base, href), title
    return None


def _data_rows(header: etree._Element) -> list[etree._Element]:
    """Rows after the header: later elements of its tag with as many cells (a <tr> after <th>s, an
    <li> of another <ul> after a header <li>), up to the next header-like element."""
    width = len(_cells(header))
    rows = []
    for el in header.itersiblings():
        if el.tag == header.tag and len(_cells(el)) == width:
            rows.append(el)
    if rows:
        return rows
    for el in header.xpath("following::*[name()=$t]", t=header.tag)[:500]:
        if len(_cells(el)) == width and el.find(".//a[@href]") is not None:
            rows.append(el)
    return rows


def _base(url: str, root) -> str:
    b = root.find(".//base[@href]")
    return urljoin(url, b.get("href")) if b is not None else url


def parse_message_list(url: str, html: str) -> MessageList:
    """The rows of a letter-box list page and the next page's URL."""
    root = parse(html)
    base = _base(url, root)
    rows: list[MessageRow] = []
    found = _header(root)
    if found:
        header, roles = found
        for row in _data_rows(header):
            cells = _cells(row)
            link = _row_link(row, base)
            if not link:
                continue
            values: dict[str, str] = {}
            for i, role in roles.items():
                if i < len(cells):
                    values[role] = text_of(cells[i])
            state = values.get("state")
            rows.append(
                MessageRow(
                    url=link[0],
                    title=link[1],
                    asked=parse_date(values.get("asked")),
                    replied=parse_date(values.get("replied")),
                    # a state word only (a cell reading 查看详情 says nothing)
                    state=find_state(state if state is not None else text_of(row)),
                )
            )
    else:
        rows = _generic_rows(root, base)
    return MessageList(rows=list({r.url: r for r in rows}.values()), next_url=_next_url(url, html))


ROW_TAGS = ("li", "tr", "dd", "dl", "div", "p", "section", "article")


def _generic_rows(root, base: str) -> list[MessageRow]:
    """Rows without a header: for each link, the nearest enclosing block (li, tr, div …, at most
    three links inside) that shows a date besides the link's own text."""
    out, seen = [], set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        row = a.getparent()
        for _ in range(4):
            if row is None or len([x for x in row.iter("a") if x.get("href")]) > 3:
                row = None
                break
            if row.tag in ROW_TAGS:
                link = _row_link(row, base)
                text = text_of(row)
                if link and parse_dates(text.replace(link[1], " ")):
                    break
            row = row.getparent()
        else:
            row = None
        if row is None or id(row) in seen:
            continue
        seen.add(id(row))
        link = _row_link(row, base)
        text = text_of(row)
        dates = parse_dates(text.replace(link[1], " "))
        asked = dates[0]
        replied = next((d for d in dates[1:] if d >= asked), None)
        out.append(MessageRow(link[0], link[1], asked, replied, find_state(text)))
    return out


def _next_url(url: str, html: str) -> str | None:
    try:
        from crawler.extract import parse_list

        return parse_list(url, html).next_url
    except Exception:  # noqa: BLE001 - a pager we cannot read is no next page
        return None


# ----------------------------------------------------------------------------- message pages


def _block_text(root: etree._Element) -> str:
    """The page's text with a line break between blocks and table cells."""
    parts: list[str] = []
    blocks = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "td",
        "th",
        "dd",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "table",
        "section",
    }

    def walk(node) -> None:
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript", "head", "template"):
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag in blocks:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node.tag in blocks:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _labelled_date(text: str, label: str) -> dt.date | None:
    m = re.search(label + r"\s*[:：]?\s*\n?\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})", text)
    return parse_date(m.group(1).replace(" ", "")) if m else None


_ANY_LABEL = re.compile(
    rf"(?:^|\n)\s*(?:{QUESTION_LABEL}|{REPLY_LABEL}|{ASKED_LABEL}|{REPLIED_LABEL}|{STATE_LABEL}|"
    r"回复单位|答复单位|办理单位|来信人|留言人|标题|主题|信件编号|编号|发布(?:时间|日期)|来源|浏览次数|点击数|"
    r"主办单位|主办|承办|版权所有|网站标识码|【)\s*[:：]?"
)


def _section(text: str, label: str) -> str:
    m = re.search(rf"(?:^|\n)\s*(?:{label})\s*[:：]?", text)
    if not m:
        return ""
    rest = text[m.end() :]
    nxt = _ANY_LABEL.search(rest)
    return " ".join((rest[: nxt.start()] if nxt else rest).split())


def parse_message_page(url: str, html: str) -> MessageDetail:
    """Asked and reply dates, the reply state and both texts of one message page."""
    text = _block_text(parse(html))
    asked = _labelled_date(text, ASKED_LABEL)
    replied = _labelled_date(text, REPLIED_LABEL)
    sm = re.search(rf"{STATE_LABEL}\s*[:：]?\s*\n?\s*([^\n]{{1,12}})", text)
    state = find_state(sm.group(1)) if sm else None
    reply_text = _section(text, REPLY_LABEL)
    if state is None:
        state = find_state(text)
    if state is None and reply_text:
        state = "已回复"  # the page shows a reply but names no state
    return MessageDetail(asked, replied, state, _section(text, QUESTION_LABEL), reply_text)


# ----------------------------------------------------------------------------- rules


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def judge_message(
    asked: dt.date | None,
    replied: dt.date | None,
    state: str | None,
    as_of: dt.date,
    unanswered_months: int = 3,
    reply_workdays: int = 5,
) -> MessageVerdict | None:
    """The finding a message earns as of ``as_of``, or None (see the module doc).

    Only messages asked within the year before ``as_of`` (and not after it) are judged.  A
    message with a reply date is answered; one without is unanswered unless its state says it
    was replied (then nothing can be measured).
    """
    if asked is None or asked > as_of or asked <= add_months(as_of, -12):
        return None
    if replied is not None and replied >= asked:
        count = count_working_days(asked, replied)
        if count.days > reply_workdays:
            return MessageVerdict("slow_reply", (replied - asked).days, count.days, count.approximate)
        return None
    if answered(state):
        return None
    if as_of > add_months(asked, unanswered_months):
        return MessageVerdict("unanswered_message", (as_of - asked).days)
    return None
