"""``patrol screen PATH... | -``: screen files and whole folders for content that must not be public.

Folders are walked recursively (hidden files and folders skipped); ``-`` reads one
document from standard input. One result per document, clean ones too.

Exit status: 1 when any document is flagged; otherwise 2 when any path could not be
read or any document stayed unscreened (too large, damaged, scanned: not known to be
clean); otherwise 0.

Plain Python: ``patrol screen`` runs :func:`main` without Django, Scrapy or the ORM (it needs
no store), and the management command (``python -m django screen``) is a thin wrapper over
:func:`add_arguments` and :func:`run`, so both give the same output and exit status.
"""

from __future__ import annotations

import argparse
import gc
import json
import json.encoder
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .engine.registry import SEVERITY_LABELS, kind_label
from .extract import Extracted, Limits, read_limited
from .extract.base import too_large_reason
from .management.table import render, utf8_stdout
from .service import DocResult, screen_extracted, screen_path, unreadable

HELP = "Screen files and folders (PDF, DOCX, XLSX, XLS, DOC/WPS, HTML, TXT) for classified marks, personal data and lexicon terms."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument(
        "--threshold",
        choices=["high", "medium", "low"],
        default=None,
        help="severity that flags a document (default: config, else medium)",
    )
    parser.add_argument("--max-mb", type=float, default=None, help="per-document size limit")
    parser.add_argument("--max-pages", type=int, default=None, help="PDF page limit")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per document")
    parser.add_argument(
        "--lexicon",
        action="append",
        default=[],
        metavar="FILE",
        help="an extra lexicon file (YAML), e.g. the bureau's own list; repeatable",
    )


def iter_files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def load_settings() -> dict:
    """The ``screening`` section of $PATROL_CONFIG (set by ``patrol --config``), else nothing."""
    path = os.environ.get("PATROL_CONFIG")
    if not path or not os.path.exists(path):
        return {}
    try:
        from config.patrolconf import load

        return dict(load(path).screening)
    except Exception:  # a broken patrol.yaml must not stop screening a file by hand
        return {}


def make_screener(threshold: str, extra_lexicons: list[str]):
    """The repo lexicon, $PATROL_PRIVATE_LEXICON, the config's private list and --lexicon files."""
    from .engine import Screener, default_screener, load_lexicon
    from .engine.lexicon import default_lexicon_paths

    if not extra_lexicons:
        return default_screener(threshold)
    return Screener(load_lexicon([*default_lexicon_paths(), *extra_lexicons]), threshold=threshold)


def run(opts: dict[str, Any], write: Callable[[str], Any]) -> int:
    """Screen ``opts["paths"]``, write the table or JSON through ``write``, return the exit status."""
    conf = load_settings()
    limits = Limits.from_config(conf)
    if opts.get("max_mb") is not None:
        limits = limits.with_(max_bytes=int(opts["max_mb"] * 1024 * 1024))
    if opts.get("max_pages") is not None:
        limits = limits.with_(max_pages=opts["max_pages"])
    if opts.get("timeout") is not None:
        limits = limits.with_(timeout_s=opts["timeout"])
    screener = make_screener(
        opts.get("threshold") or conf.get("threshold") or "medium",
        [p for p in [conf.get("private_lexicon"), *(opts.get("lexicon") or [])] if p],
    )

    results: list[DocResult] = []
    errors = 0
    for arg in opts["paths"]:
        if arg == "-":
            results.append(_stdin(limits, screener))
            continue
        path = Path(arg)
        if not path.exists():
            results.append(unreadable(arg, "not found"))
            errors += 1
            continue
        if not (path.is_file() or path.is_dir()):
            results.append(unreadable(arg, "not a regular file or folder"))
            errors += 1
            continue
        for file in iter_files(path):
            results.append(screen_path(file, limits=limits, screener=screener))

    if opts.get("format") == "json":
        payload = {"documents": [r.to_json() for r in results]}
        write(dumps_indented(payload))
    else:
        write(table(results))
    if any(r.flagged for r in results):
        return 1
    if errors or any(r.status != "screened" for r in results):
        return 2
    return 0


def dumps_indented(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``, the same text, about twice as fast:
    with ``indent`` the json module encodes in pure Python through nested generators, which
    for a document with thousands of hits costs more than screening some of its pages."""
    out: list[str] = []
    _dump(obj, 0, out)
    return "".join(out)


_encode_str = json.encoder.encode_basestring  # the C function where the accelerator is built


def _dump(o: Any, level: int, out: list[str]) -> None:
    if isinstance(o, str):
        out.append(_encode_str(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(json.dumps(o) if o != o or o in (float("inf"), float("-inf")) else float.__repr__(o))
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        if not all(isinstance(k, str) for k in o):
            out.append(json.dumps(o, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level))
            return
        inner = "\n" + "  " * (level + 1)
        parts = []
        for k, v in o.items():
            t = type(v)  # the scalars (a hit's fields) are written here, without a call
            if t is str:
                value = _encode_str(v)
            elif t is int:
                value = int.__repr__(v)
            elif t is float and v - v == 0:  # finite
                value = float.__repr__(v)
            elif v is None:
                value = "null"
            else:
                nested: list[str] = []
                _dump(v, level + 1, nested)
                value = "".join(nested)
            parts.append(f"{_encode_str(k)}: {value}")
        out.append("{" + inner + ("," + inner).join(parts) + "\n" + "  " * level + "}")
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        inner = "\n" + "  " * (level + 1)
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _dump(v, level + 1, out)
            sep = "," + inner
        out.append("\n" + "  " * level + "]")
    else:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _stdin(limits: Limits, screener) -> DocResult:
    data = read_limited(sys.stdin.buffer, limits.max_bytes)
    if data is None:
        return unreadable("-", too_large_reason(None, limits.max_bytes))
    from .extract import extract

    extracted: Extracted = extract(data, name="", limits=limits)
    return screen_extracted(extracted, "-", screener=screener)


def table(results: list[DocResult]) -> str:
    rows = []
    for r in results:
        status = "已筛查" if r.status == "screened" else f"未筛查：{r.reason or ''}"
        kinds = "、".join(kind_label(k) for k in r.kinds) or "-"
        if r.hits:
            shown = "，".join(h.text for h in r.hits[:3])
            more = f" 等{len(r.hits)}处" if len(r.hits) > 3 else f" 共{len(r.hits)}处"
            hits = shown + more
        else:
            hits = "-"
        rows.append([r.source, status, SEVERITY_LABELS.get(r.severity, r.severity or "-"), kinds, hits])
    flagged = sum(1 for r in results if r.flagged)
    unscreened = sum(1 for r in results if r.status != "screened")
    text = render(["来源", "状态", "等级", "类别", "命中"], rows, [60, 48, 4, 30, 60])
    return f"{text}\n\n共 {len(results)} 个文档，{flagged} 个需审核，{unscreened} 个未筛查。"


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
HELD_MEMORY = 1 << 30


def keep_freed_memory() -> bool:
    """Let glibc's malloc keep what this process frees instead of handing it back at once.

    Screening a large document makes a few large short-lived buffers (the bytes, the decoded
    text, its code points, its UTF-8 for the automaton, the normalised text: 15-30 MB each).
    By default glibc gives each its own mapping and unmaps it when freed, so the next one is
    faulted in page by page again: about a tenth of the CPU time of ``patrol screen`` of
    20 MB went to the kernel. Served from the heap and kept there up to ``HELD_MEMORY``, the
    freed pages are reused. The process is short-lived, so holding them costs nothing; on a C
    library without ``mallopt`` nothing changes. Returns whether the setting took."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, HELD_MEMORY)) and bool(mallopt(M_TRIM_THRESHOLD, HELD_MEMORY))


# Django's own command options, accepted (and ignored) so that a command line that worked
# through the management command keeps working
_DJANGO_FLAGS = ("--traceback", "--no-color", "--force-color", "--skip-checks")
_DJANGO_VALUES = ("--settings", "--pythonpath")


def main(argv: list[str]) -> int:
    """``patrol screen ...`` without Django."""
    parser = argparse.ArgumentParser(prog="patrol screen", description=HELP)
    add_arguments(parser)
    parser.add_argument("-v", "--verbosity", type=int, choices=[0, 1, 2, 3], help=argparse.SUPPRESS)
    for flag in _DJANGO_FLAGS:
        parser.add_argument(flag, action="store_true", help=argparse.SUPPRESS)
    for flag in _DJANGO_VALUES:
        parser.add_argument(flag, help=argparse.SUPPRESS)
    opts = vars(parser.parse_args(argv))
    utf8_stdout(sys.stdout)
    keep_freed_memory()
    # numpy (the normalisation of long texts) starts OpenBLAS with a spinning thread per core,
    # about 60 ms of CPU time here, for linear algebra the screen never does (OCR's models run in
    # onnxruntime, which has its own threads); a setting of the user's own is kept
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # a short-lived process that allocates many small objects and frees them acyclically:
    # keep the collector off the modules just imported and let it run less often
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)

    def write(text: str) -> None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")

    try:
        code = run(opts, write)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
    sys.stdout.flush()
    return code
