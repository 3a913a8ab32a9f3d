"""Scanned Chinese documents drawn with Pillow, degraded like real scans, with their ground truth.

Each :class:`ScanDoc` is a list of page images plus what was planted on them: classification
marks (秘密★1年 in the top-left corner of a 红头文件), valid 18-digit resident IDs in 补贴/低保
tables, and the hard negatives (masked IDs, 保密工作 news without a mark). Boxes are given
in pixels of the final (rotated) page. Nothing is stored: every document is drawn from a seed,
so the same seed gives the same bytes.

    from tests.scans.scangen import corpus, encode
    for doc in corpus(seed=7):
        data = encode(doc, "pdf")
"""

from __future__ import annotations

import glob
import io
import math
import random
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4_IN = (8.27, 11.69)

_FONT_GLOBS = {
    "serif": ["/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/**/NotoSerifCJK*"],
    "sans": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/**/NotoSansCJK*"],
    "bold": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/**/NotoSansCJK*"],
}
_SC_INDEX = 2  # in Noto CJK collections: JP, KR, SC, TC, HK


@lru_cache(maxsize=8)
def font_path(style: str) -> str | None:
    for pattern in _FONT_GLOBS[style] + ["/usr/share/fonts/**/wqy*.tt[cf]"]:
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def have_cjk_font() -> bool:
    return font_path("sans") is not None


@lru_cache(maxsize=64)
def _font(style: str, px: int) -> ImageFont.FreeTypeFont:
    path = font_path(style)
    if path is None:
        raise RuntimeError("no CJK font (fonts-noto-cjk, see scripts/sysdeps.sh)")
    index = _SC_INDEX if path.endswith(".ttc") and "Noto" in path else 0
    return ImageFont.truetype(path, px, index=index)


# ---------------------------------------------------------------- IDs


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"
COUNTIES = ("610922", "410523", "320381", "511623", "430426", "371326", "522327", "140221", "620521")


def id_check(first17: str) -> str:
    return ID_CHECKS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id(rng: random.Random, check: str | None = None) -> str:
    """A valid 18-digit resident ID; ``check`` forces its check character (e.g. ``X``)."""
    while True:
        year = rng.randint(1940, 2008)
        first17 = f"{rng.choice(COUNTIES)}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        c = id_check(first17)
        if check is None or c == check:
            return first17 + c


def mask_id(ident: str, rng: random.Random) -> str:
    keep_head = rng.choice((6, 3, 1))
    return ident[:keep_head] + "*" * (18 - keep_head - 4) + ident[-4:]


# ---------------------------------------------------------------- text

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕春生德明文"
PLACES = (
    "城关镇",
    "东关街道",
    "南沟乡",
    "柳林镇",
    "石门镇",
    "西河乡",
    "龙泉镇",
    "双河镇",
    "新庄乡",
    "北塬镇",
)
COUNTY_NAMES = ("汉阴县", "安平县", "临河县", "青山县", "白水县", "长宁县", "东乡县", "永和县")
BODY = (
    "为进一步做好全县春季农业生产工作，确保粮食安全和重要农产品稳定供给，经县政府同意，现将有关事项通知如下。",
    "各乡镇、各部门要高度重视，加强组织领导，明确责任分工，认真抓好各项工作任务的落实。",
    "要围绕年度目标任务，统筹推进项目建设、产业发展和民生保障，及时协调解决工作中遇到的困难和问题。",
    "各单位要严格按照时间节点要求，于每月五日前将工作进展情况报送县政府办公室。",
    "请各单位结合实际，认真贯彻落实，工作中遇到的重大问题请及时报告。",
    "本通知自印发之日起施行，此前有关规定与本通知不一致的，以本通知为准。",
    "会议要求，要坚持问题导向，强化督导检查，对工作推进不力的单位进行通报。",
)
SECRECY_NEWS = (
    "县保密局开展保密工作宣传月活动",
    "近日，县保密局组织全县各单位开展保密工作宣传教育活动，普及保密法律法规知识。",
    "活动通过发放宣传资料、举办专题讲座等形式，引导干部职工增强保密意识，筑牢保密防线。",
    "会议强调，各单位要严格落实保密工作责任制，加强日常保密管理和教育培训。",
    "县委保密委员会办公室将持续开展保密检查，推动全县保密工作再上新台阶。",
)
MARKS = ("秘密★1年", "机密★长期", "秘密★6个月", "机密★5年", "绝密★长期", "秘密★2年")


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


# ---------------------------------------------------------------- pages


@dataclass
class Planted:
    kind: str  # classified_mark | id_number | masked_id | text (any other line, for accuracy)
    text: str
    page: int  # 1-based
    box: tuple[int, int, int, int]


@dataclass
class ScanDoc:
    name: str
    pages: list[Image.Image]
    planted: list[Planted] = field(default_factory=list)
    dpi: int = 150

    def wanted(self, kind: str) -> list[Planted]:
        return [p for p in self.planted if p.kind == kind]

    @property
    def negative(self) -> bool:
        """No mark and no valid ID planted: screening it must flag nothing."""
        return not self.wanted("classified_mark") and not self.wanted("id_number")


class Page:
    def __init__(self, dpi: int, page_no: int, size_in: tuple[float, float] = A4_IN):
        self.dpi = dpi
        self.page_no = page_no
        self.img = Image.new("RGB", (round(size_in[0] * dpi), round(size_in[1] * dpi)), "white")
        self.draw = ImageDraw.Draw(self.img)
        self.margin = round(1.0 * dpi)
        self.y = round(0.8 * dpi)
        self.planted: list[Planted] = []

    def px(self, pt: float) -> int:
        return max(8, round(pt * self.dpi / 72))

    def line(
        self,
        text: str,
        pt: float = 16,
        style: str = "serif",
        color: str | tuple = "black",
        align: str = "left",
        plant: str | None = None,
        gap: float = 0.6,
        x: int | None = None,
    ) -> tuple[int, int, int, int]:
        font = _font(style, self.px(pt))
        width = self.draw.textlength(text, font=font)
        if x is None:
            x = self.margin if align == "left" else round((self.img.width - width) / 2)
        self.draw.text((x, self.y), text, fill=color, font=font)
        box = self.draw.textbbox((x, self.y), text, font=font)
        self.planted.append(Planted(plant or "text", text, self.page_no, box))
        self.y = box[3] + round(self.px(pt) * gap)
        return box

    def paragraph(self, text: str, pt: float = 16, style: str = "serif") -> None:
        font = _font(style, self.px(pt))
        limit = self.img.width - 2 * self.margin
        line = "　　"
        for ch in text:
            if self.draw.textlength(line + ch, font=font) > limit:
                self.line(line, pt, style, gap=0.5)
                line = ""
            line += ch
        if line:
            self.line(line, pt, style, gap=0.5)

    def red_header(self, rng: random.Random, county: str, mark: str | None) -> None:
        if mark:
            self.line(mark, 16, "bold", plant="classified_mark", gap=0.4)
        else:
            self.y += self.px(22)
        self.y += self.px(20)
        self.line(f"{county}人民政府办公室文件", 34, "bold", color=(200, 20, 20), align="center", gap=0.5)
        code = f"{county[0]}政办发〔20{rng.randint(18, 25)}〕{rng.randint(1, 99)}号"
        self.line(code, 16, "serif", align="center", gap=0.3)
        self.draw.rectangle(
            (self.margin, self.y, self.img.width - self.margin, self.y + max(2, self.dpi // 50)),
            fill=(200, 20, 20),
        )
        self.y += self.px(24)

    def table(self, header: list[str], rows: list[list[tuple[str, str | None]]], pt: float = 10.5) -> None:
        """Rows of (text, plant kind); a ruled grid with columns sized to their content."""
        font = _font("sans", self.px(pt))
        pad = self.px(pt) // 2
        widths = [self.draw.textlength(h, font=font) for h in header]
        for row in rows:
            for i, (text, _) in enumerate(row):
                widths[i] = max(widths[i], self.draw.textlength(text, font=font))
        widths = [round(w + 2 * pad) for w in widths]
        row_h = self.px(pt) + 2 * pad
        x0 = self.margin
        for cells in [[(h, None) for h in header], *rows]:
            x = x0
            y = self.y
            for i, (text, plant) in enumerate(cells):
                self.draw.rectangle((x, y, x + widths[i], y + row_h), outline="black", width=1)
                self.draw.text((x + pad, y + pad), text, fill="black", font=font)
                box = self.draw.textbbox((x + pad, y + pad), text, font=font)
                self.planted.append(Planted(plant or "text", text, self.page_no, box))
                x += widths[i]
            self.y += row_h
        self.y += self.px(pt)


# ---------------------------------------------------------------- degradation


def degrade(
    page: Page, rng: random.Random, *, angle: float | None = None
) -> tuple[Image.Image, list[Planted]]:
    """Rotate (±2°), blur, add noise and a grey paper tone; boxes follow the rotation."""
    import numpy as np

    img = page.img
    angle = rng.uniform(-2.0, 2.0) if angle is None else angle
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=(255, 255, 255))
    if rng.random() < 0.7:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    arr = np.asarray(img).astype(np.int16)
    tone = rng.randint(0, 18)
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(4, 12), arr.shape[:2])
    arr = arr - tone + noise[..., None].astype(np.int16)
    img = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"), "RGB")
    cx, cy = img.width / 2, img.height / 2
    th = math.radians(angle)
    moved = []
    for p in page.planted:
        xs, ys = [], []
        for x, y in ((p.box[0], p.box[1]), (p.box[2], p.box[1]), (p.box[0], p.box[3]), (p.box[2], p.box[3])):
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * math.cos(th) + dy * math.sin(th))
            ys.append(cy - dx * math.sin(th) + dy * math.cos(th))
        moved.append(
            Planted(p.kind, p.text, p.page, (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))))
        )
    return img, moved


def jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


# ---------------------------------------------------------------- documents


def _finish(name: str, pages: list[Page], rng: random.Random, dpi: int, jpeg: int | None) -> ScanDoc:
    doc = ScanDoc(name, [], dpi=dpi)
    for page in pages:
        img, planted = degrade(page, rng)
        if jpeg:
            img = jpeg_roundtrip(img, jpeg)
        doc.pages.append(img)
        doc.planted.extend(planted)
    return doc


def marked_notice(
    rng: random.Random, dpi: int = 150, mark: str | None = None, jpeg: int | None = 50
) -> ScanDoc:
    """A one-page 红头文件 with its 密级 mark in the top-left corner."""
    page = Page(dpi, 1)
    page.red_header(rng, rng.choice(COUNTY_NAMES), mark or rng.choice(MARKS))
    page.line("关于做好2024年春季农业生产工作的通知", 22, "bold", align="center", gap=1.0)
    page.line("各乡镇人民政府，县政府各部门：", 16)
    for text in rng.sample(BODY, 4):
        page.paragraph(text)
    return _finish("marked_notice", [page], rng, dpi, jpeg)


def id_list(
    rng: random.Random,
    dpi: int = 200,
    valid: int = 4,
    masked: int = 3,
    jpeg: int | None = 60,
    name: str = "id_list",
) -> ScanDoc:
    """A 低保/补贴 list: a table of names, IDs (valid ones planted, masked ones as negatives), amounts."""
    page = Page(dpi, 1)
    place = rng.choice(PLACES)
    page.line(f"{place}2024年度城乡低保对象公示名单", 18, "bold", align="center", gap=1.0)
    kinds = ["id_number"] * valid + ["masked_id"] * masked
    rng.shuffle(kinds)
    rows = []
    for i, kind in enumerate(kinds, 1):
        ident = make_id(rng, check="X" if i == 1 and kind == "id_number" else None)
        shown = ident if kind == "id_number" else mask_id(ident, rng)
        rows.append(
            [
                (str(i), None),
                (person(rng), None),
                (shown, kind),
                (rng.choice(("一类", "二类", "三类")), None),
                (f"{rng.randint(3, 9) * 50}", None),
                (place, None),
            ]
        )
    page.table(["序号", "姓名", "身份证号码", "类别", "月保障金(元)", "所在乡镇"], rows)
    page.paragraph("公示期为七天，如有异议，请在公示期内向乡镇民政办反映。", 14)
    return _finish(name, [page], rng, dpi, jpeg)


def multipage_mark_on_2(rng: random.Random, dpi: int = 150, jpeg: int | None = 55) -> ScanDoc:
    """Two pages: an unmarked cover letter, then the marked attachment (附件)."""
    p1 = Page(dpi, 1)
    p1.red_header(rng, rng.choice(COUNTY_NAMES), None)
    p1.line("关于报送有关材料的函", 22, "bold", align="center", gap=1.0)
    for text in rng.sample(BODY, 3):
        p1.paragraph(text)
    p2 = Page(dpi, 2)
    p2.line(rng.choice(MARKS), 16, "bold", plant="classified_mark", gap=0.8)
    p2.line("附件", 16, "bold", gap=0.8)
    p2.line("重点工作任务分解表", 20, "bold", align="center", gap=1.0)
    for text in rng.sample(BODY, 3):
        p2.paragraph(text)
    return _finish("multipage_mark_on_2", [p1, p2], rng, dpi, jpeg)


def secrecy_news(rng: random.Random, dpi: int = 150, jpeg: int | None = 55) -> ScanDoc:
    """Hard negative: 保密工作 news, no mark."""
    page = Page(dpi, 1)
    page.line(SECRECY_NEWS[0], 22, "bold", align="center", gap=1.0)
    for text in SECRECY_NEWS[1:]:
        page.paragraph(text)
    return _finish("secrecy_news", [page], rng, dpi, jpeg)


def plain_notice(rng: random.Random, dpi: int = 150, jpeg: int | None = 55) -> ScanDoc:
    """Hard negative: a scanned 红头文件 without a mark."""
    page = Page(dpi, 1)
    page.red_header(rng, rng.choice(COUNTY_NAMES), None)
    page.line("关于开展全县安全生产大检查的通知", 22, "bold", align="center", gap=1.0)
    for text in rng.sample(BODY, 4):
        page.paragraph(text)
    return _finish("plain_notice", [page], rng, dpi, jpeg)


def masked_list(rng: random.Random, dpi: int = 200, jpeg: int | None = 60) -> ScanDoc:
    """Hard negative: an ID list where every ID is masked."""
    return id_list(rng, dpi, valid=0, masked=5, jpeg=jpeg, name="masked_list")


def corpus(seed: int = 7) -> list[ScanDoc]:
    """The test set: three positives (mark, IDs, mark on page 2) and three hard negatives."""
    rng = random.Random(seed)
    return [
        marked_notice(rng, dpi=150),
        id_list(rng, dpi=200),
        multipage_mark_on_2(rng, dpi=150),
        secrecy_news(rng, dpi=150),
        plain_notice(rng, dpi=150),
        masked_list(rng, dpi=200),
    ]


# ---------------------------------------------------------------- encodings


def encode(doc: ScanDoc, fmt: str) -> bytes:
    """Bytes of the document as ``png``/``jpg``/``gif``/``bmp`` (first page), ``tiff`` or ``pdf``
    (every page; the PDF holds page images only, no text layer)."""
    buf = io.BytesIO()
    pages = doc.pages
    if fmt in ("jpg", "jpeg"):
        pages[0].save(buf, "JPEG", quality=75, dpi=(doc.dpi, doc.dpi))
    elif fmt == "png":
        pages[0].save(buf, "PNG", dpi=(doc.dpi, doc.dpi))
    elif fmt == "gif":
        pages[0].convert("L").save(buf, "GIF")
    elif fmt == "bmp":
        pages[0].save(buf, "BMP")
    elif fmt in ("tif", "tiff"):
        pages[0].save(
            buf,
            "TIFF",
            save_all=True,
            append_images=pages[1:],
            compression="tiff_lzw",
            dpi=(doc.dpi, doc.dpi),
        )
    elif fmt == "pdf":
        rgb = [p.convert("RGB") for p in pages]
        rgb[0].save(buf, "PDF", save_all=True, append_images=rgb[1:], resolution=doc.dpi, quality=70)
    else:
        raise ValueError(fmt)
    return buf.getvalue()
