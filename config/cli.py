"""The ``patrol`` console script: global options, then a verb.

``patrol [--config FILE] [--data DIR] VERB ...`` sets ``PATROL_CONFIG``/``PATROL_DATA``,
prepares the store (migrations are applied on first use) and dispatches VERB to the
management command of the same name, so every verb is also ``python -m django VERB``.
``patrol screen`` needs no store and starts without Django (``_LEAN_VERBS``).
``patrol --help`` lists the product's own verbs; Django's commands (migrate, shell,
axes_reset_username, ...) are reached as ``patrol django COMMAND ...``.
"""

from __future__ import annotations

import os
import sys

# verbs that need no database at all
_NO_DB_VERBS = {"screen", "help", "--help", "-h"}
_HELP = {"help", "--help", "-h"}
# verbs that crawl: Scrapy's HTTP handler is imported first thing for them (_import_scrapy_early)
_CRAWL_VERBS = {"crawl", "worker", "demo", "schedule"}

# one line each for ``patrol --help`` (a verb not listed here shows its own ``help`` text)
VERB_SUMMARIES = {
    "demo": "启动内置演示网站群并完整巡查一次，列出汇总与报表路径",
    "crawl": "巡查配置中的网站（采集 + 保密筛查）；--site ID 只巡查一个网站；--wait 交给共享队列的工作进程",
    "report": "生成报表：更新统计（counts）、时效性（timeliness）、检查指标（inspection）、年度报表（annual）",
    "findings": "列出保密筛查发现（默认只列待审核与未整改的）",
    "screen": "筛查本地文件或文件夹（PDF、DOCX、XLSX、XLS、DOC/WPS、HTML、TXT）",
    "schedule": "调度守护进程：夜间巡查、每天多轮首页探测、每周时效性与检查指标报表",
    "probe": "首页可访问性探测：每轮请求一次各网站首页，记录状态、耗时与失败类型（调度每天至少 20 轮）",
    "worker": "扩展部署的采集工作进程：从共享队列（PATROL_QUEUE）领取巡查单元，直到停止",
    "runs": "巡查记录（最新在前）；--jobs 显示调度任务记录",
    "web": "启动网页端（审核队列、统计看板、管理后台）",
    "createuser": "创建网页端账户并指定角色（保密局、信息中心、督查）",
}


def _split_globals(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        for name in ("--config", "--data"):
            if arg == name and i + 1 < len(argv):
                opts[name] = argv[i + 1]
                i += 2
                break
            if arg.startswith(name + "="):
                opts[name] = arg.split("=", 1)[1]
                i += 1
                break
        else:
            if rest or arg.startswith("-"):
                # global options only before the verb
                rest.extend(argv[i:])
                break
            rest.append(arg)
            rest.extend(argv[i + 1 :])
            break
    return opts, rest


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    opts, rest = _split_globals(argv)
    if "--config" in opts:
        os.environ["PATROL_CONFIG"] = os.path.abspath(opts["--config"])
    if "--data" in opts:
        os.environ["PATROL_DATA"] = os.path.abspath(opts["--data"])
    if rest and rest[0] in _LEAN_VERBS:
        # needs no store: no Django, Scrapy or ORM is imported (ARCHITECTURE.md)
        return _LEAN_VERBS[rest[0]](rest[1:])
    if rest and rest[0] in _CRAWL_VERBS:
        _import_scrapy_early()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not rest:
        rest = ["--help"]
    import django
    from django.core.management import call_command, execute_from_command_line

    django.setup()
    if rest[0] in _HELP and len(rest) == 1:
        sys.stdout.write(usage())
        return 0
    if rest[0] == "django":
        rest = rest[1:] or ["help"]  # Django's own commands, all of them
    elif rest[0] not in _HELP and rest[0] not in product_verbs():
        sys.stderr.write(
            f"patrol: 未知命令 {rest[0]!r}。运行 patrol --help 查看命令；"
            f"Django 自带命令请用 patrol django {rest[0]} …\n"
        )
        return 2
    if rest[0] not in _NO_DB_VERBS and migrations_pending():
        from django.db import connection

        from config import schema_cache

        with _migration_lock():
            # a new SQLite store: a copy of the first one these migrations made (config/schema_cache.py)
            if not (schema_cache.restore(connection) and not migrations_pending()):
                was_new = schema_cache.is_new(connection)
                call_command("migrate", verbosity=0, interactive=False)
                if was_new:
                    schema_cache.save(connection)
    try:
        execute_from_command_line(["patrol", *rest])
    except SystemExit as exc:  # management commands report their exit status this way
        return int(exc.code or 0) if isinstance(exc.code, int) else (1 if exc.code else 0)
    return 0


def _import_scrapy_early() -> None:
    """Import Scrapy's HTTP/1.1 download handler before Django and the crawler are loaded.

    Importing it runs ``scrapy.core.downloader.contextfactory``, which makes three deprecated
    aliases with ``scrapy.utils.deprecate.create_deprecated_class``; each calls ``inspect.stack()``,
    and ``inspect.getmodule`` scans every loaded module for each frame of the import's stack that
    is not a module's file (importlib's frozen frames). Reached through the management command,
    the crawler and Django (about 60 frames, 2,000 modules), the module's own import time was
    110–135 ms; from here (a shallow stack, Scrapy's modules only) 27–39 ms (``python -X
    importtime``, a one-page patrol). The patrol needs the module anyway; nothing else changes."""
    import scrapy.core.downloader.handlers.http11  # noqa: F401


def migrations_pending() -> bool:
    """False when every migration of every installed app is recorded as applied: one query and a
    listing of the migration folders. ``migrate`` itself imports every migration module to find
    that out (0.6 s before each command); it runs only when something is left to apply."""
    import pkgutil
    from importlib.util import find_spec

    from django.apps import apps
    from django.db import DatabaseError, connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    try:
        recorder = MigrationRecorder(connection)
        if not recorder.has_table():
            return True
        applied = set(recorder.applied_migrations())
    except DatabaseError:
        return True  # migrate says what is wrong with the database
    for app in apps.get_app_configs():
        module, _explicit = MigrationLoader.migrations_module(app.label)
        if module is None:
            continue
        try:
            spec = find_spec(module)
        except ImportError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            # the names Django's loader reads as migrations
            if not info.ispkg and info.name[0] not in "_~" and (app.label, info.name) not in applied:
                return True
    return False


_MIGRATE_LOCK = 0x70617472  # "patr": one PostgreSQL advisory lock id for migrations


def _migration_lock():
    """Processes starting at once on a fresh store (a scheduler and its workers) migrate one after
    the other: the others then find nothing to do. PostgreSQL: an advisory lock; SQLite: a lock
    file beside the database."""
    import contextlib

    from django.db import connection

    @contextlib.contextmanager
    def pg():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_MIGRATE_LOCK])
            try:
                yield
            finally:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_MIGRATE_LOCK])

    @contextlib.contextmanager
    def sqlite():
        import fcntl
        from pathlib import Path

        name = str(connection.settings_dict.get("NAME") or "")
        if not name or name == ":memory:" or name.startswith("file:"):
            yield
            return
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        with open(name + ".migrate.lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    if connection.vendor == "postgresql":
        return pg()
    if connection.vendor == "sqlite":
        return sqlite()
    return contextlib.nullcontext()


def _screen(argv: list[str]) -> int:
    from screening.screen_cli import main as screen_main

    return screen_main(argv)


# verbs that run without Django: verb -> function(argv) -> exit status (the management command
# of the same name stays, for ``python -m django VERB`` and ``patrol django VERB``)
_LEAN_VERBS = {"screen": _screen}


def product_verbs() -> dict[str, str]:
    """Verb -> app name, for the management commands of this project's own apps."""
    from pathlib import Path

    from django.apps import apps
    from django.core.management import get_commands

    root = Path(__file__).resolve().parent.parent
    own = {
        cfg.name
        for cfg in apps.get_app_configs()
        if Path(cfg.path).resolve().is_relative_to(root) and ".venv" not in Path(cfg.path).parts
    }
    return {verb: app for verb, app in get_commands().items() if app in own}


def usage() -> str:
    from django.core.management import load_command_class

    lines = [
        "用法：patrol [--config 文件] [--data 目录] 命令 [参数 …]",
        "",
        "命令：",
    ]
    verbs = product_verbs()
    width = max(len(v) for v in verbs) + 2
    order = list(VERB_SUMMARIES)
    for verb in sorted(verbs, key=lambda v: (order.index(v) if v in order else len(order), v)):
        summary = VERB_SUMMARIES.get(verb)
        if summary is None:
            summary = (load_command_class(verbs[verb], verb).help or "").strip().splitlines()[0:1]
            summary = summary[0] if summary else ""
        lines.append(f"  {verb.ljust(width)}{summary}")
    lines += [
        f"  {'django'.ljust(width)}Django 自带的管理命令，例如 patrol django migrate、"
        "patrol django axes_reset_username 用户名",
        "",
        "全局选项：--config 配置文件（默认 $PATROL_CONFIG 或 config/patrol.yaml），"
        "--data 数据目录（默认 $PATROL_DATA 或 ./var）",
        "每个命令的参数：patrol 命令 --help",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
