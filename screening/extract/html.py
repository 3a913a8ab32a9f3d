"""HTML: the visible text, with the <title> and the keywords/description meta first.

Scripts, styles and templates are dropped; comments are not text. Elements hidden with
CSS are kept: they are public in the page source. Block elements and table cells are
separated so words from neighbouring cells never run together.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from .base import Extracted, Limits
from .codec import looks_like_html, sniff_decode  # noqa: F401  (looks_like_html: where callers found it)

SKIP = {"script", "style", "template", "head", "object", "embed", "svg", "math"}
BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
    "title",
    "textarea",
    "select",
    "center",
}
CELL = {"td", "th"}
META_NAMES = {"keywords", "description"}

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode_html(data: bytes, charset: str | None = None) -> str:
    declared = charset
    if not declared:
        m = _META_CHARSET.search(data[:8192])
        if m:
            declared = m.group(1).decode("ascii", "ignore")
    text, _ = sniff_decode(data, declared)
    return text


def _walk(root: etree._Element, out: list[str]) -> None:
    """The text of ``root`` in document order, blocks and cells separated. lxml's ``iterwalk``
    walks the tree in C (a skipped element still ends, so its tail is kept); comments and
    processing instructions come as events of their own, and only their tails are text."""
    app = out.append
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        if event == "start":
            name = el.tag.lower()
            if name in SKIP:
                walker.skip_subtree()
                continue
            if name in BLOCK:
                app("\n")
            elif name in CELL:
                app("\t")
            if el.text:
                app(el.text)
            if name == "input" and el.get("type", "text").lower() in ("text", "hidden") and el.get("value"):
                app(" " + el.get("value") + " ")
            elif name == "img" and el.get("alt"):
                app(" " + el.get("alt") + " ")
            continue
        if event == "end" and el.tag.lower() in BLOCK:
            app("\n")
        if el.tail:
            app(el.tail)


_BLANK_LINES = re.compile(r"[ \t\r\f\v]*\n[\s]*\n")


def html_to_text(markup: str) -> str:
    if not markup.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    lines: list[str] = []
    title = root.findtext(".//title")
    if title and title.strip():
        lines.append(title.strip())
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip().lower() in META_NAMES and (meta.get("content") or "").strip():
            lines.append(meta.get("content").strip())
    body: list[str] = []
    _walk(root, body)
    text = "".join(body).replace("\xa0", " ")
    text = _BLANK_LINES.sub("\n", text).strip()
    if text:
        lines.append(text)
    return "\n".join(lines)


def extract_html(data: bytes, limits: Limits, *, charset: str | None = None) -> Extracted:
    return Extracted.ok(html_to_text(decode_html(data, charset)), "html")
