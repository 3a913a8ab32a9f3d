"""The extractor registry: detected kind → extractor, and whether it runs isolated.

Text formats (HTML, TXT) are parsed in-process; binary formats run in a worker process
bounded in time and memory (see :mod:`screening.extract.sandbox`). Kinds nobody can read
map to a fixed ``unscreened`` reason. Register more with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import Extracted, Limits, Unscreenable

ExtractFn = Callable[..., Extracted]


@dataclass(frozen=True)
class Extractor:
    kind: str
    func: ExtractFn
    isolated: bool
    takes_charset: bool = False
    takes_hint: bool = False


_REGISTRY: dict[str, Extractor] = {}

UNSUPPORTED = {
    "image": "no text layer (image; OCR is not part of the screen)",
    "archive": "unsupported format: archive (unpack it and screen the files)",
    "pptx": "unsupported format: presentation",
    "binary": "unsupported format: unknown binary file",
}


def register(
    kind: str, func: ExtractFn, *, isolated: bool, takes_charset: bool = False, takes_hint: bool = False
) -> None:
    _REGISTRY[kind] = Extractor(kind, func, isolated, takes_charset, takes_hint)


def get(kind: str) -> Extractor | None:
    return _REGISTRY.get(kind)


def run_extractor(
    kind: str, data: bytes, limits: Limits, *, charset: str | None = None, hint: str = ""
) -> Extracted:
    """Run the extractor for ``kind`` here, turning every failure into ``unscreened``."""
    ex = _REGISTRY.get(kind)
    if ex is None:
        return Extracted.unscreened(UNSUPPORTED.get(kind, f"unsupported format: {kind}"), kind)
    kwargs: dict[str, object] = {}
    if ex.takes_charset:
        kwargs["charset"] = charset
    if ex.takes_hint:
        kwargs["hint"] = hint
    return guarded(kind, ex.func, data, limits, **kwargs)


def guarded(kind: str, func: ExtractFn, data: bytes, limits: Limits, **kwargs: object) -> Extracted:
    """Call an extractor; every failure becomes ``unscreened`` with a reason."""
    try:
        return func(data, limits, **kwargs)
    except Unscreenable as exc:
        return Extracted.unscreened(str(exc), kind)
    except MemoryError:
        return Extracted.unscreened(f"memory limit ({limits.memory_mb} MB) exceeded", kind)
    except RecursionError:
        return Extracted.unscreened(f"could not read {kind.upper()}: nesting too deep", kind)
    except Exception as exc:  # a broken document must never stop the patrol
        return Extracted.unscreened(f"could not read {kind.upper()}: {type(exc).__name__}: {exc}"[:300], kind)


def _register_builtins() -> None:
    from .docx import extract_docx
    from .html import extract_html
    from .ole import extract_ole
    from .pdf import extract_pdf
    from .rtf import extract_rtf
    from .text import extract_text
    from .xlsx import extract_xlsx

    register("html", extract_html, isolated=False, takes_charset=True)
    register("txt", extract_text, isolated=False, takes_charset=True)
    register("pdf", extract_pdf, isolated=True)
    register("docx", extract_docx, isolated=True)
    register("xlsx", extract_xlsx, isolated=True)
    register("ole", extract_ole, isolated=True, takes_hint=True)
    register("rtf", extract_rtf, isolated=True)


_register_builtins()
