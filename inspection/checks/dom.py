"""HTML parsing shared by the checks (lxml; never raises on odd input)."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# a stray </body> or </html> in the middle of a page makes libxml2 drop everything after it
_EARLY_END = re.compile(r"</\s*(?:html|body)\s*>", re.I)


def parse(html: str | bytes | None) -> lxml.html.HtmlElement:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = _EARLY_END.sub("", _XML_DECL.sub("", html or ""))
    if not html.strip():
        html = "<html><body></body></html>"
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body>" + html + "</body></html>")


BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)


def text_of(el: etree._Element) -> str:
    """The element's text without scripts, styles and comments: inline elements run together
    (<b>中华人民</b>共合国 reads as one word), blocks and cells are apart; spaces collapsed."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "noscript", "template"):
            block = node.tag in BLOCKS
            if block:
                parts.append(" ")
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
            if block:
                parts.append(" ")
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return " ".join("".join(parts).split())
