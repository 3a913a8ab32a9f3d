"""The ``patrol`` console script: global options, then a Django management command.

``patrol [--config FILE] [--data DIR] VERB ...`` sets ``PATROL_CONFIG``/``PATROL_DATA``,
prepares the store (migrations are applied on first use) and dispatches VERB to the
management command of the same name, so every verb is also ``python -m django VERB``.
"""

from __future__ import annotations

import os
import sys

# verbs that need no database at all
_NO_DB_VERBS = {"screen", "help", "--help", "-h"}


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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not rest:
        rest = ["help"]
    import django
    from django.core.management import call_command, execute_from_command_line

    django.setup()
    if rest[0] not in _NO_DB_VERBS:
        call_command("migrate", verbosity=0, interactive=False)
    try:
        execute_from_command_line(["patrol", *rest])
    except SystemExit as exc:  # management commands report their exit status this way
        return int(exc.code or 0) if isinstance(exc.code, int) else (1 if exc.code else 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
