"""CMS profiles: one small module per pagination family, chosen by score.

A profile declares ``name`` and ``detect(doc) -> score``; the registry picks the highest score
(ties go to the earlier registration). A profile may supply the element holding the list rows
(``row_root``; Hanweb parses its XML records there) and its family's own pager (``own_pager``, the
first step of ``nextpage.NEXT_PAGE_CHAIN``; ``own_pager_only`` when that pager is the whole answer
and the page's links and script variables are not to be read). New families register themselves
with ``@register`` — no if/elif chains.
"""

from __future__ import annotations

from lxml import etree

from ..dom import Doc
from ..pager import Pager


class Profile:
    name = "base"
    own_pager_only = False  # True: own_pager is the whole answer (no pager links, no script counts)

    def detect(self, doc: Doc) -> float:
        return 0.0

    def row_root(self, doc: Doc) -> etree._Element | None:
        """Element to look for rows in; None means the whole document."""
        return None

    def own_pager(self, doc: Doc) -> Pager | None:
        """The pager this CMS family's script or data states; None when there is none (the rest of
        ``nextpage.NEXT_PAGE_CHAIN`` then reads the page's links, script variables and forms)."""
        return None


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
