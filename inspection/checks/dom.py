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


def text_of(el: etree._Element) -> str:
    """The element's text without scripts, styles and comments, spaces collapsed."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag not in ("script", "style", "noscript", "template"):
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    return " ".join(" ".join(parts).split())
