"""Values that cross the engine's boundary: hits, results, severities."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES: tuple[str, ...] = ("low", "medium", "high")


def __getattr__(name: str):
    """KINDS, PERSONAL_KINDS and LEXICON_KINDS, as the detectors declare them (registry.py)."""
    from . import registry

    if name == "KINDS":
        return registry.kinds()
    if name == "PERSONAL_KINDS":
        return registry.personal_kinds()
    if name == "LEXICON_KINDS":
        return registry.lexicon_kinds()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def severity_rank(severity: str | None) -> int:
    """0 for None, then low=1, medium=2, high=3."""
    if severity is None:
        return 0
    try:
        return SEVERITIES.index(severity) + 1
    except ValueError:
        raise ValueError(f"unknown severity {severity!r}; expected one of {SEVERITIES}") from None


@dataclass(frozen=True)
class Hit:
    kind: str
    rule: str
    severity: str
    start: int
    end: int
    text: str
    context: str
    confidence: float = 1.0


@dataclass
class ScreenResult:
    hits: list[Hit]
    severity: str | None
    flagged: bool
    kinds: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    """A detector's finding in *normalised* coordinates, before scoring and masking."""

    kind: str
    rule: str
    severity: str
    start: int
    end: int
    confidence: float = 1.0
    value: str = ""  # digits of a personal-data value, used for masking and counting
    data: dict = field(default_factory=dict)
