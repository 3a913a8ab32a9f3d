"""``python -m django screen`` / ``patrol django screen``: the same screen as ``patrol screen``.

The command only parses and delegates: the screen itself is :mod:`screening.screen_cli`,
which ``patrol screen`` runs without Django (see that module for the exit status).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from screening.engine.registry import KIND_LABELS, SEVERITY_LABELS
from screening.management.table import utf8_stdout
from screening.screen_cli import HELP, add_arguments, iter_files, run

# kept for the commands that name kinds and severities the same way (findings.py)
KIND_ZH = KIND_LABELS
SEVERITY_ZH = SEVERITY_LABELS

__all__ = ["Command", "KIND_ZH", "SEVERITY_ZH", "iter_files"]


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args, **opts) -> None:
        utf8_stdout(self.stdout)
        code = run(opts, self.stdout.write)
        self.stdout.flush()
        sys.exit(code)
