"""The print button on the printable report pages the app serves.

The reports package writes self-contained HTML (also saved by ``patrol report``); served by
the app, the page gets a 打印 button wired by the static ``print.js`` (the CSP forbids inline
script) and hidden on paper.
"""

from __future__ import annotations

import re

from django.templatetags.static import static

BUTTON_CSS = (
    "<style>.print-bar{text-align:right;margin:0 0 8px}"
    ".print-bar button{padding:5px 14px;border:1px solid #8b1a1a;background:#fff;color:#8b1a1a;"
    "border-radius:4px;cursor:pointer;font:inherit}@media print{.print-bar{display:none}}</style>"
)


def with_print_button(page: str) -> str:
    """``page`` with a print button first in its body and print.js last."""
    button = '<div class="print-bar"><button type="button" class="print" hidden>打印</button></div>'
    script = f'<script src="{static("web/print.js")}"></script>'
    page, n = re.subn(r"(<body[^>]*>)", lambda m: m.group(1) + button, page, count=1, flags=re.I)
    if not n:
        return page
    page = re.sub(r"</head>", BUTTON_CSS + "</head>", page, count=1, flags=re.I)
    return re.sub(r"</body>", script + "</body>", page, count=1, flags=re.I)
