"""Scanned documents of the demo network (issue 11): a 红头文件 scanned to an image-only PDF with
秘密★1年 in its top-left corner, and a photographed 低保 list with full resident IDs shown as a
picture in an article's body. Drawn with Pillow in a CJK font (Debian's fonts-noto-cjk, installed
by ``make``), slightly rotated and noisy like a real scan; the same seed gives the same bytes.
"""

from __future__ import annotations

import glob
import io
import random
from datetime import datetime
from functools import lru_cache

from demo.model import Attachment

FIXED = datetime(2012, 12, 31, 9, 0, 0)
DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi


@lru_cache(maxsize=4)
def _font_file(bold: bool) -> str | None:
    pattern = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    found = sorted(glob.glob(f"/usr/share/fonts/**/{pattern}", recursive=True))
    found = found or sorted(glob.glob("/usr/share/fonts/**/*CJK*", recursive=True))
    return found[0] if found else None


def _font(px: int, bold: bool = False):
    from PIL import ImageFont

    path = _font_file(bold)
    if path is None:
        raise RuntimeError(
            "no CJK font for the demo's scanned documents: install fonts-noto-cjk (make setup)"
        )
    return ImageFont.truetype(path, px, index=2)  # index 2: Simplified Chinese in the Noto CJK collections


def _scan(img, rng: random.Random):
    """What a scanner does to a page: a slight skew, grey noise, JPEG compression."""
    from PIL import Image

    img = img.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor="white", expand=False)
    px = img.load()
    for _ in range(img.width * img.height // 400):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        v = rng.randint(150, 230)
        px[x, y] = (v, v, v)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _page():
    from PIL import Image, ImageDraw

    img = Image.new("RGB", PAGE, "white")
    return img, ImageDraw.Draw(img)


def _paragraphs(draw, lines: list[str], top: int, px: int = 30, width: int = 34) -> int:
    font = _font(px)
    y = top
    for line in lines:
        for i in range(0, max(len(line), 1), width):
            draw.text((140, y), line[i : i + width], fill=(20, 20, 20), font=font)
            y += int(px * 1.8)
    return y


def red_header_pdf(att: Attachment, seed: str) -> bytes:
    """A scanned 红头文件: the mark top left, the red header, its lines; an image-only PDF."""
    rng = random.Random(seed)
    img, draw = _page()
    draw.text((110, 90), att.lines[0], fill=(0, 0, 0), font=_font(40, bold=True))  # 秘密★1年
    header = "石泉县人民政府文件"
    draw.text((PAGE[0] // 2 - 40 * len(header), 220), header, fill=(200, 20, 20), font=_font(80, bold=True))
    draw.line((110, 360, PAGE[0] - 110, 360), fill=(200, 20, 20), width=5)
    _paragraphs(draw, att.lines[1:], 420)
    page = _scan(img, rng)
    buf = io.BytesIO()
    stamp = FIXED.timetuple()  # a fixed date: the same bytes every time
    page.save(buf, format="PDF", resolution=DPI, creationDate=stamp, modDate=stamp)
    return buf.getvalue()


def table_photo_jpg(att: Attachment, seed: str) -> bytes:
    """A photographed list (tab-separated lines as a ruled table), as a JPEG."""
    rng = random.Random(seed)
    img, draw = _page()
    draw.text((140, 120), att.title, fill=(0, 0, 0), font=_font(44, bold=True))
    font = _font(28)
    rows = [line.split("\t") for line in att.lines]
    widths = [90, 150, 420, 200, 220]
    y = 240
    for row in rows:
        x = 120
        for cell, w in zip(row, widths, strict=False):
            draw.rectangle((x, y, x + w, y + 64), outline=(60, 60, 60), width=2)
            draw.text((x + 10, y + 16), cell, fill=(10, 10, 10), font=font)
            x += w
        y += 64
    page = _scan(img, rng)
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=72)
    return buf.getvalue()
