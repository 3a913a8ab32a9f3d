"""``parse_detail``: an article page -> title, dates, 索引号/文号/发布机构/来源, attachments, soft-404.

Publish date, one chain: a 发布日期/发布时间 label (in text or metadata-table cells), a bare
时间/日期 label near the title, an unlabelled byline date under the title, then meta PubDate (or
firstpublishedtime …) as the fallback. Labels may be split by &ensp; or spaces (索&ensp;引&ensp;号)
and values may sit in a child element; '无' means no value. 成文日期 is the written date;
page-generation times (Maketime, 页面生成时间) are never publish dates. A 公文 with no metadata
table (its title says "…关于…的通知/决定/…", or a 文号 was found) gets its 文号 from the title's
closing brackets or a line that is only a 文号, and its 成文日期 from its signature line; nowhere
else is unlabelled body text read (a body quotes other documents' numbers and dates).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import patterns as P
from .dates import is_date_only, parse_date, parse_datetime_str, signature_date
from .dom import Doc, class_id, collapse, norm_space, text_lines
from .links import is_attachment_url, link_of
from .markers import markers


@dataclass
class Attachment:
    url: str
    name: str


@dataclass
class Detail:
    title: str | None
    publish_date: dt.date | None
    publish_datetime: str | None
    written_date: dt.date | None
    index_no: str | None
    doc_no: str | None
    publisher: str | None
    source: str | None
    attachments: list[Attachment]
    soft_404: bool
    text: str
    publish_date_from: str | None = None  # "label", "byline", "meta" or None
    fields: dict[str, str] = field(default_factory=dict)  # every labelled value found, raw


def _label_re(label: str) -> str:
    return r"\s*".join(re.escape(c) for c in label)


def _field_regex(labels: tuple[str, ...], strict_prefix: bool) -> re.Pattern:
    """label, then a colon, a cell break, or plain space before a date (成文日期 2020-03-17)."""
    alts = "|".join(_label_re(lb) for lb in sorted(labels, key=len, reverse=True))
    pre = r"(?<![\u4e00-\u9fff])" if strict_prefix else ""
    sep = r"\s*(?:[:：]|\t|(?=\s*(?:19|20)\d{2}\s*[-/.年]))"
    return re.compile(pre + r"(?:" + alts + r")" + sep + r"\s*(?P<v>[^\t]*)")


_FIELD_RES = {
    k: tuple(
        _field_regex(labels, strict)
        for labels, strict in (
            (tuple(lb for lb in v if len(lb) >= 3), False),
            (tuple(lb for lb in v if len(lb) < 3), True),
        )
        if labels
    )
    for k, v in P.LABELS.items()
}
_WEAK_PUBLISH_RE = _field_regex(P.WEAK_PUBLISH_LABELS, True)
_NEXT_LABEL_RE = re.compile(r"\s+[\u4e00-\u9fff][\u4e00-\u9fff\s]{1,9}[:：]")


_ANY_LABEL_RE = re.compile(
    r"^(?:"
    + "|".join(
        _label_re(lb)
        for lb in sorted({*sum(P.LABELS.values(), ()), *P.OTHER_META_LABELS}, key=len, reverse=True)
    )
    + r")\s*(?:[:：]|$)"
)


def _clean_value(v: str) -> str | None:
    v = _NEXT_LABEL_RE.split(v, maxsplit=1)[0].strip()
    v = v.strip(" 　\u2002\u2003;；,，【】[]")
    if not v or P.NO_VALUE_RE.match(v) or re.match(r"^[\u4e00-\u9fff]{1,6}[:：]", v):
        return None
    if _ANY_LABEL_RE.match(v):  # an empty cell: the next cell's label is not this field's value
        return None
    return v


def has_label(lines: list[str], key: str) -> bool:
    """The page labels this field, even with no value (文号：无, an empty 文号 cell)."""
    return any(rx.search(line) for line in lines for rx in _FIELD_RES[key])


def labelled(lines: list[str], key: str) -> list[str]:
    """Values of a labelled field in document order (raw, cleaned; '无' dropped)."""
    out = []
    for line in lines:
        for rx in _FIELD_RES[key]:
            for m in rx.finditer(line):
                v = _clean_value(m.group("v"))
                if v:
                    out.append((m.start(), v))
        if out:
            break
    return [v for _, v in sorted(out)]


def _labelled_dates(lines: list[str], key: str | None, rx: re.Pattern | None = None) -> list[tuple[int, str]]:
    """(line index, value) of every labelled date, in document order."""
    out = []
    for i, line in enumerate(lines):
        regexes = _FIELD_RES[key] if key else (rx,)
        for r in regexes:
            for m in r.finditer(line):
                v = m.group("v")
                if re.match(r"^[\u4e00-\u9fff]{1,6}\s*[:：]", v):
                    continue  # an empty field: the text after it is the next field's
                v = _NEXT_LABEL_RE.split(v, maxsplit=1)[0]
                if not v.strip() and i + 1 < len(lines) and is_date_only(lines[i + 1]):
                    v = lines[i + 1]
                if parse_date(v[:40]):
                    out.append((i, v[:40]))
    return out


def _labelled_date(
    lines: list[str], key: str | None, rx: re.Pattern | None = None, after: int | None = None
) -> tuple[dt.date | None, str | None]:
    """The first labelled date. With ``after`` (the title's line): when the label repeats on
    several lines (a sidebar's rows, each "标题 发布时间：…"), only one at or after the title."""
    found = _labelled_dates(lines, key, rx)
    if after is not None and len({i for i, _ in found}) >= P.LIST_LABEL_REPEATS:
        found = [(i, v) for i, v in found if i >= after]
    if not found:
        return None, None
    v = found[0][1]
    return parse_date(v), parse_datetime_str(v)


def _byline_date(lines: list[str]) -> tuple[dt.date | None, str | None]:
    """An unlabelled byline under the title: a short line that starts with a full date and holds no
    sentence ("2020-12-05 中国福彩网", "2020年12月05日 10:20 来源：…")."""
    for line in lines:
        text = collapse(line)
        m = P.FULL_DATE_RE.match(text)
        if m and len(text) <= P.BYLINE_MAX_CHARS and not P.SENTENCE_PUNCT_RE.search(text):
            if not P.CLOCK_RE.search(text):
                return parse_date(m.group(0)), parse_datetime_str(m.group(0))
    return None, None


def _meta_publish(doc: Doc) -> tuple[dt.date | None, str | None]:
    for name in P.PUBLISH_META_NAMES:
        v = doc.meta.get(name)
        if v:
            d = parse_date(v)
            if d:
                return d, parse_datetime_str(v)
    return None, None


def _in_banner(doc: Doc, el) -> bool:
    if doc.is_nav(el):
        return True
    return any(
        P.BANNER_CLASS_RE.search(class_id(a)) for a in [el, *el.iterancestors()] if isinstance(a.tag, str)
    )


def _title(doc: Doc) -> str | None:
    """meta ArticleTitle; else the longest heading (or *title* element) that the <title> contains
    (titles are "article_column_site" or "site--article"), logos and banners aside; else a heading
    equal to a <title> part; else the <title>'s first part."""
    for name in P.TITLE_META_NAMES[:1]:
        if doc.meta.get(name):
            return norm_space(doc.meta[name])
    full = collapse(doc.title)
    parts = [p for p in P.TITLE_SPLIT_RE.split(doc.title) if p]
    heads = []
    for el in doc.root.iter("h1", "h2", "h3", "h4", "div", "p", "span", "td", "strong", "font", "b"):
        if el.tag not in ("h1", "h2", "h3", "h4") and "title" not in (el.get("class") or "").lower():
            continue
        h = norm_space(el.text_content())
        if 2 <= len(h) <= 200 and not _in_banner(doc, el):
            heads.append(h)
    contained = [h for h in heads if len(h) >= 4 and collapse(h) in full]
    if contained:
        return max(contained, key=len)
    in_parts = [h for h in heads if h in parts]
    if in_parts:
        return max(in_parts, key=len)
    if len(parts) <= 1:  # the <title> is only the site's name: the page's own heading
        own = [h for h in heads if len(h) >= 6 and not re.search(r"[:：]", h)]
        if own:
            return max(own, key=len)
    return parts[0] if parts else (heads[0] if heads else None)


def _title_line(lines: list[str], title: str | None) -> int:
    """Index of the body line that shows the title (0 when it is not found)."""
    if title:
        key = collapse(title)
        for i, line in enumerate(lines):
            if key and key in collapse(line):
                return i
    return 0


def _official_doc_no(lines: list[str], title: str | None, start: int) -> str | None:
    """An unlabelled 文号: in brackets at the end of the title, else a line that is only a 文号
    (the centred line under the masthead, before the text)."""
    m = P.TITLE_DOC_NO_RE.search(title or "")
    if m:
        return collapse(m.group(1))
    for line in lines[start : start + 12]:
        if P.DOC_NO_LINE_RE.match(collapse(line).replace(" ", "")):
            return collapse(line).replace(" ", "")
    return None


def _signature_written(lines: list[str], start: int, pub: dt.date | None) -> dt.date | None:
    """An unlabelled 成文日期: the first line after the title that is only a 年月日 date (the
    signature), when it is not after publication nor more than a year before it."""
    for line in lines[start + 1 :]:
        d = signature_date(line)
        if d is None:
            continue
        if pub is not None and not (0 <= (pub - d).days <= P.SIGNATURE_MAX_DAYS):
            return None
        return d
    return None


def _looks_like_attachment(text: str) -> bool:
    """Either half of ``is_attachment_url`` found anywhere in ``text``."""
    return bool(P.ATTACHMENT_EXT_RE.search(text) or P.DOWNLOAD_URL_RE.search(text))


def _attachments(doc: Doc) -> list[Attachment]:
    """The page's attachment links, first occurrence of each URL, named as ``doc_links`` names
    them (text, else an image's alt/title, else the link's title, else the file name); only the
    links that are attachments are looked at further."""
    out, seen = [], set()
    # A link's absolute URL joins the base's folders to the href with a "/" (or takes the base's
    # path whole before a query-only href): when the base alone looks like no attachment, a link
    # whose own href does not is none either, and is not resolved (most links of a page: menus)
    careful = _looks_like_attachment(doc.base)
    for a in doc.root.iter("a", "area"):
        href = a.get("href")
        if not careful and (href is None or not _looks_like_attachment(href.strip())):
            continue
        url = doc.resolve(href)
        if not url or url in seen or not is_attachment_url(url):
            continue
        seen.add(url)
        link = link_of(doc, a, url)
        out.append(Attachment(url=url, name=link.text or link.title or url.rsplit("/", 1)[-1]))
    return out


def is_soft_404(doc: Doc, text: str) -> bool:
    """A short page saying the page does not exist (HTTP 200 "soft" 404)."""
    if P.SOFT404_TITLE_RE.search(doc.title) and len(text) < P.SOFT404_MAX_TEXT * 3:
        return True
    if len(text) < P.SOFT404_MAX_TEXT and markers().soft_404.search(text):
        return True
    return len(text) < P.SOFT404_TINY_TEXT and bool(P.SOFT404_BARE_RE.search(text))


def parse_detail(url: str, html: str) -> Detail:
    """Extract an article page (see module docstring for the precedence rules)."""
    doc = Doc(url, html)
    body = doc.root.find("body")
    lines = text_lines(body if body is not None else doc.root)
    text = "\n".join(lines)
    title = _title(doc)
    title = title.replace("\u3000", "") if title else None
    start = _title_line(lines, title)
    near = lines[max(0, start - 2) : start + 1 + P.BYLINE_MAX_LINES]
    # one chain: a 发布日期 label (one repeated on many lines counts only from the title on), a
    # bare 时间/日期 label near the title, an unlabelled byline under it, PubDate-like meta, and
    # last a 发布日期 label anywhere (then it may belong to a sidebar's rows)
    chain = (
        ("label", lambda: _labelled_date(lines, "publish", after=start)),
        ("label", lambda: _labelled_date(near, None, _WEAK_PUBLISH_RE)),
        ("byline", lambda: _byline_date(lines[start + 1 : start + 1 + P.BYLINE_MAX_LINES])),
        ("meta", lambda: _meta_publish(doc)),
        ("label", lambda: _labelled_date(lines, "publish")),
    )
    pub, pub_dt, source, rest = None, None, None, ()
    for i, (how, find) in enumerate(chain):
        pub, pub_dt = find()
        if pub is not None:
            source, rest = how, chain[i + 1 :]
            break
    if pub_dt is not None and len(pub_dt) == 10:  # the time, from a later source of the same day
        pub_dt = next((t for _, f in rest if (t := f()[1]) and t[:10] == pub_dt and len(t) > 10), pub_dt)
    written, _ = _labelled_date(lines, "written")
    found = {k: labelled(lines, k) for k in ("index_no", "doc_no", "publisher", "source")}
    index_no = found["index_no"][0].split()[0] if found["index_no"] else None
    doc_no = collapse(found["doc_no"][0]) if found["doc_no"] else None
    # a 公文 without a metadata table: 文号 in its title or masthead line, 成文日期 at its signature
    if doc_no is None and not has_label(lines, "doc_no"):
        doc_no = _official_doc_no(lines, title, start)
    official = bool(doc_no) or bool(P.OFFICIAL_TITLE_RE.search(title or ""))
    if written is None and official and not has_label(lines, "written"):
        written = _signature_written(lines, start, pub)
    # the page's visible 来源 first; the ContentSource meta is often a template default
    src = (found["source"][0] if found["source"] else None) or next(
        (doc.meta[n] for n in P.SOURCE_META_NAMES if doc.meta.get(n)), None
    )
    return Detail(
        title=title,
        publish_date=pub,
        publish_datetime=pub_dt,
        written_date=written,
        index_no=index_no,
        doc_no=doc_no,
        publisher=found["publisher"][0] if found["publisher"] else None,
        source=norm_space(src) or None if src else None,
        attachments=_attachments(doc),
        soft_404=is_soft_404(doc, collapse(text)),
        text=text,
        publish_date_from=source,
        fields={k: v[0] for k, v in found.items() if v},
    )
