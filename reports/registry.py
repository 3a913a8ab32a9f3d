"""One registry of reports and their formats, for the CLI, the web exports, the scheduler and the demo.

Each report declares once how its data is built from its parameters, which renderer module draws
it and how its files are named; every renderer module has ``table(data, rules)``,
``xlsx(data, rules, path)`` and ``html_page(data, rules)``, and JSON is the data itself. Adding a
report is adding one entry here (and its renderer module).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

from config.patrolconf import PatrolConf

from .rules import Rules

FORMATS = ("table", "json", "xlsx", "html")
EXTENSIONS = {"table": "txt", "json": "json", "xlsx": "xlsx", "html": "html"}
CONTENT_TYPES = {
    "table": "text/plain; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Params:
    """What a report is asked for: a year, a period, or a check date (each report reads its own)."""

    year: int | None = None
    frm: date | None = None
    to: date | None = None
    as_of: date | None = None


@dataclass(frozen=True)
class Report:
    key: str
    title: str  # Chinese, for menus and mails
    period: str  # "year" | "range" | "as_of": the parameter the report needs
    build: Callable[[Params, Rules, PatrolConf | None], dict]
    renderer: Callable[[], ModuleType]  # imported lazily: the renderers pull in openpyxl
    stem: Callable[[Params], str]
    formats: tuple[str, ...] = FORMATS

    def data(self, params: Params, rules: Rules, conf: PatrolConf | None) -> dict:
        return self.build(params, rules, conf)

    def render(self, fmt: str, data: dict, rules: Rules) -> bytes:
        """The report in ``fmt`` as bytes (text formats in UTF-8)."""
        if fmt not in self.formats:
            raise ValueError(f"format {fmt!r} is not available for the {self.key} report")
        if fmt == "json":
            return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        module = self.renderer()
        if fmt == "table":
            return module.table(data, rules).encode("utf-8")
        if fmt == "html":
            return module.html_page(data, rules).encode("utf-8")
        return _xlsx_bytes(lambda path: module.xlsx(data, rules, path))

    def filename(self, params: Params, fmt: str) -> str:
        return f"{self.stem(params)}.{EXTENSIONS[fmt]}"


def _xlsx_bytes(write: Callable[[str], None]) -> bytes:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write(path)
        return Path(path).read_bytes()
    finally:
        os.unlink(path)


def _counts(p: Params, rules: Rules, conf: PatrolConf | None) -> dict:
    from .counts import counts

    if p.year is not None:
        return counts(date(p.year, 1, 1), date(p.year, 12, 31), rules, conf)
    return counts(p.frm, p.to, rules, conf)


def _counts_stem(p: Params) -> str:
    return f"counts-{p.year}" if p.year is not None else f"counts-{p.frm.isoformat()}-{p.to.isoformat()}"


def _timeliness(p: Params, rules: Rules, conf: PatrolConf | None) -> dict:
    from .timeliness import evaluate

    return evaluate(p.as_of, rules, conf)


def _inspection(p: Params, rules: Rules, conf: PatrolConf | None) -> dict:
    from .inspection import evaluate

    return evaluate(p.as_of, rules, conf)


def _annual(p: Params, rules: Rules, conf: PatrolConf | None) -> dict:
    from .annual import annual

    return annual(p.year, rules, conf)


def _module(name: str) -> Callable[[], ModuleType]:
    def load() -> ModuleType:
        import importlib

        return importlib.import_module(f"reports.{name}")

    return load


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report("counts", "更新数量统计", "year", _counts, _module("render_counts"), _counts_stem),
        Report(
            "timeliness",
            "时效性检查报告",
            "as_of",
            _timeliness,
            _module("render_timeliness"),
            lambda p: f"timeliness-{p.as_of.isoformat()}",
        ),
        Report(
            "inspection",
            "检查指标与单项否决报告",
            "as_of",
            _inspection,
            _module("render_inspection"),
            lambda p: f"inspection-{p.as_of.isoformat()}",
        ),
        Report(
            "annual", "年度报表统计", "year", _annual, _module("render_annual"), lambda p: f"annual-{p.year}"
        ),
    )
}


def get(key: str) -> Report:
    try:
        return REPORTS[key]
    except KeyError:
        raise KeyError(f"unknown report {key!r}; known: {', '.join(REPORTS)}") from None


def write_files(
    key: str, params: Params, formats: list[str], folder: Path, rules: Rules, conf: PatrolConf | None
) -> list[Path]:
    """Build the report once and write it in each format under ``folder``; returns the paths."""
    report = get(key)
    data = report.data(params, rules, conf)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = folder / report.filename(params, fmt)
        path.write_bytes(report.render(fmt, data, rules))
        paths.append(path)
    return paths
