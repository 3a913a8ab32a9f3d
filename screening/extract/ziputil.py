"""Opening OOXML (zip) containers safely and reading their XML parts.

Every member's declared size is checked before anything is inflated: the total, the
per-member compression ratio and the member count. Python's zipfile never inflates a
member past its declared size (and fails the CRC when the data lies), so the checked
sizes bound what is read. XML is parsed without entities, DTD loading or network.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from .base import Limits, Unscreenable, fmt_mb

# members this small may compress very well (repetitive XML) without being a bomb
_RATIO_FLOOR = 1024 * 1024


def open_zip(data: bytes, limits: Limits, what: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise Unscreenable(f"corrupt {what}: {exc}") from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise Unscreenable(f"zip bomb suspected: {len(infos)} members > {limits.max_zip_members} limit")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                raise Unscreenable(
                    f"zip bomb suspected: {info.filename} expands {ratio:.0f}× "
                    f"(> {limits.max_zip_ratio:.0f}× limit)"
                )
    if total > limits.max_unzipped_bytes:
        raise Unscreenable(
            f"zip bomb suspected: {fmt_mb(total)} MB uncompressed > {fmt_mb(limits.max_unzipped_bytes)} MB limit"
        )
    return zf


def member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The stored name matching ``name`` case-insensitively (OOXML writers differ)."""
    wanted = name.lstrip("/").lower()
    for n in zf.namelist():
        if n.lower() == wanted:
            return n
    return None


def iterparse(
    zf: zipfile.ZipFile, name: str, tags: tuple[str, ...] | None = None, events: tuple[str, ...] = ("end",)
) -> Iterator[tuple[str, etree._Element]]:
    with zf.open(name) as fh:
        kwargs = {"tag": tags} if tags else {}
        ctx = etree.iterparse(
            fh,
            events=events,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
            recover=False,
            **kwargs,
        )
        yield from ctx


def parse(zf: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    with zf.open(name) as fh:
        return etree.parse(fh, parser).getroot()


def rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → target part name (resolved against ``part``'s folder)."""
    folder, _, base = part.rpartition("/")
    rel_name = member(zf, f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
    if not rel_name:
        return {}
    out: dict[str, str] = {}
    for el in parse(zf, rel_name):
        target = el.get("Target") or ""
        if el.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            parts = folder.split("/") if folder else []
            for piece in target.split("/"):
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece and piece != ".":
                    parts.append(piece)
            resolved = "/".join(parts)
        out[el.get("Id", "")] = resolved
    return out


def core_properties(zf: zipfile.ZipFile) -> list[str]:
    """Title, subject, keywords and description of docProps/core.xml (public metadata)."""
    name = member(zf, "docProps/core.xml")
    if not name:
        return []
    wanted = {"title", "subject", "keywords", "description"}
    out = []
    for el in parse(zf, name):
        local = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if local in wanted and (el.text or "").strip():
            out.append(el.text.strip())
    return out
