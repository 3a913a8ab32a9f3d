"""The extractor registry: every document kind declares itself in one entry.

An entry (:class:`Extractor`) says what its kind is called, how a file of that kind is recognised -
magic bytes (:class:`Magic`: bytes at an offset, or anywhere in a window), a member name inside a
ZIP container, file extensions, HTTP content types - whether the kind is a text format, which
function reads it and whether that function runs isolated (a worker process bounded in time and
memory, :mod:`screening.extract.sandbox`) or in-process. A kind nobody can read yet has no function
and an ``unsupported`` reason: it is recognised and reported ``unscreened`` with that reason.
:func:`screening.extract.detect.detect` reads these declarations; it keeps no table of its own.

Adding a format is one declaration::

    declare(Extractor("ofd", extract_ofd, isolated=True, zip_member=b"OFD.xml",
                      extensions=("ofd",), content_types=("application/ofd",)))

Giving a recognised kind its reader keeps its detection and replaces only the function::

    register("image", extract_image, isolated=True)

Order matters in one place only: magic bytes are tried in declaration order (PDF first: its
``%PDF-`` may follow some junk, so its window overlaps other formats' first bytes).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from .base import OLE_MAGIC, Extracted, Limits, Unscreenable

ExtractFn = Callable[..., Extracted]


@dataclass(frozen=True)
class Magic:
    """``data`` at ``offset`` of the file (``within`` > 0: anywhere in bytes ``offset:within``); every
    ``(offset, bytes)`` of ``also`` must be there too (a short signature made strict). ``zip``: these
    bytes open a ZIP container, whose member names may tell a more precise kind (``zip_member``)."""

    data: bytes
    offset: int = 0
    within: int = 0
    also: tuple[tuple[int, bytes], ...] = ()
    zip: bool = False

    def found(self, head: bytes) -> bool:
        if self.within:
            hit = self.data in head[self.offset : self.within]
        else:
            hit = head.startswith(self.data, self.offset)
        return hit and all(head.startswith(b, off) for off, b in self.also)


@dataclass(frozen=True)
class Extractor:
    kind: str
    func: ExtractFn | None  # None: recognised, not readable (``unsupported`` says why)
    isolated: bool = False  # run in a bounded worker process
    takes_charset: bool = False  # func(data, limits, charset=…) - the HTTP charset
    takes_hint: bool = False  # func(data, limits, hint=…) - the file extension
    magic: tuple[Magic, ...] = ()
    zip_member: bytes | None = None  # a ZIP container holding a member of this name is this kind
    extensions: tuple[str, ...] = ()
    content_types: tuple[str, ...] = ()
    text: bool = False  # a text format: a name or type saying so is trusted without magic
    unsupported: str | None = None  # the ``unscreened`` reason while ``func`` is None


@dataclass(frozen=True)
class Deferred:
    """A reader named by its module (in this package) and function, imported when first called:
    ``patrol screen`` of a text file never imports the PDF, Word, spreadsheet or OCR readers and
    their libraries. It pickles by name, so a sandboxed worker imports the reader itself."""

    module: str
    name: str

    def resolve(self) -> ExtractFn:
        return getattr(importlib.import_module(f"{__package__}.{self.module}"), self.name)

    def __call__(self, *args: object, **kwargs: object) -> Extracted:
        return self.resolve()(*args, **kwargs)


def load_all() -> None:
    """Import every deferred reader now (the screening pool's template, before it forks workers)."""
    for ex in _REGISTRY.values():
        if isinstance(ex.func, Deferred):
            ex.func.resolve()


_REGISTRY: dict[str, Extractor] = {}


def declare(entry: Extractor) -> Extractor:
    """Add ``entry``; an entry of the same kind is replaced in its place."""
    _REGISTRY[entry.kind] = entry
    return entry


def register(
    kind: str, func: ExtractFn, *, isolated: bool, takes_charset: bool = False, takes_hint: bool = False
) -> None:
    """Give ``kind`` its reader, keeping how it is recognised; a kind not declared yet is declared,
    recognised by nothing (it is reached by name: ``run_extractor(kind, …)``)."""
    old = _REGISTRY.get(kind) or Extractor(kind, None)
    declare(
        replace(
            old,
            func=func,
            isolated=isolated,
            takes_charset=takes_charset,
            takes_hint=takes_hint,
            unsupported=None,
        )
    )


def entries() -> list[Extractor]:
    """Every entry, in declaration order."""
    return list(_REGISTRY.values())


def entry(kind: str) -> Extractor | None:
    """The declaration of ``kind`` (readable or not)."""
    return _REGISTRY.get(kind)


def get(kind: str) -> Extractor | None:
    """The entry of ``kind`` when something can read it; None otherwise."""
    ex = _REGISTRY.get(kind)
    return ex if ex is not None and ex.func is not None else None


def unsupported_reason(kind: str) -> str:
    ex = _REGISTRY.get(kind)
    return (ex.unsupported if ex is not None else None) or f"unsupported format: {kind}"


# ---------------------------------------------------------------- lookups for detect()
def by_magic(head: bytes) -> tuple[Extractor, Magic] | None:
    """The first entry (declaration order) whose magic bytes open ``head``, with those bytes."""
    for ex in _REGISTRY.values():
        for m in ex.magic:
            if m.found(head):
                return ex, m
    return None


def by_zip_member(data: bytes) -> Extractor | None:
    """The first entry whose ZIP member name appears in ``data`` (member names sit uncompressed in
    the local headers and the central directory)."""
    for ex in _REGISTRY.values():
        if ex.zip_member is not None and ex.zip_member in data:
            return ex
    return None


def by_extension(ext: str) -> Extractor | None:
    for ex in _REGISTRY.values():
        if ext and ext in ex.extensions:
            return ex
    return None


def by_content_type(ctype: str) -> Extractor | None:
    for ex in _REGISTRY.values():
        if ctype and ctype in ex.content_types:
            return ex
    return None


# ---------------------------------------------------------------- running an extractor
def run_extractor(
    kind: str, data: bytes, limits: Limits, *, charset: str | None = None, hint: str = ""
) -> Extracted:
    """Run the extractor for ``kind`` here, turning every failure into ``unscreened``."""
    ex = get(kind)
    if ex is None:
        return Extracted.unscreened(unsupported_reason(kind), kind)
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


# ---------------------------------------------------------------- the built-in entries
ZIP_MAGIC = (Magic(b"PK\x03\x04", zip=True), Magic(b"PK\x05\x06", zip=True))


def _declare_builtins() -> None:
    extract_pdf = Deferred("pdf", "extract_pdf")
    extract_docx = Deferred("docx", "extract_docx")
    extract_xlsx = Deferred("xlsx", "extract_xlsx")
    extract_ole = Deferred("ole", "extract_ole")
    extract_rtf = Deferred("rtf", "extract_rtf")
    extract_html = Deferred("html", "extract_html")
    extract_text = Deferred("text", "extract_text")

    declare(
        Extractor(
            "pdf",
            extract_pdf,
            isolated=True,
            magic=(Magic(b"%PDF-", within=1024),),
            extensions=("pdf",),
            content_types=("application/pdf",),
        )
    )
    declare(
        Extractor(
            "docx",
            extract_docx,
            isolated=True,
            zip_member=b"word/document",
            extensions=("docx", "docm", "dotx"),
            content_types=("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        )
    )
    declare(
        Extractor(
            "xlsx",
            extract_xlsx,
            isolated=True,
            zip_member=b"xl/workbook",
            extensions=("xlsx", "xlsm", "xltx"),
            content_types=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
        )
    )
    declare(
        Extractor(
            "pptx",
            None,
            zip_member=b"ppt/presentation",
            extensions=("pptx",),
            unsupported="unsupported format: presentation",
        )
    )
    # DOC/WPS/XLS/ET (and PPT) share the OLE container; the extension is passed on as a hint
    declare(
        Extractor(
            "ole",
            extract_ole,
            isolated=True,
            takes_hint=True,
            magic=(Magic(OLE_MAGIC),),
            extensions=("doc", "dot", "wps", "xls", "et", "xlt", "ppt"),
            content_types=(
                "application/msword",
                "application/vnd.ms-excel",
                "application/vnd.ms-works",
                "application/kswps",
                "application/wps-office.wps",
                "application/wps-office.et",
            ),
        )
    )
    declare(
        Extractor(
            "rtf",
            extract_rtf,
            isolated=True,
            magic=(Magic(b"{\\rtf"),),
            extensions=("rtf",),
            content_types=("application/rtf", "text/rtf"),
        )
    )
    # recognised for OCR (screening/extract/ocr.py gives it its reader with register())
    declare(
        Extractor(
            "image",
            None,
            magic=(
                Magic(b"\x89PNG\r\n\x1a\n"),
                Magic(b"\xff\xd8\xff"),  # JPEG
                Magic(b"GIF87a"),
                Magic(b"GIF89a"),
                Magic(b"II*\x00"),  # TIFF, little-endian
                Magic(b"MM\x00*"),  # TIFF, big-endian
                Magic(b"BM", also=((6, b"\x00\x00\x00\x00"),)),  # BMP: "BM" alone is too weak
                Magic(b"RIFF", also=((8, b"WEBP"),)),
            ),
            extensions=("jpg", "jpeg", "png", "gif", "tif", "tiff", "bmp", "webp"),
            unsupported="no text layer (image; OCR is not part of the screen)",
        )
    )
    declare(
        Extractor(
            "archive",
            None,
            magic=(
                *ZIP_MAGIC,
                Magic(b"Rar!\x1a\x07"),
                Magic(b"7z\xbc\xaf\x27\x1c"),
                Magic(b"\x1f\x8b"),  # gzip
            ),
            extensions=("zip", "rar", "7z", "gz"),
            content_types=("application/zip", "application/x-rar-compressed"),
            unsupported="unsupported format: archive (unpack it and screen the files)",
        )
    )
    declare(
        Extractor(
            "html",
            extract_html,
            takes_charset=True,
            extensions=("html", "htm", "shtml", "xhtml", "jsp", "asp", "aspx", "php"),
            content_types=("text/html", "application/xhtml+xml"),
            text=True,
        )
    )
    declare(
        Extractor(
            "txt",
            extract_text,
            takes_charset=True,
            extensions=("txt", "text", "csv", "log"),
            content_types=("text/plain", "text/csv"),
            text=True,
        )
    )
    # what a sniff of the bytes calls binary when nothing above recognised it
    declare(Extractor("binary", None, unsupported="unsupported format: unknown binary file"))


_declare_builtins()
register("image", Deferred("ocr", "extract_image"), isolated=True)
