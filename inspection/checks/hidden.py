"""Hidden links (暗链): links a browser would not show whose target lies outside every scope.

From the HTML and its own CSS (inline ``style``, ``<style>`` blocks, the site's stylesheets the
caller fetched, and their ``@import``s); no browser.  CSS is parsed with tinycss2, selectors are
matched with cssselect's HTML translator through lxml, and declarations cascade by
(!important, inline over sheet, specificity, order).

A link is hidden when it or an ancestor is:

================  ==========================================================================
``how``           what
================  ==========================================================================
display_none      ``display:none``
hidden_attr       the ``hidden`` attribute (unless a rule sets another ``display``)
visibility_hidden effective ``visibility:hidden|collapse`` (inherited; a ``visible`` child wins)
zero_size         width or height at most 1px with ``overflow:hidden`` (or ``clip``); a
                  ``<marquee>`` of height or width at most 1 (attribute or CSS); an absolute box
                  clipped by ``clip:rect()`` to at most 1px; ``transform:scale(0)``
offscreen         ``position:absolute|fixed|relative`` with ``left``/``top`` at or beyond -200px,
                  ``right``/``bottom`` at or beyond -2000px or ``left`` at 2000px or more;
                  ``margin-left``/``margin-top`` at or beyond -2000px (a -480px margin centres
                  a box); effective ``text-indent`` at or beyond -200px
font_size_zero    effective ``font-size:0`` (inherited; also the ``font`` shorthand ``0/0``)
opacity_zero      ``opacity:0``
================  ==========================================================================

A hit needs a hidden link with text (its own, or an image's alt/title: an empty link promotes
nothing) that is not a site builder's credit line (Powered by …, 技术支持 …) nor inside a box the
page shows again: its id or class named in a script or an on* handler (pop-up panels, drop-downs),
or an inactive tab panel (a sibling box of the same class, or of the same numbered id series, is
shown); whose target (http/https, resolved against ``<base>``) is outside every
configured scope (``in_scope`` False) and not on a host ending in ``.gov.cn``.  Hidden drop-down
menus into the site and visible links anywhere are never hits; targets are never fetched.

Not supported (say so rather than guess): selectors cssselect cannot translate (``:hover`` and
other dynamic pseudo-classes never match, so hover menus count as hidden - they point into the
site); pseudo-elements; ``@media`` conditions other than print-only (such blocks are skipped,
the rest apply); colour equal to the background; clip-path/transform; scripts other than inline
``document.write``/``writeln`` calls of literal strings (and ``unescape('%3C…')``), which are
expanded in place; stylesheets outside the scope (the caller does not fetch them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

import cssselect
import tinycss2
from lxml import etree

from .dom import parse, text_of

OFFSCREEN_PX = -200.0  # at or beyond this offset a box is off the screen
TINY_PX = 1.0  # a box this small shows nothing
FAR_PX = -2000.0  # margins, right/bottom offsets and positive lefts only count this far out
RELEVANT = frozenset(
    "display visibility width height max-width max-height overflow overflow-x overflow-y clip position "
    "left top right bottom margin-left margin-top text-indent font-size font opacity transform".split()
)
_RELEVANT_RE = re.compile(
    r"display|visibility|width|height|overflow|clip|position|left|top|right|bottom|margin|indent|font|opacity|"
    r"transform",
    re.I,
)
INHERITED = frozenset({"visibility", "font-size", "text-indent"})
# a site builder's credit line, hidden by many CMS templates (Hanweb's "Produced By 大汉网络")
CREDIT = re.compile(r"\s*(?:produced\s+by|powered\s+by|技术支持|网站建设|设计制作|建设维护)", re.I)
_LENGTH = re.compile(r"^([+-]?\d*\.?\d+)(px|pt|em|rem|%|vw|vh|cm|mm|in|pc|ex|ch)?$")
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0,
            "cm": 37.8, "mm": 3.78, "in": 96.0, "vw": 19.2, "vh": 10.8}  # fmt: skip


@dataclass(frozen=True)
class HiddenLink:
    target: str  # absolute URL of the link
    how: str  # display_none, visibility_hidden, zero_size, offscreen, font_size_zero, hidden_attr, opacity_zero
    text: str  # the link's text (or its title/img alt)


# ----------------------------------------------------------------------------- stylesheets


def _base_url(page_url: str, root: etree._Element) -> str:
    base = root.find(".//base[@href]")
    return urljoin(page_url, base.get("href").strip()) if base is not None else page_url


def _is_stylesheet(el: etree._Element) -> bool:
    rel = (el.get("rel") or "").lower().split()
    return "stylesheet" in rel and "alternate" not in rel and bool((el.get("href") or "").strip())


def _import_url(rule) -> str | None:
    for tok in rule.prelude:
        if tok.type in ("url", "string"):
            return tok.value
        if tok.type == "function" and tok.lower_name == "url":
            for arg in tok.arguments:
                if arg.type == "string":
                    return arg.value
    return None


def _imports(css_text: str, sheet_url: str) -> list[str]:
    out = []
    for rule in tinycss2.parse_stylesheet(css_text or "", skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            url = _import_url(rule)
            if url:
                out.append(urljoin(sheet_url, url.strip()))
    return out


def stylesheet_urls(page_url: str, html: str) -> list[str]:
    """The page's own stylesheets: ``<link rel=stylesheet>`` and ``@import``s of its ``<style>``
    blocks, absolute, in document order (the caller fetches only those in scope; a fetched sheet's
    own ``@import``s are given by ``stylesheet_imports``)."""
    root = parse(html)
    base = _base_url(page_url, root)
    out: list[str] = []
    for el in root.iter("link", "style"):
        if el.tag == "link" and _is_stylesheet(el):
            out.append(urljoin(base, el.get("href").strip()))
        elif el.tag == "style":
            out.extend(_imports(el.text or "", base))
    return list(dict.fromkeys(u for u in out if urlsplit(u).scheme in ("http", "https")))


def stylesheet_imports(sheet_url: str, css_text: str) -> list[str]:
    """The ``@import``s of a fetched stylesheet, absolute."""
    return [u for u in _imports(css_text, sheet_url) if urlsplit(u).scheme in ("http", "https")]


# ----------------------------------------------------------------------------- rules


@dataclass
class _Rule:
    selector: str
    decls: list[tuple[str, str, bool]]


def _decls(tokens_or_text) -> list[tuple[str, str, bool]]:
    out = []
    for d in tinycss2.parse_declaration_list(tokens_or_text, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration" and d.lower_name in RELEVANT:
            out.append((d.lower_name, " ".join(tinycss2.serialize(d.value).split()).lower(), d.important))
    return out


def _collect(rules, base: str, sheets: dict[str, str], seen: set[str], out: list[_Rule]) -> None:
    for rule in rules:
        if rule.type == "at-rule":
            kw = rule.lower_at_keyword
            if kw == "import":
                url = _import_url(rule)
                url = urljoin(base, url.strip()) if url else None
                if url and url in sheets and url not in seen:
                    seen.add(url)
                    _collect(_parse_sheet(sheets[url]), url, sheets, seen, out)
            elif kw in ("media", "supports") and rule.content is not None:
                query = tinycss2.serialize(rule.prelude).lower()
                if kw == "media" and "print" in query and not re.search(r"screen|all", query):
                    continue
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                _collect(inner, base, sheets, seen, out)
        elif rule.type == "qualified-rule":
            decls = _decls(rule.content)
            if decls:
                out.append(_Rule(tinycss2.serialize(rule.prelude).strip(), decls))


@lru_cache(maxsize=128)
def _sheet_rules(css_text: str) -> tuple:
    """Parsed rules of a sheet (cached: a site's stylesheets and template styles repeat on every page)."""
    return tuple(tinycss2.parse_stylesheet(css_text or "", skip_comments=True, skip_whitespace=True))


def _parse_sheet(css_text: str):
    return _sheet_rules(css_text or "")


_TRANSLATOR = cssselect.HTMLTranslator()


@lru_cache(maxsize=4096)
def _compile(selector: str) -> tuple[tuple[str, tuple[int, int, int]], ...]:
    """XPath and specificity of each selector in a group; untranslatable ones are left out."""
    out = []
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError:
        return ()
    for sel in parsed:
        if sel.pseudo_element:
            continue
        try:
            out.append((_TRANSLATOR.selector_to_xpath(sel), sel.specificity()))
        except (cssselect.SelectorError, cssselect.xpath.ExpressionError, NotImplementedError):
            continue
    return tuple(out)


class _Cascade:
    """Winning declared value of each relevant property, per element."""

    def __init__(self, root: etree._Element, rules: list[_Rule], wanted: set):
        """``wanted``: the only elements whose values are needed (the candidate links and their ancestors)."""
        self.values: dict[etree._Element, dict[str, tuple[tuple, str]]] = {}
        order = 0
        for rule in rules:
            for xpath, spec in _compile(rule.selector):
                try:
                    matched = root.xpath(xpath)
                except etree.XPathError:
                    continue
                matched = [el for el in matched if el in wanted]
                for name, value, important in rule.decls:
                    order += 1
                    for el in matched:
                        self._set(el, name, value, (important, 0, spec, order))
        for el in wanted:
            style = el.get("style")
            if style and _RELEVANT_RE.search(style):
                for name, value, important in _decls(style):
                    order += 1
                    self._set(el, name, value, (important, 1, (0, 0, 0), order))

    def _set(self, el, name: str, value: str, prio: tuple) -> None:
        props = self.values.setdefault(el, {})
        old = props.get(name)
        if old is None or prio >= old[0]:
            props[name] = (prio, value)

    def get(self, el, name: str) -> str | None:
        props = self.values.get(el)
        if not props:
            return None
        got = props.get(name)
        return got[1] if got else None


def _px(value: str | None) -> float | None:
    if not value:
        return None
    m = _LENGTH.match(value.split()[0])
    if not m:
        return None
    unit = m.group(2)
    if unit == "%":
        return float(m.group(1)) * 19.2  # of a 1920px-wide viewport: -100% is off the screen
    return float(m.group(1)) * _UNIT_PX.get(unit, 1.0)


def _font_size(cas: _Cascade, el) -> str | None:
    size = cas.get(el, "font-size")
    font = cas.get(el, "font")
    if font and size is None:
        for tok in font.split():
            head = tok.split("/")[0]
            if _LENGTH.match(head) or head in ("small", "medium", "large", "smaller", "larger"):
                return head
    return size


def _own_reason(cas: _Cascade, el) -> str | None:
    """A reason this element (and so everything inside it) is not shown; inherited ones aside."""
    display = cas.get(el, "display")
    if display == "none":
        return "display_none"
    if el.get("hidden") is not None and display is None:
        return "hidden_attr"
    opacity = cas.get(el, "opacity")
    if opacity is not None and _is_zero(opacity):
        return "opacity_zero"
    w = _px(cas.get(el, "width") or cas.get(el, "max-width"))
    h = _px(cas.get(el, "height") or cas.get(el, "max-height"))
    if el.tag == "marquee":
        w = w if w is not None else _px(el.get("width"))
        h = h if h is not None else _px(el.get("height"))
        if (w is not None and w <= TINY_PX) or (h is not None and h <= TINY_PX):
            return "zero_size"
    overflow = " ".join(filter(None, (cas.get(el, p) for p in ("overflow", "overflow-x", "overflow-y"))))
    clipped = any(v in overflow for v in ("hidden", "clip", "scroll", "auto"))
    if clipped and ((w is not None and w <= TINY_PX) or (h is not None and h <= TINY_PX)):
        return "zero_size"
    position = cas.get(el, "position")
    if position in ("absolute", "fixed") and _clipped_to_nothing(cas.get(el, "clip")):
        return "zero_size"
    transform = cas.get(el, "transform") or ""
    if re.search(r"scale[xy]?\(\s*0(?:\.0*)?\s*[,)]", transform):
        return "zero_size"
    if position in ("absolute", "fixed", "relative"):
        for prop in ("left", "top", "right", "bottom"):
            off = _px(cas.get(el, prop))
            if off is not None and (off <= OFFSCREEN_PX if prop in ("left", "top") else off <= FAR_PX):
                return "offscreen"
        left = _px(cas.get(el, "left"))
        if left is not None and left >= -FAR_PX:
            return "offscreen"
    for prop in ("margin-left", "margin-top"):  # -480px centres a box at left:50%: only far is off
        off = _px(cas.get(el, prop))
        if off is not None and off <= FAR_PX:
            return "offscreen"
    return None


def _clipped_to_nothing(clip: str | None) -> bool:
    """``clip: rect(0 0 0 0)`` / ``rect(1px, 1px, 1px, 1px)``: nothing of the box is painted."""
    m = re.match(r"rect\(([^)]*)\)", clip or "")
    if not m:
        return False
    vals = [_px(v) for v in re.split(r"[\s,]+", m.group(1).strip()) if v]
    if len(vals) != 4 or any(v is None for v in vals):
        return False
    top, right, bottom, left = vals
    return (bottom - top) <= TINY_PX or (right - left) <= TINY_PX


def _is_zero(value: str) -> bool:
    try:
        return float(value.rstrip("%").strip()) == 0.0
    except ValueError:
        return False


def _inherited_reason(cas: _Cascade, link) -> str | None:
    """Hidden by an inherited property: the nearest declaration up the tree decides."""
    chain = [link, *link.iterancestors()]
    for el in chain:
        vis = cas.get(el, "visibility")
        if vis is not None:
            if vis in ("hidden", "collapse"):
                return "visibility_hidden"
            break
    for el in chain:
        size = _font_size(cas, el)
        if size is None:
            continue
        if re.search(r"(?<!r)em$|%$|^smaller$|^larger$", size):  # relative to the parent's size
            if _is_zero(re.sub(r"[a-z%]+$", "", size)):
                return "font_size_zero"
            continue
        px = _px(size)
        if px is not None and px <= 0:
            return "font_size_zero"
        break
    for el in chain:
        indent = cas.get(el, "text-indent")
        if indent is not None:
            px = _px(indent)
            if px is not None and px <= OFFSCREEN_PX:
                return "offscreen"
            break
    return None


def _why_hidden(cas: _Cascade, link) -> tuple[str | None, etree._Element | None]:
    """How the link is hidden and the element that hides it (None for inherited properties)."""
    for el in (link, *link.iterancestors()):
        reason = _own_reason(cas, el)
        if reason:
            return reason, el
    return _inherited_reason(cas, link), None


def _script_text(root: etree._Element) -> str:
    """Every script and event handler of the page: what may show a hidden element again."""
    parts = [el.text or "" for el in root.iter("script")]
    for el in root.iter():
        if isinstance(el.tag, str):
            parts.extend(v for k, v in el.attrib.items() if k.lower().startswith("on"))
    return "\n".join(parts)


STATE_CLASSES = frozenset("on active current cur curr show shown hide hidden selected sel open hover".split())


def _kind(el: etree._Element) -> tuple:
    """What makes boxes siblings of one tab group: tag and class (state classes aside), or an id
    numbered in a series (con_one_1, con_one_2)."""
    classes = frozenset((el.get("class") or "").split()) - STATE_CLASSES
    ident = re.sub(r"\d+$", "#", (el.get("id") or "").strip())
    return el.tag, classes, ident if ident.endswith("#") else ""


def _tab_panel(cas: _Cascade, el: etree._Element) -> bool:
    """A hidden box of a tab group: a sibling of the same kind is shown (the active tab)."""
    parent = el.getparent()
    tag, classes, series = _kind(el)
    if parent is None or not (classes or series):
        return False
    for sib in parent:
        if sib is el or not isinstance(sib.tag, str):
            continue
        s_tag, s_classes, s_series = _kind(sib)
        same = s_tag == tag and ((classes and s_classes == classes) or (series and s_series == series))
        if same and _own_reason(cas, sib) is None:
            return True
    return False


def _toggled(cas: _Cascade, el: etree._Element | None, scripts: str) -> bool:
    """A hidden box that the page shows again: a pop-up panel or drop-down whose id or class a script
    names, or an inactive panel of a tab group (a sibling of the same kind is shown)."""
    if el is not None:
        if _tab_panel(cas, el):
            return True
        for cls in set((el.get("class") or "").split()) - STATE_CLASSES:
            if re.search(r"[\"'.\s]" + re.escape(cls) + r"[\"'\s.:\[),]", scripts):
                return True
    while el is not None:
        ident = (el.get("id") or "").strip()
        if ident and re.search(r"[\"'#]" + re.escape(ident) + r"[\"'\s.:\[]", scripts):
            return True
        el = el.getparent()
    return False


# ----------------------------------------------------------------------------- document.write

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_JS_STRING = r"'(?:[^'\\\n]|\\.)*'" + r'|"(?:[^"\\\n]|\\.)*"'
_JS_PIECE = rf"(?:{_JS_STRING}|unescape\(\s*(?:{_JS_STRING})\s*\))"
_WRITE = re.compile(rf"document\.write(?:ln)?\(\s*({_JS_PIECE}(?:\s*\+\s*{_JS_PIECE})*)\s*\)\s*;?", re.S)
_PIECE = re.compile(_JS_PIECE, re.S)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def _js_literal(piece: str) -> str:
    if piece.startswith("unescape"):
        inner = _PIECE.search(piece[8:]).group(0)
        return unquote(_js_literal(inner))
    body = piece[1:-1]

    def esc(m: re.Match) -> str:
        e = m.group(1)
        if e[0] in "ux" and len(e) > 1:
            return chr(int(e[1:], 16))
        return _JS_SIMPLE.get(e, e)

    return _JS_ESCAPE.sub(esc, body)


def _expand_writes(html: str) -> str:
    """Inline scripts made only of ``document.write`` calls of literal strings are replaced by what
    they write (an attack often opens a hidden box in one script and closes it in another)."""

    def repl(m: re.Match) -> str:
        attrs, code = m.group(1), m.group(2)
        if re.search(r"\bsrc\s*=", attrs, re.I) or "document.write" not in code:
            return m.group(0)
        written = []
        for w in _WRITE.finditer(code):
            written.append("".join(_js_literal(p.group(0)) for p in _PIECE.finditer(w.group(1))))
        rest = _WRITE.sub("", code)
        rest = re.sub(r"/\*.*?\*/|//[^\n]*|<!--|-->|[\s;]", "", rest, flags=re.S)
        return "".join(written) if written and not rest else m.group(0)

    return _SCRIPT.sub(repl, html) if "document.write" in html else html


# ----------------------------------------------------------------------------- links


def is_gov_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host == "gov.cn" or host.endswith(".gov.cn")


def _link_text(a) -> str:
    text = text_of(a)
    if not text:
        img = a.find(".//img")
        text = (a.get("title") or (img.get("alt") if img is not None else "") or "").strip()
    return text[:200]


def _outside(
    root: etree._Element, base: str, in_scope: Callable[[str], bool]
) -> list[tuple[etree._Element, str]]:
    links = []
    for a in root.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href:
            continue
        target = urljoin(base, href)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if is_gov_host(target) or in_scope(target):
            continue
        links.append((a, target))
    return links


def outside_links(page_url: str, html: str, in_scope: Callable[[str], bool]) -> list[str]:
    """Link targets out of every scope and off ``.gov.cn`` (hidden or not): a page without any
    cannot hold a hidden link, so its stylesheets need not be fetched."""
    root = parse(_expand_writes(html or ""))
    return list(dict.fromkeys(t for _a, t in _outside(root, _base_url(page_url, root), in_scope)))


def hidden_links(
    page_url: str, html: str, stylesheets: dict[str, str], in_scope: Callable[[str], bool]
) -> list[HiddenLink]:
    """Hidden links out of every scope and off ``.gov.cn`` (see the module doc), in page order."""
    root = parse(_expand_writes(html or ""))
    base = _base_url(page_url, root)
    links = _outside(root, base, in_scope)
    if not links:
        return []
    rules: list[_Rule] = []
    seen: set[str] = set()
    for el in root.iter("link", "style"):
        if el.tag == "link" and _is_stylesheet(el):
            url = urljoin(base, el.get("href").strip())
            if url in stylesheets and url not in seen:
                seen.add(url)
                _collect(_parse_sheet(stylesheets[url]), url, stylesheets, seen, rules)
        elif el.tag == "style":
            _collect(_parse_sheet(el.text or ""), base, stylesheets, seen, rules)
    wanted = set()
    for a, _target in links:
        wanted.add(a)
        wanted.update(a.iterancestors())
    cas = _Cascade(root, rules, wanted)
    scripts = _script_text(root)
    out: list[HiddenLink] = []
    for a, target in links:
        how, hider = _why_hidden(cas, a)
        if not how:
            continue
        text = _link_text(a)
        if not text or CREDIT.match(text) or _toggled(cas, hider, scripts):
            continue
        out.append(HiddenLink(target, how, text))
    return list(dict.fromkeys(out))
