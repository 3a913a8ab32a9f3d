"""Printable, self-contained HTML: page shell, tables and inline SVG bar charts.

Nothing is loaded from anywhere: CSS and charts are inline, no script. Every text that reaches
the page goes through :func:`esc` (site names, column names and titles come from crawled
pages and are untrusted). Chinese text uses a CJK font stack that headless Chromium on Debian
finds in fonts-noto-cjk.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'

CSS = f"""
@page {{ size: A4; margin: 16mm 14mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_STACK}; color: #1f2328; margin: 24px auto; max-width: 1080px; padding: 0 16px;
  font-size: 14px; line-height: 1.6; }}
h1 {{ font-size: 24px; margin: 0 0 4px; }}
h2 {{ font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid #b22222; padding-bottom: 4px; }}
h3 {{ font-size: 15px; margin: 18px 0 6px; }}
.meta {{ color: #57606a; margin: 0 0 16px; }}
.lead {{ font-size: 15px; text-indent: 2em; background: #f6f8fa; padding: 12px 16px; border-left: 4px solid #b22222; }}
.figures {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }}
.figure {{ border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 150px; }}
.figure b {{ display: block; font-size: 22px; color: #b22222; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }}
th, td {{ border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f0f3f6; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.url {{ word-break: break-all; color: #57606a; font-size: 12px; }}
tr.bad td {{ background: #fff0f0; }}
svg.chart {{ display: block; margin: 8px 0 16px; max-width: 100%; height: auto; }}
svg.chart text {{ font-family: {FONT_STACK}; }}
section {{ break-inside: avoid-page; }}
@media print {{ body {{ margin: 0; max-width: none; }} h2 {{ break-after: avoid; }} tr {{ break-inside: avoid; }} }}
"""

PALETTE = ("#b22222", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#cf222e", "#0969da", "#57606a")


def esc(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, meta: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<h1>{esc(title)}</h1>\n<p class="meta">{esc(meta)}</p>\n{body}\n</body>\n</html>\n'
    )


def figures(pairs: Sequence[tuple[str, object]]) -> str:
    cells = "".join(f'<div class="figure">{esc(label)}<b>{esc(value)}</b></div>' for label, value in pairs)
    return f'<div class="figures">{cells}</div>'


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence],
    numeric: Sequence[int] = (),
    url_cols: Sequence[int] = (),
    bad_rows: Sequence[bool] | None = None,
) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    out = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = ' class="bad"' if bad_rows and bad_rows[i] else ""
        cells = []
        for j, v in enumerate(row):
            kind = ' class="n"' if j in numeric else ' class="url"' if j in url_cols else ""
            cells.append(f"<td{kind}>{esc('-' if v is None or v == '' else v)}</td>")
        out.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, int | float]],
    unit: str = "",
    width: int = 760,
    color: str | None = None,
) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per (label, value)."""
    size, row_h, top, pad = 13, 24, 34, 8
    labels = [str(label) for label, _ in bars]
    label_w = min(300, max([_text_width(t, size) for t in labels] + [40]) + 12)
    value_w = 70
    plot_w = max(120, width - label_w - value_w - pad)
    height = top + row_h * max(1, len(bars)) + pad
    peak = max([v for _, v in bars] + [0]) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-size="{size}" '
        f'font-family="{esc(FONT_STACK)}"><title>{esc(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="bold" fill="#1f2328">{esc(title)}</text>',
    ]
    if not bars:
        parts.append(f'<text x="0" y="{top + 14}" fill="#57606a">（无数据）</text>')
    for i, (label, value) in enumerate(bars):
        y = top + i * row_h
        w = plot_w * value / peak
        fill = color or PALETTE[i % len(PALETTE)]
        parts.append(
            f'<text x="{label_w - 8:.0f}" y="{y + 16}" text-anchor="end" fill="#1f2328">{esc(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w:.0f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{fill}" rx="2"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="#1f2328">{esc(value)}{esc(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def section(title: str, *parts: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>\n"
