"""CSS for the hidden-link check: a page's stylesheets, their rules, and the cascade.

tinycss2 parses (stylesheets, ``<style>`` blocks, inline ``style``), cssselect's HTML translator turns
selectors into XPath for lxml, and ``Cascade`` keeps, per element, the winning declared value of each
property that can hide a box, by (!important, inline over sheet, specificity, order).  Only the
elements a caller names are tracked (the candidate links and their ancestors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import cssselect
import tinycss2
from lxml import etree

from .dom import parse

RELEVANT = frozenset(
    "display visibility width height max-width max-height overflow overflow-x overflow-y clip position "
    "left top right bottom margin-left margin-top text-indent font-size font opacity transform".split()
)
_RELEVANT_RE = re.compile(
    r"display|visibility|width|height|overflow|clip|position|left|top|right|bottom|margin|indent|font|opacity|"
    r"transform",
    re.I,
)
LENGTH = re.compile(r"^([+-]?\d*\.?\d+)(px|pt|em|rem|%|vw|vh|cm|mm|in|pc|ex|ch)?$")
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0,
            "cm": 37.8, "mm": 3.78, "in": 96.0, "vw": 19.2, "vh": 10.8}  # fmt: skip


# ----------------------------------------------------------------------------- stylesheets


def base_url(page_url: str, root: etree._Element) -> str:
    base = root.find(".//base[@href]")
    return urljoin(page_url, base.get("href").strip()) if base is not None else page_url


def is_stylesheet(el: etree._Element) -> bool:
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
    base = base_url(page_url, root)
    out: list[str] = []
    for el in root.iter("link", "style"):
        if el.tag == "link" and is_stylesheet(el):
            out.append(urljoin(base, el.get("href").strip()))
        elif el.tag == "style":
            out.extend(_imports(el.text or "", base))
    return list(dict.fromkeys(u for u in out if urlsplit(u).scheme in ("http", "https")))


def stylesheet_imports(sheet_url: str, css_text: str) -> list[str]:
    """The ``@import``s of a fetched stylesheet, absolute."""
    return [u for u in _imports(css_text, sheet_url) if urlsplit(u).scheme in ("http", "https")]


# ----------------------------------------------------------------------------- rules


@dataclass
class Rule:
    selector: str
    decls: list[tuple[str, str, bool]]


def _decls(tokens_or_text) -> list[tuple[str, str, bool]]:
    out = []
    for d in tinycss2.parse_declaration_list(tokens_or_text, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration" and d.lower_name in RELEVANT:
            out.append((d.lower_name, " ".join(tinycss2.serialize(d.value).split()).lower(), d.important))
    return out


def collect(rules, base: str, sheets: dict[str, str], seen: set[str], out: list[Rule]) -> None:
    for rule in rules:
        if rule.type == "at-rule":
            kw = rule.lower_at_keyword
            if kw == "import":
                url = _import_url(rule)
                url = urljoin(base, url.strip()) if url else None
                if url and url in sheets and url not in seen:
                    seen.add(url)
                    collect(parse_sheet(sheets[url]), url, sheets, seen, out)
            elif kw in ("media", "supports") and rule.content is not None:
                query = tinycss2.serialize(rule.prelude).lower()
                if kw == "media" and "print" in query and not re.search(r"screen|all", query):
                    continue
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                collect(inner, base, sheets, seen, out)
        elif rule.type == "qualified-rule":
            decls = _decls(rule.content)
            if decls:
                out.append(Rule(tinycss2.serialize(rule.prelude).strip(), decls))


@lru_cache(maxsize=128)
def _sheet_rules(css_text: str) -> tuple:
    """Parsed rules of a sheet (cached: a site's stylesheets and template styles repeat on every page)."""
    return tuple(tinycss2.parse_stylesheet(css_text or "", skip_comments=True, skip_whitespace=True))


def parse_sheet(css_text: str):
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


class Cascade:
    """Winning declared value of each relevant property, per element."""

    def __init__(self, root: etree._Element, rules: list[Rule], wanted: set):
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


def px(value: str | None) -> float | None:
    if not value:
        return None
    m = LENGTH.match(value.split()[0])
    if not m:
        return None
    unit = m.group(2)
    if unit == "%":
        return float(m.group(1)) * 19.2  # of a 1920px-wide viewport: -100% is off the screen
    return float(m.group(1)) * _UNIT_PX.get(unit, 1.0)
