"""Detectors that declare themselves (urlwatch's ``__kind__`` registry, STYLE.md).

Every kind of hit has one detector class, a subclass of :class:`Detector`, and the class
says everything the rest of the product needs to know about that kind::

    class ResidentIds(Detector):
        name = "ids"               # registry name (validators.DETECTORS)
        kind = "id_number"         # the hit kind in JSON and in the store
        label = "身份证号"          # what a reviewer reads (CLI, web app, alerts)
        severity = "high"          # before scoring (RULES.md)
        personal = True            # personal data: masked in hit text and context
        mask = (6, 4)              # characters kept at the start and the end
        stage = 20                 # when its scoring rules run (lower first)
        rules = (score_ids,)       # scoring.py rules that judge it in context
        def detect(self, doc): ... # candidates (lexicon kinds: the matcher finds them)

Subclassing registers it. The screener runs ``detect`` of every pattern detector, the
scorer runs each detector's ``rules`` by ``stage`` and then the page rules, masking reads
``personal``/``mask``, lexicon files are checked against :func:`kinds`, and the web app,
the alerts and ``patrol screen`` name kinds with :func:`kind_label` / :data:`KIND_LABELS`.
Adding a kind is adding one class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

SEVERITY_LABELS: dict[str | None, str] = {"high": "高", "medium": "中", "low": "低", None: "-"}

_REGISTRY: dict[str, type[Detector]] = {}  # kind -> detector class, in declaration order


class Detector:
    """Base class: a subclass that sets ``kind`` is registered under that kind."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    severity: ClassVar[str] = "low"
    personal: ClassVar[bool] = False
    mask: ClassVar[tuple[int, int]] = (3, 4)
    lexicon: ClassVar[bool] = False  # hits come from lexicon entries (matcher.py), not detect()
    stage: ClassVar[int] = 100
    rules: ClassVar[tuple[Callable[..., Any], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in cls.__dict__:
            return
        for attr in ("kind", "label", "severity"):
            if not getattr(cls, attr):
                raise TypeError(f"detector {cls.__name__}: {attr} is required")
        if cls.severity not in ("low", "medium", "high"):
            raise TypeError(f"detector {cls.__name__}: severity {cls.severity!r}")
        other = _REGISTRY.get(cls.kind)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise TypeError(f"kind {cls.kind!r} declared twice: {other.__name__} and {cls.__name__}")
        _REGISTRY[cls.kind] = cls

    def detect(self, doc: Any) -> list:
        return []


_loaded = False


def _load() -> dict[str, type[Detector]]:
    """Import the modules that declare detectors (once; they register on import)."""
    global _loaded
    if not _loaded:
        from . import validators  # noqa: F401, I001
        from . import lexicon_kinds  # noqa: F401

        _loaded = True
    return _REGISTRY


def detectors() -> list[type[Detector]]:
    """Every detector class: the pattern detectors in declaration order (the order they run),
    then the lexicon kinds."""
    found = list(_load().values())
    return [d for d in found if not d.lexicon] + [d for d in found if d.lexicon]


def pattern_detectors() -> list[type[Detector]]:
    """The detectors whose ``detect`` finds candidates (the lexicon kinds have none)."""
    return [d for d in detectors() if not d.lexicon]


def get(kind: str) -> type[Detector] | None:
    return _load().get(kind)


def kinds() -> tuple[str, ...]:
    return tuple(d.kind for d in detectors())


def personal_kinds() -> frozenset[str]:
    return frozenset(k for k, d in _load().items() if d.personal)


def lexicon_kinds() -> frozenset[str]:
    return frozenset(k for k, d in _load().items() if d.lexicon)


def kind_label(kind: str) -> str:
    """The Chinese name of a hit kind (the kind itself when unknown)."""
    d = _load().get(kind)
    return d.label if d is not None else kind


def scoring_rules() -> list[tuple[str, Callable[..., Any]]]:
    """(name, rule) of every detector's scoring rules, by stage then declaration order."""
    ordered = sorted(enumerate(detectors()), key=lambda t: (t[1].stage, t[0]))
    out: list[tuple[str, Callable[..., Any]]] = []
    for _, d in ordered:
        for rule in d.rules:
            if all(rule is not r for _, r in out):  # a rule shared by two kinds runs once
                out.append((f"{d.kind}:{rule.__name__}", rule))
    return out


class _Labels(Mapping):
    """kind -> Chinese label of every declared kind, read on first use (the detector modules
    import this one, so the table cannot be built when it is imported)."""

    def __getitem__(self, kind: str) -> str:
        return _load()[kind].label

    def __iter__(self):
        return iter(kinds())

    def __len__(self) -> int:
        return len(_load())

    def __repr__(self) -> str:
        return repr(dict(self))


KIND_LABELS: Mapping[str, str] = _Labels()

__all__ = [
    "Detector",
    "KIND_LABELS",
    "SEVERITY_LABELS",
    "detectors",
    "pattern_detectors",
    "get",
    "kinds",
    "kind_label",
    "personal_kinds",
    "lexicon_kinds",
    "scoring_rules",
]
