"""Build the labelled screening corpus into a folder: pages and every attachment format.

``python tests/corpus/build.py OUT`` writes the documents and ``OUT/manifest.json``: one
entry per file with ``label`` (``positive`` | ``negative``), the ``kinds`` a positive
must be flagged for, and the ``case`` it renders. Each case is rendered as HTML, TXT
(GBK), PDF (STSong-Light, a CID font), DOCX, XLSX, XLS and DOC; placement cases put a
hit only where a naive extractor would miss it (DOCX header, comment, tracked deletion;
XLSX/XLS hidden column, hidden row, hidden sheet). Documents are generated, not committed.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.corpus.oledoc import word_document
    from tests.corpus.prose import paragraph
else:
    from .oledoc import word_document
    from .prose import paragraph

PRIVATE_LEXICON = Path(__file__).resolve().with_name("private_lexicon.yaml")

# ---------------------------------------------------------------- planted values

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id18(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _W, strict=True)) % 11]


def bad_check(valid: str) -> str:
    wrong = "0" if valid[-1] != "0" else "1"
    return valid[:-1] + wrong


def luhn(prefix: str) -> str:
    digits = [int(c) for c in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


ID_A = id18("110101", "19900307", "123")
ID_B = id18("610922", "19781215", "042")
ID_C = id18("320106", "20010630", "571")
ID_OLD = "110101900307123"  # 15-digit: 1990-03-07
CARD = luhn("622848040256489001")
CARD_B = luhn("621700123456789012")

# ---------------------------------------------------------------- cases


@dataclass
class Case:
    name: str
    label: str  # positive | negative
    kinds: list[str]
    blocks: list[tuple]  # ("p", text) | ("hit", text) | ("table", rows)
    formats: tuple[str, ...] = ("html", "txt", "pdf", "docx", "xlsx", "xls", "doc")
    title: str = "关于做好近期重点工作的通知"
    extra: dict = field(default_factory=dict)


def _filler(rng: random.Random, n: int) -> list[tuple]:
    return [("p", paragraph(rng, (2, 4))) for _ in range(n)]


def cases(seed: int = 20240315) -> list[Case]:
    rng = random.Random(seed)

    def around(*hits: tuple, before: int = 1, after: int = 2) -> list[tuple]:
        return _filler(rng, before) + list(hits) + _filler(rng, after)

    out = [
        # ---- positives
        Case("mark_star", "positive", ["classified_mark"], [("hit", "秘密★1年")] + around(before=0, after=3)),
        Case(
            "mark_spaced",
            "positive",
            ["classified_mark"],
            [("hit", "机 密 ★ 长 期")] + around(before=0, after=3),
        ),
        Case(
            "mark_fullwidth", "positive", ["classified_mark"], around(("hit", "绝密＊会议结束前"), before=0)
        ),
        Case(
            "mark_in_body",
            "positive",
            ["classified_mark"],
            around(("hit", "本件密级：秘密☆2年，请妥善保管。")),
        ),
        Case(
            "mark_bare_first_line",
            "positive",
            ["classified_mark"],
            [("hit", "机密"), ("p", "县人民政府关于印发春季森林防火工作方案的通知")] + around(before=0),
        ),
        Case("mark_miji_colon", "positive", ["classified_mark"], [("hit", "密级：秘密")] + around(before=0)),
        Case("id18", "positive", ["id_number"], around(("hit", f"申请人：李建国，公民身份号码：{ID_A}"))),
        Case(
            "id18_table",
            "positive",
            ["id_number"],
            around(
                (
                    "table",
                    [
                        ["序号", "姓名", "身份证号", "补贴金额"],
                        ["1", "王秀兰", ID_B, "1200"],
                        ["2", "赵德明", ID_C, "800"],
                    ],
                )
            ),
        ),
        Case("id15_old", "positive", ["id_number"], around(("hit", f"户主姓名：陈玉梅，身份证号：{ID_OLD}"))),
        Case(
            "mobiles_three",
            "positive",
            ["mobile"],
            around(
                (
                    "table",
                    [
                        ["姓名", "村组", "手机"],
                        ["刘长青", "东风村三组", "13991512345"],
                        ["张翠华", "新华村一组", "15809156789"],
                        ["周文军", "龙泉村五组", "18700918765"],
                    ],
                )
            ),
        ),
        Case(
            "mobile_private_name",
            "positive",
            ["mobile"],
            around(("hit", "低保户姓名：张桂兰，手机号码：13800138000")),
        ),
        Case(
            "bank_card",
            "positive",
            ["bank_card"],
            around(("hit", "开户银行：中国农业银行石泉县支行"), ("hit", f"银行卡号：{CARD}")),
        ),
        Case(
            "internal_marker",
            "positive",
            ["internal_marker"],
            [("hit", "内部资料  注意保存")] + around(before=0),
        ),
        Case(
            "internal_marker_body",
            "positive",
            ["internal_marker"],
            around(("hit", "本材料仅供内部参考，不得外传。")),
        ),
        Case(
            "lexicon_term",
            "positive",
            ["keyword"],
            # the bureau's own term (private_lexicon.yaml, severity high) and a base term (low)
            around(
                ("hit", "关于蓝盾工程二期建设进度的情况汇报"),
                ("p", "该批材料属于国家秘密，严禁在互联网上传播。"),
            ),
        ),
        # ---- hard negatives
        Case(
            "neg_masked",
            "negative",
            [],
            around(
                ("p", "经审核，申请人王某，身份证号610922********1234，联系电话138****1234，符合补助条件。")
            ),
        ),
        Case(
            "neg_wrong_check",
            "negative",
            [],
            around(("p", f"公民身份号码：{bad_check(ID_A)}（号码有误，已退回更正）。")),
        ),
        Case(
            "neg_doc_numbers",
            "negative",
            [],
            around(
                ("p", "订单编号：202312150000123456，合同编号：440300202399887766。"),
                ("p", "交易流水号：202305061523480917，石政办发〔2023〕18号。"),
            ),
        ),
        Case(
            "neg_organic_seal",
            "negative",
            [],
            around(("p", "该泵阀采用有机密封材料，耐高温、耐腐蚀，使用寿命长。")),
        ),
        Case(
            "neg_avoid_close",
            "negative",
            [],
            around(("p", "各单位要坚决杜绝密切关系人违规插手工程项目，严肃查处违纪违法行为。")),
        ),
        Case(
            "neg_secrecy_meeting",
            "negative",
            [],
            around(
                (
                    "p",
                    "3月15日，县委保密委员会召开全县保密工作会议，传达学习全市保密工作会议精神。"
                    "会议要求，各级各部门要切实增强保密意识，扎实做好保密宣传教育和保密检查工作。",
                )
            ),
        ),
        Case(
            "neg_nature_secret",
            "negative",
            [],
            around(("p", "县图书馆举办少儿科普活动，带领孩子们一起探索大自然的秘密。")),
        ),
        Case(
            "neg_landlines",
            "negative",
            [],
            around(("p", "联系电话：0915-6321234，传真：0915-6321235，监督电话：12345。")),
        ),
        Case(
            "neg_official_mobile",
            "negative",
            [],
            around(("p", "咨询单位：县政务服务中心办公室，联系电话：13909151234。")),
        ),
        Case("neg_plain", "negative", [], around(before=2, after=2)),
    ]
    return out


# placement cases: the hit only where a naive extractor does not look
PLACEMENTS = [
    ("docx_header", "docx", "positive", ["classified_mark"]),
    ("docx_comment", "docx", "positive", ["id_number"]),
    ("docx_deletion", "docx", "positive", ["internal_marker"]),
    ("docx_footnote", "docx", "positive", ["id_number"]),
    ("xlsx_hidden_column", "xlsx", "positive", ["id_number"]),
    ("xlsx_hidden_row", "xlsx", "positive", ["bank_card"]),
    ("xlsx_hidden_sheet", "xlsx", "positive", ["mobile"]),
    ("xls_hidden_column", "xls", "positive", ["id_number"]),
    ("xls_hidden_sheet", "xls", "positive", ["mobile"]),
]

# ---------------------------------------------------------------- renderers


def _layout(case: Case) -> list[tuple]:
    """The blocks in document order: an opening mark, the title (``h``), the rest."""
    blocks = list(case.blocks)
    opening = (
        blocks
        and blocks[0][0] == "hit"
        and case.name.startswith(("mark_", "internal_marker"))
        and case.name not in ("mark_in_body", "internal_marker_body", "mark_fullwidth")
    )
    head = [blocks.pop(0)] if opening else []
    return head + [("h", case.title)] + blocks


def _ordered_lines(case: Case) -> list[str]:
    lines: list[str] = []
    for block in _layout(case):
        if block[0] == "table":
            lines.extend("  ".join(row) for row in block[1])
        else:
            lines.append(block[1])
    return lines


def render_html(case: Case) -> bytes:
    from html import escape

    parts = []
    for block in _layout(case):
        if block[0] == "h":
            parts.append(f'<h1 class="title">{escape(block[1])}</h1>')
        elif block[0] == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in block[1]
            )
            parts.append(f'<table class="tab">{rows}</table>')
        else:
            parts.append(f"<p>{escape(block[1])}</p>")
    page = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{escape(case.title)}_石泉县人民政府</title>"
        '<meta name="keywords" content="通知,政务公开"><style>.title{font-size:20px}</style>'
        "<script>var _hmt = _hmt || []; var phone='13900000000';</script></head><body>"
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>'
        f'<div class="content">{"".join(parts)}</div>'
        '<div class="footer">主办：石泉县人民政府办公室 联系电话：0915-6321000</div></body></html>'
    )
    return page.encode("gb18030")


def render_txt(case: Case) -> bytes:
    return ("\r\n".join(_ordered_lines(case)) + "\r\n").encode("gbk")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def render_pdf(case: Case | None, lines: list[str] | None = None) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    y = height - 60
    src = lines if lines is not None else _ordered_lines(case)
    for line in src:
        for piece in _wrap(line, 40):
            if y < 60:
                c.showPage()
                y = height - 60
            c.setFont("STSong-Light", 11)
            c.drawString(50, y, piece)
            y -= 18
        y -= 6
    c.showPage()
    c.save()
    return buf.getvalue()


def render_scanned_pdf() -> bytes:
    """A PDF page that is only an image: no text layer."""
    import io

    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(img)
    for k in range(12):
        draw.line((20, 20 + 20 * k, 380, 20 + 20 * k), fill=0, width=3)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(img), 50, 400, width=400, height=300)
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx_doc():
    import docx

    return docx.Document()


def _docx_bytes(document) -> bytes:
    import io

    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def render_docx(case: Case) -> bytes:
    document = _docx_doc()
    for block in _layout(case):
        if block[0] == "h":
            document.add_heading(block[1], level=1)
        elif block[0] == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for k, value in enumerate(row):
                    table.cell(r, k).text = value
        else:
            document.add_paragraph(block[1])
    return _docx_bytes(document)


def render_xlsx(case: Case) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for line_or_block in _xl_rows(case):
        ws.append(line_or_block)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xl_rows(case: Case) -> list[list[str]]:
    rows: list[list[str]] = []
    for block in _layout(case):
        if block[0] == "table":
            rows.extend(list(r) for r in block[1])
        else:
            rows.append([block[1]])
    return rows


def render_xls(case: Case) -> bytes:
    import io

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for r, row in enumerate(_xl_rows(case)):
        for k, value in enumerate(row):
            ws.write(r, k, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_doc(case: Case) -> bytes:
    return word_document("\n".join(_ordered_lines(case)))


RENDERERS = {
    "html": (render_html, "html"),
    "txt": (render_txt, "txt"),
    "pdf": (render_pdf, "pdf"),
    "docx": (render_docx, "docx"),
    "xlsx": (render_xlsx, "xlsx"),
    "xls": (render_xls, "xls"),
    "doc": (render_doc, "doc"),
}

# ---------------------------------------------------------------- placement renderers


def _clean_body(document, rng: random.Random, n: int = 3) -> None:
    document.add_heading("关于做好春耕生产工作的通知", level=1)
    for _ in range(n):
        document.add_paragraph(paragraph(rng, (2, 4)))


def _w(tag: str):
    from docx.oxml import OxmlElement

    return OxmlElement(tag)


def placement(name: str, rng: random.Random) -> bytes:
    if name == "docx_header":
        document = _docx_doc()
        document.sections[0].header.paragraphs[0].text = "秘密★1年"
        _clean_body(document, rng)
        return _docx_bytes(document)
    if name == "docx_comment":
        document = _docx_doc()
        _clean_body(document, rng, 1)
        p = document.add_paragraph("请核对以上申报对象的基本信息。")
        document.add_comment(
            p.runs, text=f"申报人李建国，身份证号{ID_A}，请核实。", author="审核人", initials="SH"
        )
        _clean_body(document, rng, 1)
        return _docx_bytes(document)
    if name == "docx_deletion":
        from docx.oxml.ns import qn

        document = _docx_doc()
        _clean_body(document, rng, 1)
        p = document.add_paragraph("本通知自印发之日起施行。")
        deleted = _w("w:del")
        deleted.set(qn("w:id"), "1")
        deleted.set(qn("w:author"), "办公室")
        deleted.set(qn("w:date"), "2023-03-01T00:00:00Z")
        run = _w("w:r")
        text = _w("w:delText")
        text.text = "内部资料 不得外传"
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(text)
        deleted.append(run)
        p._p.append(deleted)
        _clean_body(document, rng, 1)
        return _docx_bytes(document)
    if name == "docx_footnote":
        return _docx_with_footnote(rng)
    if name.startswith("xlsx_"):
        return _xlsx_placement(name, rng)
    if name.startswith("xls_"):
        return _xls_placement(name, rng)
    raise KeyError(name)


def _docx_with_footnote(rng: random.Random) -> bytes:
    """python-docx writes no footnotes: add the part and its relationship by hand."""
    import io
    import zipfile

    document = _docx_doc()
    _clean_body(document, rng, 2)
    raw = _docx_bytes(document)
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>数据来源：申报人周建新，身份证号{ID_B}。</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", footnotes.encode("utf-8"))
    return out.getvalue()


_PEOPLE = [("刘长青", "13991512345", ID_A), ("张翠华", "15809156789", ID_B), ("周文军", "18700918765", ID_C)]


def _xlsx_placement(name: str, rng: random.Random) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示名单"
    ws.append(["县级财政补贴发放公示名单"])
    if name == "xlsx_hidden_column":
        ws.append(["序号", "姓名", "村组", "补贴金额", "身份证号"])
        for k, (person, _, ident) in enumerate(_PEOPLE, 1):
            ws.append([k, person, "东风村", 1200, ident])
        ws.column_dimensions["E"].hidden = True
    elif name == "xlsx_hidden_row":
        ws.append(["序号", "项目", "金额"])
        ws.append([1, "春耕物资补贴", 36000])
        ws.append(["开户银行：中国农业银行", f"银行账号：{CARD}", ""])
        ws.row_dimensions[4].hidden = True
        ws.append([2, "农机购置补贴", 52000])
    elif name == "xlsx_hidden_sheet":
        ws.append(["序号", "村组", "补贴金额"])
        ws.append([1, "东风村", 1200])
        hidden = wb.create_sheet("联系人")
        hidden.append(["姓名", "手机"])
        for person, mobile, _ in _PEOPLE:
            hidden.append([person, mobile])
        hidden.sheet_state = "hidden"
    ws.append([paragraph(rng, (1, 2))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xls_placement(name: str, rng: random.Random) -> bytes:
    import io

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("公示名单")
    ws.write(0, 0, "县级财政补贴发放公示名单")
    if name == "xls_hidden_column":
        for k, header in enumerate(["序号", "姓名", "村组", "补贴金额", "身份证号"]):
            ws.write(1, k, header)
        for r, (person, _, ident) in enumerate(_PEOPLE, 2):
            for k, value in enumerate([r - 1, person, "东风村", 1200, ident]):
                ws.write(r, k, value)
        ws.col(4).hidden = True
    else:
        ws.write(1, 0, "序号")
        ws.write(1, 1, "村组")
        ws.write(2, 0, 1)
        ws.write(2, 1, "东风村")
        hidden = wb.add_sheet("联系人")
        hidden.write(0, 0, "姓名")
        hidden.write(0, 1, "手机")
        for r, (person, mobile, _) in enumerate(_PEOPLE, 1):
            hidden.write(r, 0, person)
            hidden.write(r, 1, mobile)
        hidden.visibility = 1
    ws.write(6, 0, paragraph(rng, (1, 2)))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- build


def build(out: str | Path, seed: int = 20240315) -> list[dict]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest: list[dict] = []
    for case in cases(seed):
        for fmt in case.formats:
            render, ext = RENDERERS[fmt]
            name = f"{case.label}/{case.name}.{ext}"
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render(case))
            manifest.append(
                {"file": name, "case": case.name, "format": fmt, "label": case.label, "kinds": case.kinds}
            )
    rng = random.Random(seed + 1)
    for pname, ext, label, kinds in PLACEMENTS:
        name = f"{label}/{pname}.{ext}"
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(placement(pname, rng))
        manifest.append({"file": name, "case": pname, "format": ext, "label": label, "kinds": kinds})
    # traditional Chinese in Big5: a classified mark
    trad = "機密★長期\r\n縣人民政府關於做好防汛工作的通知\r\n各鄉鎮人民政府：\r\n請認真做好汛期值班工作。\r\n"
    (out / "positive/mark_big5.txt").write_bytes(trad.encode("big5"))
    manifest.append(
        {
            "file": "positive/mark_big5.txt",
            "case": "mark_big5",
            "format": "txt",
            "label": "positive",
            "kinds": ["classified_mark"],
        }
    )
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def build_hostile(out: str | Path) -> dict[str, Path]:
    """Hostile and broken files: a corrupt PDF, a zip bomb named .docx, a 200 MB sparse file,
    a scanned PDF without text layer."""
    import zipfile

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    good = render_pdf(None, ["关于做好春耕生产工作的通知", "各镇人民政府：请认真做好春耕生产工作。"])
    corrupt = out / "corrupt.pdf"
    corrupt.write_bytes(good[:40] + b"\x00garbage\xff" * 50 + good[-300:])
    files["corrupt_pdf"] = corrupt
    bomb = out / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"\x00" * (1024 * 1024)
            for _ in range(1024):  # 1 GiB of zeros, about 1 MB compressed
                fh.write(block)
    files["zip_bomb"] = bomb
    big = out / "huge.pdf"
    with open(big, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(200 * 1024 * 1024)
    files["huge"] = big
    scanned = out / "scanned.pdf"
    scanned.write_bytes(render_scanned_pdf())
    files["scanned_pdf"] = scanned
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    entries = build(target)
    print(f"{len(entries)} documents in {target}")
