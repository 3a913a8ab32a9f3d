"""Readable download names: a snapshot keeps its real extension and says what it is."""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from screening.models import Finding

# extensions a download may carry as they are; a dynamic page (.jsp, .shtml …) is HTML
DOCUMENT_EXTS = {
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".et",
    ".ppt",
    ".pptx",
    ".dps",
    ".txt",
    ".csv",
    ".rtf",
    ".ofd",
    ".zip",
    ".rar",
    ".7z",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".html",
}
HTML_EXTS = {".htm", ".shtml", ".jsp", ".asp", ".aspx", ".php", ".do", ".action"}
CONTENT_TYPE_EXTS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}
MAGIC = [(b"%PDF", ".pdf"), (b"\xd0\xcf\x11\xe0", ".doc"), (b"PK\x03\x04", ".zip"), (b"{\\rtf", ".rtf")]
UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def _header(headers: dict, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return ""


def extension(url: str, headers: dict, head: bytes) -> str:
    """The file's real extension: from its URL, else its Content-Type, else its first bytes."""
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    if suffix in DOCUMENT_EXTS:
        return suffix
    ctype = _header(headers, "content-type").split(";")[0].strip().lower()
    if ctype in CONTENT_TYPE_EXTS:  # a download script (.jsp, .do …) says what it sends
        return CONTENT_TYPE_EXTS[ctype]
    for magic, ext in MAGIC:
        if head.startswith(magic):
            return ext
    if suffix in HTML_EXTS or head.lstrip()[:1] == b"<":
        return ".html"
    if ctype and ctype != "application/octet-stream" and (guessed := mimetypes.guess_extension(ctype)):
        return guessed
    return ".bin"


def snapshot_filename(finding: Finding, head: bytes) -> str:
    """``快照-<id>-<attachment name, title or last URL segment><real extension>``."""
    attachment, page = finding.attachment, finding.page
    headers = (attachment.headers if attachment else None) or (page.headers if page else None) or {}
    ext = extension(finding.url, headers, head)
    label = ""
    if attachment is not None and attachment.name:
        label = attachment.name
    elif page is not None and page.item is not None:
        label = page.item.title
    if not label:
        label = (
            PurePosixPath(unquote(urlsplit(finding.url).path)).name or urlsplit(finding.url).hostname or ""
        )
    label = UNSAFE.sub("_", label).strip(" ._")
    if label.lower().endswith(ext):
        label = label[: -len(ext)]
    label = label[:60]
    return f"快照-{finding.pk}{'-' + label if label else ''}{ext}"
