"""Site identity on a homepage: 网站标识码, ICP 备案号, 公安机关备案号, 党政机关网站标识.

Read from what a visitor sees (the page's text without scripts, styles and comments), except the
开办主体 mark, which is an image link or a script of the 党政机关网站 registry (conac.cn: a link
to ``bszs.conac.cn/sitename?…``, a ``dcs.conac.cn/js/…`` script, also written through
``document.write(unescape(…))``, the ``_ideConac``/``imgConac`` ids, a ``dzjg`` image or an
image whose alt reads 党政机关). Limits: a footer drawn by an external script is not read; a
``SiteIDCode`` meta alone does not count (the code must be shown).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from .dom import parse, text_of

FIELDS = ("site_code", "icp", "psb", "gov_mark")

SITE_CODE = re.compile(r"(?:网站)?(?:标识|识别)码\s*[:：]?\s*([A-Za-z]{2}\d{8}|\d{10})(?![A-Za-z0-9])")
ICP = re.compile(r"((?:[\u4e00-\u9fa5]\s*)?ICP\s*备\s*\d{6,12}\s*号(?:\s*-\s*\d{1,3})?)", re.I)
PSB = re.compile(
    r"((?:[\u4e00-\u9fa5]\s*)?公网安备\s*[:：]?\s*\d{10,14}\s*号?|公安(?:机关)?备案号?\s*[:：]?\s*\d{14}\s*号?)"
)
CONAC = re.compile(r"conac[.\-]cn|_ideConac|imgConac|/dzjg[^/\"']*\.(?:png|gif|jpe?g)", re.I)


@dataclass(frozen=True)
class Identity:
    site_code: str | None = None
    icp: str | None = None
    psb: str | None = None
    gov_mark: str | None = None  # what was found: the conac link/script URL, or the mark's id/image


def _gov_mark(root: etree._Element) -> str | None:
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag == "style":
            continue
        for attr in ("href", "src", "id", "data-src"):
            value = el.get(attr)
            if value and CONAC.search(value):
                return value.strip()
        if el.tag == "img" and "党政机关" in (el.get("alt") or "") + (el.get("title") or ""):
            return (el.get("src") or "党政机关").strip()
        if el.tag == "script" and el.text and "conac" in el.text.lower():
            m = re.search(r"(?:https?:)?//[^\s'\"]*conac[^\s'\"]*", unquote(el.text), re.I)
            return m.group(0) if m else "conac script"
    return None


def _norm(value: str) -> str:
    return re.sub(r"\s+", "", value)


def site_identity(url: str, html: str) -> Identity:
    """The identity marks shown on a homepage; None where a mark is absent."""
    root = parse(html)
    body = root.find("body")
    text = unicodedata.normalize("NFKC", text_of(body if body is not None else root))  # full-width digits
    code = SITE_CODE.search(text)
    icp = ICP.search(text)
    psb = PSB.search(text)
    return Identity(
        site_code=code.group(1) if code else None,
        icp=_norm(icp.group(1)) if icp else None,
        psb=_norm(psb.group(1)) if psb else None,
        gov_mark=_gov_mark(root),
    )


def missing_identity(identity: Identity) -> list[str]:
    """The absent marks, in the contract's order: site_code, icp, psb, gov_mark."""
    return [f for f in FIELDS if getattr(identity, f) is None]
