"""Which extractor reads a document: magic bytes first, then the file extension, then the
HTTP content type, then a sniff of the text itself.

Every kind, with its magic bytes, ZIP member name, extensions and content types, is declared in
:mod:`screening.extract.registry`; this module only applies them in that order (and keeps nothing of
its own). A ZIP is told apart by its member names (DOCX, XLSX, PPTX), else by a name saying one of
those, else it is an archive. A name or type declaring a binary format whose bytes are an HTML page
is an error page served under the document's name: ``html``. Nothing declared: bytes that look
binary are ``binary``, else HTML or text by a sniff. Kinds today: ``html``, ``txt``, ``pdf``,
``docx``, ``xlsx``, ``ole`` (DOC/WPS/XLS/ET, told apart inside the container; the extension is
passed on as a hint), ``rtf``, and the kinds without a reader ``image``, ``archive``, ``pptx``,
``binary``.
"""

from __future__ import annotations

import os
import re

from . import registry
from .codec import looks_binary, looks_like_html


def extension(name: str | None) -> str:
    if not name:
        return ""
    base = re.split(r"[?#]", name, maxsplit=1)[0]
    return os.path.splitext(base)[1].lower().lstrip(".")


def detect(data: bytes, name: str | None = None, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(kind, hint)``; ``hint`` is the extension (it names DOC vs WPS, XLS vs ET)."""
    head = data[:4096]
    ext = extension(name)
    found = registry.by_magic(head)
    if found is not None:
        entry, magic = found
        if magic.zip:  # a ZIP: the member names tell DOCX from XLSX, else a name saying so
            inner = registry.by_zip_member(data)
            if inner is None:
                named = registry.by_extension(ext)
                inner = named if named is not None and named.zip_member is not None else None
            return (inner or entry).kind, ext
        return entry.kind, ext
    ctype = (content_type or "").split(";")[0].strip().lower()
    declared = registry.by_extension(ext) or registry.by_content_type(ctype)
    if declared is not None:
        # the magic is missing: an HTML error page served under the document's name
        if not declared.text and not looks_binary(head) and looks_like_html(head):
            return "html", ext
        return declared.kind, ext
    if looks_binary(head):
        return "binary", ext
    if looks_like_html(head):
        return "html", ext
    return "txt", ext


def charset_of(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", content_type, re.I)
    return m.group(1) if m else None
