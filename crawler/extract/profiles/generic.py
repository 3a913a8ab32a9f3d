"""Fallback profile: numbered pager links (EmpireCMS ``index_2.html`` style), 下一页/尾页 links,
共N页/共N条 text, and pager facts stated only in script variables (``Profile.pager``)."""

from __future__ import annotations

from ..dom import Doc
from . import Profile, register


@register
class GenericProfile(Profile):
    name = "generic"

    def detect(self, doc: Doc) -> float:
        return 1.0
