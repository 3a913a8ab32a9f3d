"""``patrol screen PATH... | -``: screen files and whole folders for content that must not be public.

Folders are walked recursively (hidden files and folders skipped); ``-`` reads one
document from standard input. One result per document, clean ones too.

Exit status: 1 when any document is flagged; otherwise 2 when any path could not be
read or any document stayed unscreened (too large, damaged, scanned: not known to be
clean); otherwise 0.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from screening.extract import Extracted, Limits, read_limited
from screening.extract.base import too_large_reason
from screening.management.table import render, utf8_stdout
from screening.service import DocResult, screen_extracted, screen_path, unreadable

SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低", None: "-"}
KIND_ZH = {
    "classified_mark": "密级标志",
    "id_number": "身份证号",
    "internal_marker": "内部标识",
    "bank_card": "银行卡号",
    "mobile": "手机号",
    "keyword": "敏感词",
}


def iter_files(root: Path):
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _load_settings() -> dict:
    path = os.environ.get("PATROL_CONFIG")
    if not path or not os.path.exists(path):
        return {}
    try:
        from config.patrolconf import load

        return dict(load(path).screening)
    except Exception:  # a broken patrol.yaml must not stop screening a file by hand
        return {}


def _screener(threshold: str, extra_lexicons: list[str]):
    """The repo lexicon, $PATROL_PRIVATE_LEXICON, the config's private list and --lexicon files."""
    from screening.engine import Screener, load_lexicon
    from screening.engine.lexicon import default_lexicon_paths

    if not extra_lexicons:
        from screening.engine import default_screener

        return default_screener(threshold)
    return Screener(load_lexicon([*default_lexicon_paths(), *extra_lexicons]), threshold=threshold)


class Command(BaseCommand):
    help = "Screen files and folders (PDF, DOCX, XLSX, XLS, DOC/WPS, HTML, TXT) for classified marks, personal data and lexicon terms."

    def add_arguments(self, parser: CommandParser) -> None:
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

    def handle(self, *args, **opts) -> None:
        utf8_stdout(self.stdout)
        conf = _load_settings()
        limits = Limits.from_config(conf)
        if opts["max_mb"] is not None:
            limits = limits.with_(max_bytes=int(opts["max_mb"] * 1024 * 1024))
        if opts["max_pages"] is not None:
            limits = limits.with_(max_pages=opts["max_pages"])
        if opts["timeout"] is not None:
            limits = limits.with_(timeout_s=opts["timeout"])
        screener = _screener(
            opts["threshold"] or conf.get("threshold") or "medium",
            [p for p in [conf.get("private_lexicon"), *opts["lexicon"]] if p],
        )

        results: list[DocResult] = []
        errors = 0
        for arg in opts["paths"]:
            if arg == "-":
                results.append(self._stdin(limits, screener))
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

        if opts["format"] == "json":
            payload = {"documents": [r.to_json() for r in results]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._table(results))
        self.stdout.flush()
        if any(r.flagged for r in results):
            code = 1
        elif errors or any(r.status != "screened" for r in results):
            code = 2
        else:
            code = 0
        sys.exit(code)

    def _stdin(self, limits: Limits, screener) -> DocResult:
        data = read_limited(sys.stdin.buffer, limits.max_bytes)
        if data is None:
            return unreadable("-", too_large_reason(None, limits.max_bytes))
        from screening.extract import extract

        extracted: Extracted = extract(data, name="", limits=limits)
        return screen_extracted(extracted, "-", screener=screener)

    def _table(self, results: list[DocResult]) -> str:
        rows = []
        for r in results:
            status = "已筛查" if r.status == "screened" else f"未筛查：{r.reason or ''}"
            kinds = "、".join(KIND_ZH.get(k, k) for k in r.kinds) or "-"
            if r.hits:
                shown = "，".join(h.text for h in r.hits[:3])
                more = f" 等{len(r.hits)}处" if len(r.hits) > 3 else f" 共{len(r.hits)}处"
                hits = shown + more
            else:
                hits = "-"
            rows.append([r.source, status, SEVERITY_ZH.get(r.severity, r.severity or "-"), kinds, hits])
        flagged = sum(1 for r in results if r.flagged)
        unscreened = sum(1 for r in results if r.status != "screened")
        table = render(["来源", "状态", "等级", "类别", "命中"], rows, [60, 48, 4, 30, 60])
        return f"{table}\n\n共 {len(results)} 个文档，{flagged} 个需审核，{unscreened} 个未筛查。"
