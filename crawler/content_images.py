"""Images inside an article body (issue 11): what the patrol fetches for OCR, like attachments.

A scanned notice pasted into an article as a picture is screened like an attached scan. What is
not a document: the site's logos, banners, buttons, icons and QR codes. They are left out by
where they sit (header, nav, footer, a block named logo/banner/menu/share …), by their names, by
a declared size below ``MIN_SIDE`` pixels, and by being part of the site's template (the same
image on the homepage or a column page of the site). The OCR worker also skips images too
small to hold text. At most ``MAX_PER_PAGE`` images per article.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from crawler.extract.dom import HTML_PARSER

MAX_PER_PAGE = 12
MIN_SIDE = 100  # a declared width or height below this is an icon, not a page
_CHROME_TAGS = {"header", "nav", "footer", "menu", "aside"}
_CHROME_NAME = re.compile(
    r"logo|banner|header|footer|nav|menu|topbar|bottom|copyright|share|qrcode|ewm|erweima|weixin|"
    r"wechat|weibo|icon|btn|button|toolbar|print|close|arrow|gotop|backtop|jiathis|bdshare",
    re.I,
)


_IMG_TAG_RE = re.compile(r"<img", re.I)


def _attr(el, names: tuple[str, ...]) -> str:
    for n in names:
        v = (el.get(n) or "").strip()
        if v:
            return v
    return ""


def _declared_small(el) -> bool:
    for key in ("width", "height"):
        v = (el.get(key) or "").strip().lower().removesuffix("px")
        if v.isdigit() and int(v) < MIN_SIDE:
            return True
    style = (el.get("style") or "").lower()
    for m in re.finditer(r"(?:^|;)\s*(?:width|height)\s*:\s*(\d+)px", style):
        if int(m.group(1)) < MIN_SIDE:
            return True
    return False


def _in_chrome(el) -> bool:
    node = el
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _CHROME_TAGS:
            return True
        name = f"{node.get('class') or ''} {node.get('id') or ''}"
        if name.strip() and _CHROME_NAME.search(name):
            return True
        node = node.getparent()
    return False


def image_urls(page_url: str, html: str) -> list[str]:
    """Every image a page shows, absolute (the template images of a site, for ``template``)."""
    try:
        root = lxml_html.fromstring(html, parser=HTML_PARSER)  # the lookup in C
    except (ValueError, lxml_html.etree.ParserError):
        return []
    base = root.xpath("string(//base/@href)") or page_url
    out = []
    for el in root.iter("img"):
        src = _attr(el, ("src", "data-src", "data-original"))
        if src and not src.startswith("data:"):
            out.append(urljoin(base, src))
    return list(dict.fromkeys(out))


def content_images(
    page_url: str, html: str, template: set[str] | frozenset = frozenset()
) -> list[tuple[str, str]]:
    """``[(url, name)]`` of the images an article's body shows, in document order."""
    if not _IMG_TAG_RE.search(html):
        return []  # no <img> in the source: nothing to parse for
    try:
        root = lxml_html.fromstring(html, parser=HTML_PARSER)  # the lookup in C
    except (ValueError, lxml_html.etree.ParserError):
        return []
    base = root.xpath("string(//base/@href)") or page_url
    out: dict[str, str] = {}
    for el in root.iter("img"):
        src = _attr(el, ("src", "data-src", "data-original"))
        if not src or src.startswith("data:"):
            continue
        url = urljoin(base, src)
        if urlsplit(url).scheme not in ("http", "https") or url in template or url in out:
            continue
        file = urlsplit(url).path.rsplit("/", 1)[-1]
        if _CHROME_NAME.search(file) or _declared_small(el) or _in_chrome(el):
            continue
        alt = (el.get("alt") or el.get("title") or "").strip()
        out[url] = alt or file or "图片"
        if len(out) >= MAX_PER_PAGE:
            break
    return list(out.items())
