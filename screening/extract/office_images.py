"""Pictures inside office documents read by OCR: a scan pasted into a DOCX, a photo in an XLSX.

The commonest way a scanned 红头文件 reaches a portal is a Word file with the scan pasted in;
its ★ mark is in the picture, not in the text. The raster pictures of an OOXML package
(``word/media/*``, ``xl/media/*``: PNG, JPEG, GIF, BMP, TIFF, WebP, told by their bytes) are read
like an image attachment (:mod:`screening.extract.ocr`): the same engine, the same size rules
(a logo, an icon, a 党徽, a rule line is not read), the same cache (by the picture's sha256, so
a scan read as an attachment is not read again inside a DOCX), the same OCR repair. Every
picture read counts against the document's page budget (``limits.ocr_max_pages``) and its
time; a picture that limit leaves unread, that is too large or that cannot be decoded makes
the document ``unscreened`` with the reason, never clean. Only the first frame of a picture is
read (Word and Excel show no other). EMF/WMF (vector drawings: charts, formulas, the preview of
an embedded object) are not read.

Numbering: picture ``n`` is the ``n``-th raster member of the package in :func:`media_names`
order (natural sort of the member names), counted whether it was read or not, so the number
depends on the file alone: OCR regions carry it as their ``page`` and :func:`page_image` draws
it again for the reviewer's crop. The text of each picture read follows the document's text,
each under a line ``〔图片 n（OCR）〕``; a document without pictures read is unchanged.

Office 97 files (DOC, WPS, XLS, ET) keep their pictures as OfficeArt BLIP records ([MS-ODRAW]):
a Word file in its Data stream (inline pictures) and its WordDocument stream (floating ones), a
workbook in the drawing group of its globals. No maintained Python library reads them (olefile
reads the container only), so :func:`blip_pictures` finds the raster BLIPs (JPEG, PNG, DIB,
TIFF) by their record headers and keeps those whose length fits and whose data opens like its
format; they are numbered in stream order (:func:`ole_pictures`) and read the same way.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable

from .base import Extracted, Limits, OcrRegion, Unscreenable

_MEDIA = re.compile(r"^(?:word|xl)/media/[^/]+$", re.I)
_RASTER = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"BM",  # BMP (checked further in is_raster)
)
_RASTER_EXTENSIONS = {"png", "jpg", "jpeg", "jpe", "gif", "bmp", "dib", "tif", "tiff", "webp"}
SEPARATOR = "\n\n〔图片 {n}（OCR）〕\n"


def is_raster(head: bytes) -> bool:
    """The first bytes of a picture PIL decodes and OCR can read (not EMF/WMF or others)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    if head[:2] == b"BM":
        return len(head) >= 10 and head[6:10] == b"\x00\x00\x00\x00"
    return any(head.startswith(m) for m in _RASTER)


def _natural(name: str) -> list:
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name)]


def media_names(zf: zipfile.ZipFile) -> list[str]:
    """The package's raster pictures, in picture-number order (natural sort of member names)."""
    out = []
    for name in sorted((n for n in zf.namelist() if _MEDIA.match(n)), key=_natural):
        try:
            with zf.open(name) as fh:
                raster = is_raster(fh.read(16))
        except Exception:  # noqa: BLE001 - damaged: its name says what it was meant to be
            raster = name.rpartition(".")[2].lower() in _RASTER_EXTENSIONS
        if raster:
            out.append(name)
    return out


def _image(data: bytes):
    """The picture opened lazily (header only: its size is known, nothing decoded yet)."""
    from PIL import Image

    return Image.open(io.BytesIO(data))


def page_image(data: bytes, page: int, limits: Limits | None = None):
    """Picture ``page`` (1-based, :func:`media_names` order) of a DOCX/XLSX as an RGB image: the
    pixels the boxes of its OCR regions refer to."""
    from .ocr import _frame
    from .ziputil import open_zip

    limits = limits or Limits()
    zf = open_zip(data, limits, "OOXML")
    names = media_names(zf)
    if not 1 <= page <= len(names):
        raise Unscreenable(f"no picture {page} in the document ({len(names)} pictures)")
    return _frame(_image(zf.read(names[page - 1])), 0, limits)


def with_pictures(zf: zipfile.ZipFile, text: str, kind: str, limits: Limits) -> Extracted:
    """The package's ``text`` followed by what OCR reads in its pictures; see the module doc."""
    names = media_names(zf)
    pictures = ((n, name, lambda name=name: zf.read(name)) for n, name in enumerate(names, 1))
    return read_pictures(pictures, len(names), text, kind, limits)


def read_pictures(
    pictures: Iterable[tuple[int, str, Callable[[], bytes]]],
    total: int,
    text: str,
    kind: str,
    limits: Limits,
) -> Extracted:
    """``text`` followed by what OCR reads in ``pictures`` (number, name, a function giving the
    bytes; ``total`` of them), within one page budget; see the module doc."""
    from . import ocr

    if not total:
        return Extracted.ok(text, kind)
    budget = ocr.Budget.of(limits)
    parts = [text]
    pos = len(text)
    regions: list[OcrRegion] = []
    problems: list[str] = []
    seen: set[str] = set()
    unread: list[int] = []  # pictures a limit left unread
    limit_reason = ""
    for n, name, load in pictures:
        try:
            data = load()
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged member loses that picture, not the text
            problems.append(f"picture {n} ({name}) could not be read: {type(exc).__name__}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:  # the same picture stored twice is read once
            continue
        seen.add(digest)
        try:
            img = _image(data)
            width, height = img.size
        except Exception as exc:  # noqa: BLE001 - a picture PIL cannot open
            problems.append(f"picture {n} ({name}) could not be read: {type(exc).__name__}")
            continue
        if ocr.too_small(data, width, height, limits):
            continue  # a logo, an icon, a rule line: not a document
        if width * height > limits.ocr_max_pixels:
            problems.append(
                f"picture {n} too large for OCR ({width}×{height} px > {limits.ocr_max_pixels:,} px limit)"
            )
            continue
        if limit_reason:
            unread.append(n)
            continue
        try:
            got = ocr.read_pages(data, [1], lambda _p, img=img: ocr._frame(img, 0, limits), limits, 1, budget)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - OCR that fails leaves the picture unscreened
            why = str(exc) if isinstance(exc, Unscreenable) else f"OCR failed: {type(exc).__name__}: {exc}"
            problems.append(f"picture {n}: {why}"[:300])
            continue
        if got.limit:
            unread.append(n)
            limit_reason = (
                f"OCR page limit ({limits.ocr_max_pages})"
                if got.limit == "pages"
                else f"OCR stopped by the time limit ({limits.timeout_s:g} s)"
            )
            continue
        read = got.pages.get(1)
        if read is None or not read.segments:
            continue
        head = SEPARATOR.format(n=n)
        body, regs = ocr.ocr_text(read, n, pos + len(head))
        if not body.strip():
            continue
        parts.extend((head, body))
        regions.extend(regs)
        pos += len(head) + len(body)
    if unread:
        problems.insert(
            0,
            f"{limit_reason}: {len(unread)} of {total} picture(s) in the {kind.upper()} not read "
            f"(from picture {unread[0]})",
        )
    full = "".join(parts)
    if problems:
        return Extracted(full, "unscreened", "; ".join(problems)[:400], kind, tuple(regions))
    return Extracted(full, "screened", None, kind, tuple(regions))


# ---------------------------------------------------------------- Office 97 (DOC, WPS, XLS, ET) pictures

# OfficeArt BLIP records ([MS-ODRAW] 2.2.23-2.2.30) of raster pictures: the first four bytes of
# the record header (recVer 0 | recInstance << 4, recType), and how many 16-byte UIDs follow it
_BLIP_HEADS = {
    struct.pack("<HH", instance << 4, rec_type): 2 if instance & 1 else 1  # odd instance: two UIDs
    for rec_type, instances in (
        (0xF01D, (0x46A, 0x46B, 0x6E2, 0x6E3)),  # JPEG (RGB, CMYK)
        (0xF02A, (0x46A, 0x46B, 0x6E2, 0x6E3)),  # JPEG
        (0xF01E, (0x6E0, 0x6E1)),  # PNG
        (0xF01F, (0x7A8, 0x7A9)),  # DIB
        (0xF029, (0x6E4, 0x6E5)),  # TIFF
    )
    for instance in instances
}
_BLIP_RE = re.compile(b"|".join(re.escape(h) for h in _BLIP_HEADS))
# streams of a Word 97 file that hold pictures: inline ones in Data, floating ones in the delay
# stream (WordDocument) or in the table stream's BLIP store
_PICTURE_STREAMS = ("Data", "WordDocument", "1Table", "0Table")


def _dib_as_bmp(dib: bytes) -> bytes | None:
    """A device-independent bitmap (BLIP data) with the BMP file header PIL needs."""
    if len(dib) < 40:
        return None
    (header,) = struct.unpack_from("<I", dib, 0)
    (bits,) = struct.unpack_from("<H", dib, 14)
    (compression,) = struct.unpack_from("<I", dib, 16)
    (colors,) = struct.unpack_from("<I", dib, 32)
    if header not in (40, 52, 56, 108, 124):
        return None
    palette = 4 * (colors or (1 << bits if bits <= 8 else 0))
    masks = 12 if header == 40 and compression in (3, 6) else 0
    offset = 14 + header + masks + palette
    return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, offset) + dib


def blip_pictures(stream: bytes) -> list[bytes]:
    """The raster pictures stored as OfficeArt BLIP records in ``stream``, in stream order: a
    record counts when its length fits the stream and its data opens like its format."""
    out = []
    pos = 0
    while True:
        m = _BLIP_RE.search(stream, pos)
        if m is None:
            return out
        at = m.start()
        pos = at + 1
        if at + 8 > len(stream):
            continue
        rec_len = struct.unpack_from("<I", stream, at + 4)[0]
        skip = 16 * _BLIP_HEADS[m.group(0)] + 1  # UIDs and the tag byte
        if rec_len <= skip or at + 8 + rec_len > len(stream):
            continue
        data = stream[at + 8 + skip : at + 8 + rec_len]
        if stream[at + 2 : at + 4] == b"\x1f\xf0":  # DIB: no file header of its own
            data = _dib_as_bmp(data) or b""
        if data and is_raster(data[:16]):
            out.append(data)
            pos = at + 8 + rec_len
    return out


_MSODRAWINGGROUP = 0x00EB
_CONTINUE = 0x003C
_EOF = 0x000A


def biff_drawing_group(book: bytes) -> bytes:
    """The OfficeArt drawing group of a BIFF8 workbook stream (XLS, ET), whose BLIP store holds
    the workbook's pictures: its MSODRAWINGGROUP records and their CONTINUE records joined (a
    BIFF record holds at most 8,224 bytes, so a picture is cut across them). It lies in the
    workbook globals, which end at the first EOF record: the sheets are not walked."""
    parts: list[bytes] = []
    pos, inside = 0, False
    while pos + 4 <= len(book):
        rec_type, size = struct.unpack_from("<HH", book, pos)
        if rec_type == _EOF:
            break
        if rec_type == _MSODRAWINGGROUP or inside and rec_type == _CONTINUE:
            parts.append(book[pos + 4 : pos + 4 + size])
            inside = True
        else:
            inside = False
        pos += 4 + size
    return b"".join(parts)


def ole_pictures(read_stream: Callable[[str], bytes | None]) -> list[bytes]:
    """The raster pictures of a Word 97 document (DOC, WPS) or an Excel 97 workbook (XLS, ET),
    in picture-number order."""
    book = read_stream("Workbook") or read_stream("Book")
    if book:
        return blip_pictures(biff_drawing_group(book))
    out: list[bytes] = []
    for name in _PICTURE_STREAMS:
        data = read_stream(name)
        if data:
            out.extend(blip_pictures(data))
    return out


def with_ole_pictures(
    read_stream: Callable[[str], bytes | None], text: str, kind: str, limits: Limits
) -> Extracted:
    """A DOC/WPS's ``text`` followed by what OCR reads in its pictures (BLIP records)."""
    found = ole_pictures(read_stream)
    pictures = ((n, f"BLIP {n}", lambda d=d: d) for n, d in enumerate(found, 1))
    return read_pictures(pictures, len(found), text, kind, limits)


def ole_page_image(data: bytes, page: int, limits: Limits | None = None):
    """Picture ``page`` (1-based, :func:`ole_pictures` order) of a DOC/WPS/XLS/ET as an RGB image."""
    import olefile

    from .ocr import _frame

    limits = limits or Limits()
    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        lower = {"/".join(p).lower(): p for p in ole.listdir(streams=True, storages=False)}

        def read(name: str) -> bytes | None:
            path = lower.get(name.lower())
            return ole.openstream(path).read() if path else None

        pictures = ole_pictures(read)
    finally:
        ole.close()
    if not 1 <= page <= len(pictures):
        raise Unscreenable(f"no picture {page} in the document ({len(pictures)} pictures)")
    return _frame(_image(pictures[page - 1]), 0, limits)
