"""Server-drawn bar charts for the dashboards: inline SVG, no script, nothing from a CDN.

Bars are sized in percent of the chart's width, so the chart follows the page from a 390 px
phone to a wide screen while its labels keep their font size.
"""

from __future__ import annotations

from collections.abc import Iterable

ROW_HEIGHT = 36  # label line + bar
BAR_TOP = 18
BAR_HEIGHT = 12
MAX_BAR = 82  # percent of the width; the rest holds the value


def bars(rows: Iterable[tuple[str, int]], limit: int = 15) -> dict:
    """Chart context for ``web/_bars.html``: the ``limit`` largest non-zero rows, largest first."""
    rows = sorted(((str(label), int(n)) for label, n in rows if n), key=lambda r: -r[1])
    shown = rows[:limit]
    top = max((n for _, n in shown), default=0)
    out = []
    for i, (label, n) in enumerate(shown):
        pct = round(MAX_BAR * n / top, 2) if top else 0
        y = i * ROW_HEIGHT
        out.append(
            {
                "label": label,
                "n": n,
                "label_y": y + 13,
                "bar_y": y + BAR_TOP,
                "width": f"{max(pct, 0.4 if n else 0)}%",
                "value_x": f"{pct + 1}%",
                "value_y": y + BAR_TOP + BAR_HEIGHT - 1,
            }
        )
    return {
        "rows": out,
        "height": len(out) * ROW_HEIGHT + 4,
        "bar_height": BAR_HEIGHT,
        "more": len(rows) - len(shown),
    }
