"""``parse_detail``: an article page -> title, dates, 索引号/文号/发布机构/来源, attachments, soft-404.

Publish date: meta PubDate (or firstpublishedtime …) first, then a 发布日期/发布时间 label, then the
metadata table (labels in table cells are read the same way). Labels may be split by &ensp; or
spaces (索&ensp;引&ensp;号) and values may sit in a child element; '无' means no value. 成文日期
is the written date; page-generation times (Maketime, 页面生成时间) are never publish dates.
Fields that exist only inside the body text (a 文号 line or a signature date with no label) are
not extracted: a document's body quotes other documents' numbers and dates too often.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import patterns as P
from .dates import is_date_only, parse_date, parse_datetime_str
from .dom import Doc, class_id, collapse, norm_space, text_lines
from .links import doc_links, is_attachment_url


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
    publish_date_from: str | None = None  # "meta", "label" or None
    fields: dict[str, str] = field(default_factory=dict)  # every labelled value found, raw


def _label_re(label: str) -> str:
    return r"\s*".join(re.escape(c) for c in label)


def _field_regex(labels: tuple[str, ...], strict_prefix: bool) -> re.Pattern:
    alts = "|".join(_label_re(lb) for lb in sorted(labels, key=len, reverse=True))
    pre = r"(?<![\u4e00-\u9fff])" if strict_prefix else ""
    return re.compile(pre + r"(?:" + alts + r")\s*(?:[:：]|\t)\s*(?P<v>[^\t]*)")


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


def _clean_value(v: str) -> str | None:
    v = _NEXT_LABEL_RE.split(v, maxsplit=1)[0].strip()
    v = v.strip(" 　\u2002\u2003;；,，")
    if not v or P.NO_VALUE_RE.match(v) or re.match(r"^[\u4e00-\u9fff]{1,6}[:：]", v):
        return None
    return v


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


def _labelled_date(
    lines: list[str], key: str | None, rx: re.Pattern | None = None
) -> tuple[dt.date | None, str | None]:
    for i, line in enumerate(lines):
        regexes = _FIELD_RES[key] if key else (rx,)
        for r in regexes:
            for m in r.finditer(line):
                v = m.group("v")
                if not v.strip() and i + 1 < len(lines) and is_date_only(lines[i + 1]):
                    v = lines[i + 1]
                d = parse_date(v[:40])
                if d:
                    return d, parse_datetime_str(v[:40])
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
    return parts[0] if parts else (heads[0] if heads else None)


def _attachments(doc: Doc) -> list[Attachment]:
    out, seen = [], set()
    for link, _ in doc_links(doc):
        if link.url in seen or not is_attachment_url(link.url):
            continue
        seen.add(link.url)
        name = link.text or link.title or link.url.rsplit("/", 1)[-1]
        out.append(Attachment(url=link.url, name=name))
    return out


def is_soft_404(doc: Doc, text: str) -> bool:
    """A short page saying the page does not exist (HTTP 200 "soft" 404)."""
    if P.SOFT404_TITLE_RE.search(doc.title) and len(text) < P.SOFT404_MAX_TEXT * 3:
        return True
    if len(text) < P.SOFT404_MAX_TEXT and P.SOFT404_TEXT_RE.search(text):
        return True
    return len(text) < P.SOFT404_TINY_TEXT and bool(P.SOFT404_BARE_RE.search(text))


def parse_detail(url: str, html: str) -> Detail:
    """Extract an article page (see module docstring for the precedence rules)."""
    doc = Doc(url, html)
    body = doc.root.find("body")
    lines = text_lines(body if body is not None else doc.root)
    text = "\n".join(lines)
    pub, pub_dt = _meta_publish(doc)
    source = "meta" if pub else None
    if pub is None:
        pub, pub_dt = _labelled_date(lines, "publish")
        source = "label" if pub else None
    if pub is None:
        pub, pub_dt = _labelled_date(lines, None, _WEAK_PUBLISH_RE)
        source = "label" if pub else None
    written, _ = _labelled_date(lines, "written")
    found = {k: labelled(lines, k) for k in ("index_no", "doc_no", "publisher", "source")}
    index_no = found["index_no"][0].split()[0] if found["index_no"] else None
    doc_no = collapse(found["doc_no"][0]) if found["doc_no"] else None
    src = next((doc.meta[n] for n in P.SOURCE_META_NAMES if doc.meta.get(n)), None) or (
        found["source"][0] if found["source"] else None
    )
    return Detail(
        title=_title(doc).replace("\u3000", "") if _title(doc) else None,
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
