"""Small DOM helpers shared by the extractors (lxml based, no network)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

from . import patterns as P

PAGER_MARK = "data-patrol-pager"
_WS_BREAK_RE = re.compile(r"[ \xa0]*[\r\n\t\f\v]+[\s]*")
_WS_RUN_RE = re.compile(r"\s+")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# browsers ignore </body> and </html> (server-side includes often emit them mid-page); libxml2
# stops reading there, so they are removed before parsing
_EARLY_END_RE = re.compile(r"</\s*(?:html|body)\s*>", re.I)


def norm_space(text: str | None) -> str:
    """Strip, and fold line breaks/tabs (with the spaces around them) into one space.

    Runs of plain spaces inside a title are kept as written: titles are compared with what the
    site shows, and some carry a double space on purpose or by accident.
    """
    if not text:
        return ""
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")
    return _WS_BREAK_RE.sub(" ", text).strip()


def collapse(text: str | None) -> str:
    """All whitespace runs to one space (for matching, not for output titles)."""
    return re.sub(r"\s+", " ", text or "").strip()


def _parser() -> etree.HTMLParser:
    """lxml.html's parser options with a lookup done in C: every element an ``HtmlElement``.

    lxml.html's own lookup is a Python method called for every element proxy made (a fifth of
    the time of parsing a small page); it only picks form-specific classes (``FormElement``,
    ``InputElement`` …), whose form helpers the extractors never use."""
    parser = etree.HTMLParser()
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


HTML_PARSER = _parser()


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse possibly broken HTML into a document root; never raises on odd input."""
    html = _EARLY_END_RE.sub("", _XML_DECL_RE.sub("", html or ""))
    if not html.strip():
        html = "<html><body></body></html>"
    try:
        return lxml.html.document_fromstring(html, parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body>" + html + "</body></html>", parser=HTML_PARSER)


@lru_cache(maxsize=4096)
def resolve(base: str, href: str | None) -> str | None:
    """Absolute URL for an href (fragment dropped), or None for javascript:/mailto:/empty links."""
    if href is None:
        return None
    href = href.strip().replace("\\", "/") if "\\" in href and "://" not in href else href.strip()
    if P.SKIP_HREF_RE.match(href):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    url = urldefrag(url)[0]
    return url or None


def class_id(el: etree._Element) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).lower()


def is_template(el: etree._Element) -> bool:
    return any(k.lower().startswith(P.TEMPLATE_ATTR_PREFIXES) for k in el.attrib)


# an attribute name a client-side template row may carry appears in the page's source as written
# (looked for in the lower-cased source: a few substring searches cost a fraction of one
# case-insensitive alternation over the whole page)
_TEMPLATE_ATTR_HINTS = tuple(p.lower() for p in P.TEMPLATE_ATTR_PREFIXES)


def drop_noise(root: lxml.html.HtmlElement, html: str | None = None) -> None:
    """Remove scripts, styles, comments and client-side template rows, in place.

    ``html``: the source ``root`` was parsed from; when no template attribute name occurs in it,
    the walk over every element for template rows is skipped (none can be there)."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter(*P.DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    if html is not None:
        low = html.lower()
        if not any(hint in low for hint in _TEMPLATE_ATTR_HINTS):
            return
    for el in [e for e in root.iter() if isinstance(e.tag, str) and is_template(e)]:
        if el.getparent() is not None:
            el.drop_tree()


@dataclass
class Doc:
    """A parsed page: URL, raw HTML, cleaned tree, script text, and cached ancestry facts."""

    url: str
    html: str
    root: lxml.html.HtmlElement = field(init=False)
    scripts: str = field(init=False)
    script_texts: list = field(init=False)
    meta: dict = field(init=False)
    _nav: dict = field(default_factory=dict, init=False, repr=False)
    _hidden: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        root = parse_html(self.html)
        self.script_texts = [s.text for s in root.iter("script") if s.text and s.text.strip()]
        self.scripts = "\n".join(self.script_texts)
        self.meta = {}
        for m in root.iter("meta"):
            name = (m.get("name") or m.get("property") or m.get("http-equiv") or "").strip().lower()
            if name and name not in self.meta and m.get("content") is not None:
                self.meta[name] = m.get("content").strip()
        for sc in root.iter("script"):
            parent = sc.getparent()
            if parent is not None and sc.text and P.PAGER_SCRIPT_RE.search(sc.text):
                parent.set(PAGER_MARK, "1")  # remember where a script-written pager sits
        drop_noise(root, self.html)
        self.root = root

    @cached_property
    def base(self) -> str:
        for b in self.root.iter("base"):
            if b.get("href"):
                return urljoin(self.url, b.get("href").strip())
        return self.url

    @cached_property
    def title(self) -> str:
        t = self.root.find(".//title")
        return norm_space(t.text_content()) if t is not None else ""

    def resolve(self, href: str | None) -> str | None:
        return resolve(self.base, href)

    def is_nav(self, el: etree._Element) -> bool:
        """Inside a nav/menu/header/footer-like container (by tag, class or id)."""
        chain = []
        cur = el
        result = False
        while cur is not None and isinstance(cur.tag, str):
            key = cur
            if key in self._nav:
                result = self._nav[key]
                break
            chain.append(key)
            if (
                cur.tag in P.NAV_TAGS
                or P.NAV_CLASS_RE.search(class_id(cur))
                or cur.get("role") == "navigation"
            ):
                result = True
                break
            cur = cur.getparent()
        for key in chain:
            self._nav[key] = result
        return result

    def is_hidden(self, el: etree._Element) -> bool:
        """Inside an element styled display:none / visibility:hidden or marked hidden."""
        chain = []
        cur = el
        result = False
        while cur is not None and isinstance(cur.tag, str):
            key = cur
            if key in self._hidden:
                result = self._hidden[key]
                break
            chain.append(key)
            if P.HIDDEN_STYLE_RE.search(cur.get("style") or "") or cur.get("hidden") is not None:
                result = True
                break
            cur = cur.getparent()
        for key in chain:
            self._hidden[key] = result
        return result


def text_lines(el: etree._Element) -> list[str]:
    """Visible text as lines: block elements break lines, table cells are separated by a tab.

    Walked by lxml's ``iterwalk`` (in C) in document order: an element's text after its start,
    its tail after its end (``el``'s own tail is not its text); comments and processing
    instructions come as events of their own, and only their tails are text."""
    if not isinstance(el.tag, str):  # a comment holds no visible text
        return []
    parts: list[str] = []
    app, sub = parts.append, _WS_RUN_RE.sub
    for event, node in etree.iterwalk(el, events=("start", "end", "comment", "pi")):
        if event == "start" or event == "end":
            tag = node.tag
            if tag in P.BLOCK_TAGS:
                app("\n")
            elif tag in P.CELL_TAGS:
                app("\x1f")
            if event == "start":
                if node.text:
                    app(sub(" ", node.text))
                continue
            if node is el:
                continue
        if node.tail:
            app(sub(" ", node.tail))
    lines = []
    for line in "".join(parts).split("\n"):
        cells = [c.strip() for c in line.split("\x1f")]
        line = "\t".join(c for c in cells if c)
        if line:
            lines.append(line)
    return lines


def own_text_segments(el: etree._Element) -> list[tuple[str, etree._Element]]:
    """Each text node under ``el`` with the element that holds it (tails belong to the parent)."""
    out: list[tuple[str, etree._Element]] = []

    def walk(node: etree._Element) -> None:
        if node.text and node.text.strip():
            out.append((node.text, node))
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail and child.tail.strip():
                out.append((child.tail, node))

    walk(el)
    return out
