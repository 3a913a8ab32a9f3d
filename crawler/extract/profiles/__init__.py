"""CMS profiles: one small module per pagination family, chosen by score.

A profile declares ``name`` and ``detect(doc) -> score``; the registry picks the highest score
(ties go to the earlier registration). A profile may supply the element holding the list rows
(``row_root``; Hanweb parses its XML records there) and computes the pager (``pager``). New
families register themselves with ``@register`` — no if/elif chains.
"""

from __future__ import annotations

from lxml import etree

from ..dom import Doc
from ..pager import Pager, link_pager, script_facts


class Profile:
    name = "base"

    def detect(self, doc: Doc) -> float:
        return 0.0

    def row_root(self, doc: Doc) -> etree._Element | None:
        """Element to look for rows in; None means the whole document."""
        return None

    def pager(
        self, doc: Doc, scope: etree._Element | None = None, next_el: etree._Element | None = None
    ) -> Pager:
        """Pager links/text; when the page shows none, facts stated in script variables
        (recordCount / prepage, as in static+JS hybrid lists whose pager is a template)."""
        pager = link_pager(doc, scope, next_el)
        if pager.total_pages is None and pager.total_records is None and pager.next_url is None:
            rec, size, count = script_facts(doc)
            if rec is not None and size:
                pager.total_records, pager.total_pages = rec, count
        return pager


_REGISTRY: dict[str, Profile] = {}


def register(cls: type[Profile]) -> type[Profile]:
    _REGISTRY[cls.name] = cls()
    return cls


def registered() -> list[Profile]:
    return list(_REGISTRY.values())


def get(name: str) -> Profile:
    return _REGISTRY[name]


def choose(doc: Doc) -> Profile:
    """The profile with the highest detection score."""
    best, best_score = None, float("-inf")
    for prof in _REGISTRY.values():
        score = prof.detect(doc)
        if score > best_score:
            best, best_score = prof, score
    assert best is not None
    return best


from . import asp, generic, hanweb, scripted, trs  # noqa: E402,F401  (registration side effects)

__all__ = ["Profile", "register", "registered", "get", "choose", "Pager"]
