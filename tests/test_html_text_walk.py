"""The two text walks, screening.extract.html's and crawler.extract.dom.text_lines (both lxml's
iterwalk now), held to the plain walks they replaced: the same text, character for character,
on generated markup and on every real page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from crawler.extract import patterns as P
from crawler.extract.dom import parse_html, text_lines
from screening.extract.html import BLOCK, CELL, SKIP, _walk, decode_html

SHARED = Path(os.environ.get("PATROL_SHARED") or Path(__file__).resolve().parents[2] / "shared")
REAL = SHARED / "real-pages" / "pages"


def reference(root) -> str:
    """The walk as it was written first: an explicit stack of (element, opening)."""
    out: list[str] = []
    stack = [(root, True)]
    while stack:
        el, opening = stack.pop()
        name = el.tag.lower() if isinstance(el.tag, str) else None
        if opening:
            stack.append((el, False))
            if name is None or name in SKIP:
                continue
            if name in BLOCK:
                out.append("\n")
            elif name in CELL:
                out.append("\t")
            if el.text:
                out.append(el.text)
            if name == "input" and el.get("type", "text").lower() in ("text", "hidden") and el.get("value"):
                out.append(" " + el.get("value") + " ")
            if name == "img" and el.get("alt"):
                out.append(" " + el.get("alt") + " ")
            stack.extend((child, True) for child in reversed(list(el)))
        else:
            if name in BLOCK:
                out.append("\n")
            if el.tail:
                out.append(el.tail)
    return "".join(out)


def walked(root) -> str:
    out: list[str] = []
    _walk(root, out)
    return "".join(out)


_TAGS = [
    "p",
    "div",
    "span",
    "td",
    "TH",
    "script",
    "style",
    "head",
    "b",
    "br",
    "img",
    "input",
    "svg",
    "Table",
    "li",
]
_WORDS = st.sampled_from(["秘密", "公开", " ", "\n", "a&amp;b", "身份证", "", "x"])


@st.composite
def _markup(draw, depth=0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5 if depth < 4 else 2))
        if kind <= 1:
            parts.append(draw(_WORDS))
        elif kind == 2:
            parts.append(f"<!--{draw(_WORDS)}-->" if draw(st.booleans()) else f"<?pi {draw(_WORDS)}?>")
        else:
            tag = draw(st.sampled_from(_TAGS))
            attrs = ""
            if tag == "img":
                attrs = f' alt="{draw(_WORDS)}"'
            elif tag == "input":
                attrs = f' type="{draw(st.sampled_from(["text", "hidden", "submit", "TEXT"]))}" value="{draw(_WORDS)}"'
            parts.append(f"<{tag}{attrs}>{draw(_markup(depth + 1))}</{tag}>{draw(_WORDS)}")
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(_markup())
def test_the_walk_reads_generated_markup_as_the_stack_walk_does(body):
    try:
        root = lxml_html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    except etree.ParserError:
        return
    assert walked(root) == reference(root)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-pages is not beside the project")
def test_the_walk_reads_every_real_page_as_the_stack_walk_does():
    pages = sorted(p for p in REAL.iterdir() if p.is_file())
    assert len(pages) >= 39
    for page in pages:
        root = lxml_html.document_fromstring(decode_html(page.read_bytes()))
        assert walked(root) == reference(root), page.name


def reference_lines(el) -> list[str]:
    """text_lines as it was written first: a recursive walk."""
    import re

    parts: list[str] = []
    ws = re.compile(r"\s+")

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block, cell = tag in P.BLOCK_TAGS, tag in P.CELL_TAGS
        parts.append("\n" if block else "\x1f" if cell else "")
        if node.text and tag:
            parts.append(ws.sub(" ", node.text))
        for child in node:
            walk(child)
            if child.tail:
                parts.append(ws.sub(" ", child.tail))
        parts.append("\n" if block else "\x1f" if cell else "")

    walk(el)
    lines = []
    for line in "".join(parts).split("\n"):
        line = "\t".join(c for c in (c.strip() for c in line.split("\x1f")) if c)
        if line:
            lines.append(line)
    return lines


@settings(max_examples=400, deadline=None)
@given(_markup(), st.integers(0, 6))
def test_text_lines_reads_generated_markup_as_the_recursive_walk_does(body, pick):
    root = parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>")
    elements = [root, *root.iter()]
    el = elements[pick % len(elements)]  # the whole page or one element in it (its tail not its text)
    assert text_lines(el) == reference_lines(el)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-pages is not beside the project")
def test_text_lines_reads_every_real_page_as_the_recursive_walk_does():
    for page in sorted(p for p in REAL.iterdir() if p.is_file()):
        root = parse_html(decode_html(page.read_bytes()))
        for el in (root, *root.iter("table", "div")):
            assert text_lines(el) == reference_lines(el), page.name
