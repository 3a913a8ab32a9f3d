"""TRS WCM: ``createPageHTML(N, cur, "index", "html")`` script pagers with no <a> to page 2.

Page 0 is ``index.html``, page k is ``index_k.html`` (so ``index_1.html`` is page 2). Also the older
``var countPage = N; var currentPage = c`` + document.write variant, and newer calls with a leading
element id and a trailing record count: ``createPageHTML('page_div', N, cur, 'index', 'html', total)``,
and the ``Pager({size:N, current:c, prefix:'index', suffix:'html'})`` object call of the same family.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .. import patterns as P
from ..dom import Doc
from ..pager import Pager, script_facts
from . import Profile, register


def _args(call: str) -> tuple[list[int], list[str]]:
    nums, strs = [], []
    for raw in call.split(","):
        a = raw.strip()
        if re.fullmatch(r"-?\d+", a):
            nums.append(int(a))
        elif re.fullmatch(r"""(['"])(.*)\1""", a):
            strs.append(a[1:-1])
    return nums, strs


def trs_script_pager(doc: Doc) -> tuple[int, int, str, str, int | None] | None:
    """(page count, current 0-based, prefix, extension, record count) from the pager script."""
    for m in P.TRS_CREATE_PAGE_RE.finditer(doc.scripts):  # skip an inline function definition
        nums, strs = _args(m.group(1))
        if len(nums) >= 2:
            # a leading element id is a string before the numbers; prefix/ext are the last two strings
            names = [s for s in strs if s and not s.startswith(("#",))]
            prefix, ext = (names[-2], names[-1]) if len(names) >= 2 else ("index", "html")
            total = nums[2] if len(nums) >= 3 else None
            return nums[0], nums[1], prefix, ext.lstrip("."), total
    for m in P.TRS_PAGER_OBJECT_RE.finditer(doc.scripts):
        cfg = dict(P.TRS_PAGER_KEY_RE.findall(m.group(1)))
        if cfg.get("size", "").isdigit():
            cur = int(cfg["current"]) if cfg.get("current", "").isdigit() else 0
            ext = cfg.get("suffix") or "html"
            return int(cfg["size"]), cur, cfg.get("prefix") or "index", ext, None
    count = re.search(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)", doc.scripts)
    if count:
        cur = re.search(r"\bvar\s+currentPage\s*=\s*['\"]?(\d+)", doc.scripts)
        ext = re.search(r"""index["']?\s*\+\s*["']?\.?["']?\s*\+?\s*["']\.?(s?html?)""", doc.scripts)
        return (
            int(count.group(1)),
            int(cur.group(1)) if cur else 0,
            "index",
            ext.group(1) if ext else "html",
            None,
        )
    return None


@register
class TrsProfile(Profile):
    name = "trs"

    def detect(self, doc: Doc) -> float:
        if P.TRS_CREATE_PAGE_RE.search(doc.scripts) or P.TRS_PAGER_OBJECT_RE.search(doc.scripts):
            return 10.0
        if re.search(r"\bvar\s+countPage\s*=", doc.scripts):
            return 8.0
        return 2.0 if P.TRS_MARKERS_RE.search(doc.html[:200000]) else 0.0

    def own_pager(self, doc: Doc) -> Pager | None:
        facts = trs_script_pager(doc)
        if facts is None:
            return None
        count, cur, prefix, ext, records = facts
        count = max(count, 1)
        cur = min(max(cur, 0), count - 1)
        pages = [urljoin(doc.base, f"{prefix}.{ext}")] + [
            urljoin(doc.base, f"{prefix}_{k}.{ext}") for k in range(1, count)
        ]
        pages[cur] = doc.url
        if records is None:
            records = script_facts(doc)[0]
        return Pager(
            pages=pages,
            next_url=pages[cur + 1] if cur + 1 < count else None,
            total_pages=count,
            total_records=records,
            current=cur + 1,
        )
