"""OCR confusion repair (screening.engine.ocrfix): length-preserving, generous on marks, strict on IDs."""

from __future__ import annotations

import pytest

from screening.engine import default_screener
from screening.engine.ocrfix import ocr_repair
from tests.scans.scangen import id_check

VALID = "52232720080615599X"
VALID2 = "320381199309045849"


@pytest.fixture(scope="module")
def screener():
    return default_screener()


def kinds(screener, text: str) -> set[str]:
    return {h.kind for h in screener.screen(text).hits if h.severity in ("high", "medium")}


@pytest.mark.parametrize(
    "read, mark",
    [
        ("秘密女1年", "秘密★1年"),
        ("机密太长期", "机密★长期"),
        ("机密大长其", "机密★长期"),
        ("绝密*长期", "绝密★长期"),
        ("秘密＊6个月", "秘密★6个月"),
        ("秘密 女 l年", "秘密 ★ 1年"),
        ("机密☆5年", "机密★5年"),
        ("绝密六会议结束前", "绝密★会议结束前"),
    ],
)
def test_star_read_as_other_characters_is_repaired_before_a_term(read, mark):
    text = f"某县人民政府办公室\n{read}\n关于做好春季农业生产工作的通知"
    fixed = ocr_repair(text)
    assert len(fixed) == len(text)
    assert mark in fixed


@pytest.mark.parametrize("read", ["秘密女1年", "机密太长期", "绝密*长期", "机密大长其"])
def test_repaired_marks_are_classified_marks(screener, read):
    text = f"{read}\n某县人民政府办公室文件\n关于报送有关材料的函"
    assert "classified_mark" in kinds(screener, ocr_repair(text))


@pytest.mark.parametrize(
    "text",
    [
        "大自然的秘密太多了，孩子们长期观察。",
        "他守住了这个秘密，大家都很满意。",
        "保密工作会议强调，要严守国家秘密，长期坚持。",
        "商业秘密大1年以上的案件",  # no 密级 at all: 商业秘密 is a trade secret
    ],
)
def test_prose_is_not_turned_into_a_mark(screener, text):
    fixed = ocr_repair(text)
    assert len(fixed) == len(text)
    assert "classified_mark" not in kinds(screener, fixed)


def test_spaced_mark_needs_no_repair_normalisation_bridges_it(screener):
    text = "秘 密 ★ 1 年\n关于报送有关材料的函"
    assert ocr_repair(text) == text
    assert "classified_mark" in kinds(screener, text)


@pytest.mark.parametrize(
    "read",
    [
        "52232720O80615599X",  # O for 0
        "522327200806l5599X",  # l for 1
        "52232720080615599x",  # lower-case check x
        "5223272OO8O615599Ｘ",  # several O and a full-width X
        "32O38I199309045849",
        "3203811993O9O45849",
    ],
)
def test_id_lookalikes_are_repaired_when_the_repaired_id_is_valid(screener, read):
    text = f"姓名：张伟 身份证号：{read} 金额：300"
    fixed = ocr_repair(text)
    assert len(fixed) == len(text)
    assert VALID in fixed or VALID2 in fixed
    assert "id_number" in kinds(screener, fixed)


def test_wrong_check_digit_after_repair_stays_no_id(screener):
    first17 = "32038119930904584"
    wrong = next(c for c in "0123456789" if c != id_check(first17))
    read = "32O38I19930904584" + wrong
    text = f"身份证号：{read}"
    fixed = ocr_repair(text)
    assert fixed == text
    assert "id_number" not in kinds(screener, fixed)


def test_too_many_lookalikes_are_left_alone():
    text = "编号 IlOoIlOo199309045849"
    assert ocr_repair(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "610922********1234",
        "身份证号：610922********1234 姓名：李娜",
        "410***********5373",
        "3*************3500",
        "联系电话：138****1234",
    ],
)
def test_masked_ids_stay_clean(screener, text):
    fixed = ocr_repair(text)
    assert fixed == text
    assert "id_number" not in kinds(screener, fixed)


def test_repair_keeps_length_on_mixed_text():
    text = "秘密女1年\n" + "序号 姓名 身份证号码\n1 王伟 52232720O80615599x\n2 李娜 610922********1234\n" * 3
    fixed = ocr_repair(text)
    assert len(fixed) == len(text)
    assert fixed.count(VALID) == 3 and fixed.startswith("秘密★1年")


def test_a_text_layer_of_glyphs_without_unicode_counts_as_no_text_layer():
    from screening.extract.pdf import garbled

    assert garbled("(cid:1234)(cid:88)(cid:91)(cid:3)" * 5 + "\n第1页")
    assert garbled("\ue012\ue013\ue014\ue015\ue016\ue017\ue018\ue019\ue01a\ue01b\ue01c 1")
    assert not garbled("关于做好春季农业生产工作的通知\n各乡镇人民政府：现将有关事项通知如下。")
    assert not garbled("正文" * 40 + "(cid:12)")  # one unmapped glyph in a readable page
