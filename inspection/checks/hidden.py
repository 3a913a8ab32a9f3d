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
site); pseudo-elements; ``@media`` conditions (print-only blocks are skipped, every other block
applies whatever its condition); colour equal to the background; clip-path and transforms other
than ``scale(0)``; scripts other than inline
``document.write``/``writeln`` calls of literal strings (and ``unescape('%3C…')``), which are
expanded in place; stylesheets outside the scope (the caller does not fetch them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .css import (
    LENGTH,
    Cascade,
    Rule,
    base_url,
    collect,
    is_stylesheet,
    parse_sheet,
    px,
    stylesheet_imports,
    stylesheet_urls,
)
from .dom import parse, text_of
from .jswrite import expand_writes

__all__ = [
    "HiddenLink",
    "hidden_links",
    "is_gov_host",
    "outside_links",
    "stylesheet_imports",
    "stylesheet_urls",
]

OFFSCREEN_PX = -200.0  # at or beyond this offset a box is off the screen
TINY_PX = 1.0  # a box this small shows nothing
FAR_PX = -2000.0  # margins, right/bottom offsets and positive lefts only count this far out
# a site builder's credit line, hidden by many CMS templates (Hanweb's "Produced By 大汉网络")
CREDIT = re.compile(r"\s*(?:produced\s+by|powered\s+by|技术支持|网站建设|设计制作|建设维护)", re.I)


@dataclass(frozen=True)
class HiddenLink:
    target: str  # absolute URL of the link
    how: str  # display_none, visibility_hidden, zero_size, offscreen, font_size_zero, hidden_attr, opacity_zero
    text: str  # the link's text (or its title/img alt)


def _font_size(cas: Cascade, el) -> str | None:
    size = cas.get(el, "font-size")
    font = cas.get(el, "font")
    if font and size is None:
        for tok in font.split():
            head = tok.split("/")[0]
            if LENGTH.match(head) or head in ("small", "medium", "large", "smaller", "larger"):
                return head
    return size


def _own_reason(cas: Cascade, el) -> str | None:
    """A reason this element (and so everything inside it) is not shown; inherited ones aside."""
    display = cas.get(el, "display")
    if display == "none":
        return "display_none"
    if el.get("hidden") is not None and display is None:
        return "hidden_attr"
    opacity = cas.get(el, "opacity")
    if opacity is not None and _is_zero(opacity):
        return "opacity_zero"
    w = px(cas.get(el, "width") or cas.get(el, "max-width"))
    h = px(cas.get(el, "height") or cas.get(el, "max-height"))
    if el.tag == "marquee":
        w = w if w is not None else px(el.get("width"))
        h = h if h is not None else px(el.get("height"))
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
            off = px(cas.get(el, prop))
            if off is not None and (off <= OFFSCREEN_PX if prop in ("left", "top") else off <= FAR_PX):
                return "offscreen"
        left = px(cas.get(el, "left"))
        if left is not None and left >= -FAR_PX:
            return "offscreen"
    for prop in ("margin-left", "margin-top"):  # -480px centres a box at left:50%: only far is off
        off = px(cas.get(el, prop))
        if off is not None and off <= FAR_PX:
            return "offscreen"
    return None


def _clipped_to_nothing(clip: str | None) -> bool:
    """``clip: rect(0 0 0 0)`` / ``rect(1px, 1px, 1px, 1px)``: nothing of the box is painted."""
    m = re.match(r"rect\(([^)]*)\)", clip or "")
    if not m:
        return False
    vals = [px(v) for v in re.split(r"[\s,]+", m.group(1).strip()) if v]
    if len(vals) != 4 or any(v is None for v in vals):
        return False
    top, right, bottom, left = vals
    return (bottom - top) <= TINY_PX or (right - left) <= TINY_PX


def _is_zero(value: str) -> bool:
    try:
        return float(value.rstrip("%").strip()) == 0.0
    except ValueError:
        return False


def _inherited_reason(cas: Cascade, link) -> str | None:
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
        size_px = px(size)
        if size_px is not None and size_px <= 0:
            return "font_size_zero"
        break
    for el in chain:
        indent = cas.get(el, "text-indent")
        if indent is not None:
            indent_px = px(indent)
            if indent_px is not None and indent_px <= OFFSCREEN_PX:
                return "offscreen"
            break
    return None


def _why_hidden(cas: Cascade, link) -> tuple[str | None, etree._Element | None]:
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


def _tab_panel(cas: Cascade, el: etree._Element) -> bool:
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


def _toggled(cas: Cascade, el: etree._Element | None, scripts: str) -> bool:
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
    root = parse(expand_writes(html or ""))
    return list(dict.fromkeys(t for _a, t in _outside(root, base_url(page_url, root), in_scope)))


def hidden_links(
    page_url: str, html: str, stylesheets: dict[str, str], in_scope: Callable[[str], bool]
) -> list[HiddenLink]:
    """Hidden links out of every scope and off ``.gov.cn`` (see the module doc), in page order."""
    root = parse(expand_writes(html or ""))
    base = base_url(page_url, root)
    links = _outside(root, base, in_scope)
    if not links:
        return []
    rules: list[Rule] = []
    seen: set[str] = set()
    for el in root.iter("link", "style"):
        if el.tag == "link" and is_stylesheet(el):
            url = urljoin(base, el.get("href").strip())
            if url in stylesheets and url not in seen:
                seen.add(url)
                collect(parse_sheet(stylesheets[url]), url, stylesheets, seen, rules)
        elif el.tag == "style":
            collect(parse_sheet(el.text or ""), base, stylesheets, seen, rules)
    wanted = set()
    for a, _target in links:
        wanted.add(a)
        wanted.update(a.iterancestors())
    cas = Cascade(root, rules, wanted)
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
