"""Pattern validators and detectors (screening/engine/validators.py, masking.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine import Screener
from screening.engine.document import Doc
from screening.engine.lexicon import Lexicon
from screening.engine.masking import mask_hit_text, snippet, snippets
from screening.engine.patterns import PROVINCES
from screening.engine.validators import (
    BankCards,
    ClassificationMarks,
    Mobiles,
    ResidentIds,
    id_check_char,
    luhn_valid,
    valid_date,
    valid_id15,
    valid_id18,
    valid_region,
)


def make_id(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    return body + id_check_char(body)


def luhn_complete(prefix: str) -> str:
    for d in "0123456789":
        if luhn_valid(prefix + d):
            return prefix + d
    raise AssertionError


ID_A = make_id("610922", "19850317", "123")
CARD = luhn_complete("622848040256489001")
EMPTY = Screener(Lexicon())  # detectors only, no lexicon terms


def kinds_rules(text: str, screener: Screener = EMPTY) -> list[tuple[str, str, str]]:
    return [(h.kind, h.rule, h.severity) for h in screener.screen(text).hits]


# ---------------------------------------------------------------- resident IDs


def test_gb11643_standard_example():
    assert id_check_char("11010519491231002") == "X"
    assert valid_id18("11010519491231002X")
    assert valid_id18("11010519491231002x")
    assert not valid_id18("110105194912310021")


def test_region_prefix():
    assert valid_region("610922") and valid_region("441900")  # 东莞: no county level, ends 00
    assert valid_region("810000")  # Hong Kong residence permit
    assert not valid_region("991234")  # no province 99
    assert not valid_region("200000")  # an order number starting with a year
    assert not valid_region("610022")  # city part 00
    assert not valid_region("810101")


def test_birth_date_must_be_real_and_past():
    assert valid_date("20000229") and not valid_date("19000229") and not valid_date("19900230")
    assert not valid_date("18991231")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert not valid_date(tomorrow.strftime("%Y%m%d"))


_regions = st.builds(
    lambda p, c, d: p + c + d,
    st.sampled_from(sorted(PROVINCES - {"71", "81", "82", "83"})),
    st.integers(1, 99).map(lambda n: f"{n:02d}"),
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
)
_births = st.dates(dt.date(1900, 1, 1), dt.date.today()).map(lambda d: d.strftime("%Y%m%d"))
_seqs = st.integers(0, 999).map(lambda n: f"{n:03d}")


@settings(max_examples=300, deadline=None)
@given(_regions, _births, _seqs)
def test_generated_valid_ids_are_accepted(region, birth, seq):
    assert valid_id18(make_id(region, birth, seq))


@settings(max_examples=300, deadline=None)
@given(_regions, _births, _seqs, st.integers(0, 17), st.data())
def test_any_single_character_change_is_rejected(region, birth, seq, pos, data):
    good = make_id(region, birth, seq)
    choices = "0123456789X" if pos == 17 else "0123456789"
    new = data.draw(st.sampled_from([c for c in choices if c != good[pos]]))
    assert not valid_id18(good[:pos] + new + good[pos + 1 :])


@settings(max_examples=200, deadline=None)
@given(_regions, _births, _seqs)
def test_id_found_in_text_and_masked(region, birth, seq):
    value = make_id(region, birth, seq)
    hits = EMPTY.screen(f"姓名：王某，身份证号：{value}。").hits
    assert [(h.kind, h.severity) for h in hits] == [("id_number", "high")]
    assert hits[0].text == value[:6] + "*" * 8 + value[-4:]
    assert value not in hits[0].context


def test_old_15_digit_ids():
    assert valid_id15("610922850317123")
    assert not valid_id15("610922851317123")  # month 13
    assert kinds_rules("户主姓名：陈玉梅，身份证号：610922850317123") == [("id_number", "id:15", "high")]
    # without context a 15-digit ID is still reported, one step lower
    assert kinds_rules("编码610922850317123的记录")[0][2] in ("medium", "high")


def test_id_not_inside_a_longer_digit_run_and_not_masked():
    assert kinds_rules(f"9{ID_A}") == []
    assert kinds_rules(f"{ID_A}7") == []
    assert kinds_rules("身份证号：610922********1234") == []
    assert kinds_rules("身份证号：6109XXXXXXXXXX1234") == []


def test_wrong_check_digit_and_order_numbers_are_not_ids():
    bad = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")
    assert kinds_rules(f"公民身份号码：{bad}") == []
    assert kinds_rules("订单编号：202312150000123456，交易流水号：202305061523480917") == []


def test_labelled_order_number_that_happens_to_validate_is_not_an_id():
    assert kinds_rules(f"订单号：{ID_A}") == []
    assert kinds_rules(f"申请人身份证号：{ID_A}")[0][0] == "id_number"


def test_ids_and_mobiles_in_the_digits_of_other_scripts_are_found_and_masked():
    # full-width, Arabic-Indic and mathematical bold digits: normalisation reads them as ASCII
    for zero in (0xFF10, 0x0660, 0x1D7CE):

        def other(s: str, zero: int = zero) -> str:
            return "".join(chr(zero + int(c)) if c.isdigit() else c for c in s)

        hits = EMPTY.screen(
            f"姓名：王某，身份证号：{other(ID_A)}。联系人：李某，手机{other('13912345678')}"
        ).hits
        assert [(h.kind, h.severity) for h in hits] == [("id_number", "high"), ("mobile", "medium")], hex(
            zero
        )
        assert hits[0].text == other(ID_A[:6]) + "*" * 8 + other(ID_A[-4:])
        assert other(ID_A) not in hits[0].context


def test_spaced_id_groups():
    spaced = f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}"
    assert kinds_rules(f"身份证：{spaced}") == [("id_number", "id:gb11643", "high")]


# ---------------------------------------------------------------- mobiles


def test_mobile_pattern_and_digit_run_boundaries():
    doc = Doc.from_text("手机13991512345，固话0915-6311539，编号0139915123456，+8613800138000")
    found = [c.value for c in Mobiles().detect(doc)]
    assert found == ["13991512345", "13800138000"]


def test_masked_mobile_is_not_a_hit():
    assert kinds_rules("联系电话138****1234") == []


def test_single_official_mobile_is_low_and_not_flagged():
    r = EMPTY.screen("咨询单位：县政务服务中心办公室，联系电话：13909151234。")
    assert [(h.kind, h.rule, h.severity) for h in r.hits] == [("mobile", "mobile:official", "low")]
    assert not r.flagged


def test_mobile_beside_private_person_is_medium():
    assert kinds_rules("低保户姓名：张桂兰，手机号码：13800138000") == [
        ("mobile", "mobile:personal", "medium")
    ]
    assert kinds_rules(f"李建国 {ID_A} 13800138000")[-1] == ("mobile", "mobile:personal", "medium")


def test_three_mobiles_on_a_page_are_medium():
    text = "刘长青 13991512345\n张翠华 15809156789\n周文军 18700918765"
    assert {r for _, r, _ in kinds_rules(text)} <= {"mobile:bulk", "mobile:name"}
    assert {s for *_, s in kinds_rules(text)} == {"medium"}


def test_landlines_are_not_mobiles():
    assert kinds_rules("联系电话：0915-6321234，传真：0915-6321235，监督电话：12345。") == []


# ---------------------------------------------------------------- bank cards


def test_luhn():
    assert luhn_valid("4111111111111111") and luhn_valid(CARD)
    assert not luhn_valid("4111111111111112")


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=15, max_size=18), st.integers(0, 18), st.data())
def test_luhn_detects_any_single_digit_change(prefix, pos, data):
    good = luhn_complete(prefix)
    pos = pos % len(good)
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != good[pos]]))
    assert not luhn_valid(good[:pos] + new + good[pos + 1 :])


def test_bank_card_needs_a_context_word():
    assert kinds_rules(f"编码 {CARD} 记录") == []
    hits = EMPTY.screen(f"开户银行：中国农业银行石泉县支行 银行卡号：{CARD}").hits
    assert [(h.kind, h.rule, h.severity) for h in hits] == [("bank_card", "card:luhn", "medium")]
    assert hits[0].text == CARD[:4] + "*" * (len(CARD) - 8) + CARD[-4:]
    assert hits[0].confidence > 0.9


def test_luhn_failure_lowers_confidence_not_the_card_hit():
    bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    hits = EMPTY.screen(f"银行卡号：{bad}").hits
    assert [(h.kind, h.severity) for h in hits] == [("bank_card", "medium")]
    assert hits[0].confidence < 0.9


def test_bare_account_number_failing_luhn_is_low():
    bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert kinds_rules(f"收款单位账号：{bad}") == [("bank_card", "card:account", "low")]


def test_grouped_card_number():
    grouped = " ".join(CARD[i : i + 4] for i in range(0, len(CARD), 4))
    hits = EMPTY.screen(f"卡号 {grouped}").hits
    assert hits and hits[0].kind == "bank_card"
    assert hits[0].text.startswith(CARD[:4] + " ****") and hits[0].text.endswith(CARD[-3:])


# ---------------------------------------------------------------- classification marks

MARKS = [
    "秘密★1年",
    "机密★长期",
    "绝密★",
    "秘密☆2年",
    "绝密＊会议结束前",
    "机 密 ★ 长 期",
    "秘 密 ★ 1 年",
    "机·密★10年",
    "祕密★6个月",
    "秘密 ★ 2025年12月31日前",
    "密级：秘密",
    "密级 机密",
    "本件密级：秘密☆2年，请妥善保管。",
    "绝密 5年",
]


@pytest.mark.parametrize("text", MARKS)
def test_classification_marks(text):
    rules = kinds_rules(text + "\n正文内容")
    assert rules and rules[0][0] == "classified_mark" and rules[0][2] == "high", rules


def test_bare_level_word_on_a_first_line():
    assert kinds_rules("机密\n县人民政府关于印发方案的通知\n各乡镇：") == [
        ("classified_mark", "mark:head", "high")
    ]
    assert kinds_rules("【秘密】 特急\n通知")[0][1] == "mark:head"


@pytest.mark.parametrize(
    "text",
    [
        "县图书馆带领孩子们一起探索大自然的秘密。",
        "保守秘密是每个公民的义务。",
        "这个秘密他守了10年之久。",
        "不同密级的文件应分别存放。",
        "秘密花园\n开放时间",
    ],
)
def test_level_words_in_prose_are_not_marks(text):
    assert [k for k in kinds_rules(text) if k[0] == "classified_mark"] == []


def test_miji_internal_field_is_internal_marker():
    assert kinds_rules("密级：内部\n") == [("internal_marker", "marker:field", "medium")]


def test_mark_offsets_cover_original_text():
    text = "标题\n秘 密 ★ 1 年\n正文"
    (hit,) = EMPTY.screen(text).hits
    assert text[hit.start : hit.end] == "秘 密 ★ 1 年" == hit.text


# ---------------------------------------------------------------- detector registry and masking


def test_detectors_registered_by_name():
    from screening.engine.validators import DETECTORS

    assert DETECTORS == {
        "marks": ClassificationMarks,
        "ids": ResidentIds,
        "mobiles": Mobiles,
        "bank_cards": BankCards,
    }


def test_mask_hit_text():
    assert mask_hit_text("mobile", "13812341234") == "138****1234"
    assert mask_hit_text("id_number", "61092219850317123X") == "610922********123X"
    assert mask_hit_text("bank_card", "6222021234567890") == "6222********7890"
    assert mask_hit_text("keyword", "涉密") == "涉密"


def test_snippet_masks_every_personal_value_and_long_numbers():
    text = f"姓名张三 电话13812341234 身份证{ID_A} 其他号码{ID_A[:17]}0 结束"
    s = text.index("13812341234")
    spans = [(s, s + 11, "mobile")]
    out = snippet(text, s, s + 11, spans, width=60)
    assert "13812341234" not in out and ID_A not in out and ID_A[:17] not in out
    assert "138****1234" in out


def test_snippets_of_a_document_are_each_hits_snippet():
    # a document's snippets in one pass: the same text as snippet() span by span, with windows
    # that hold a personal value, only another long number, only a line break, or nothing
    text = (
        f"开头\n姓名张三\t电话13812341234 身份证{ID_A}\r\n其他号码{ID_A[:17]}0 结束"
        + "。" * 80
        + "普通文字没有号码" * 5
        + "\n\n换行后"
        + "。" * 80
        + "卡号6222 0212 3456 7890 尾"
    )
    personal = sorted(
        (text.index(v), text.index(v) + len(v), k)
        for v, k in [("13812341234", "mobile"), (ID_A, "id_number")]
    )
    masked = {p: mask_hit_text(p[2], text[p[0] : p[1]]) for p in personal}
    spans = [(p[0], p[1]) for p in personal]
    spans += [
        (text.index(w), text.index(w) + len(w)) for w in ("开头", "其他号码", "普通文字", "换行后", "卡号")
    ]
    spans += [(len(text) - 1, len(text)), (0, 0)]
    got = snippets(text, spans, personal, masked)
    assert got == [snippet(text, s, e, personal, masked=masked) for s, e in spans]
    assert "13812341234" not in "".join(got) and ID_A not in "".join(got)
    assert not any(ch in "".join(got) for ch in "\r\n\t")
    assert any("普通文字" in g and "*" not in g for g in got)


def test_amounts_and_round_numbers_are_not_mobiles():
    assert kinds_rules("总投资13800138000元，另13912345678万元，计15012345678人次") == []
    assert kinds_rules("号码13800000000") == []


def test_card_rows_far_below_the_header_count_when_they_pass_luhn():
    rows = "\n".join(
        f"{i} 某某某 {luhn_complete('62284804025648' + str(1000 + i))} 1200" for i in range(1, 8)
    )
    rules = kinds_rules("户名 银行卡号 金额\n" + rows)
    assert len(rules) == 7 and {s for *_, s in rules} == {"medium"}
    assert rules[-1][1] == "card:page"


def test_miji_field_with_ji_suffix():
    assert kinds_rules("密级：秘密级\n") == [("classified_mark", "mark:field", "high")]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["工作", "商业", "技术", "绝密", "机密", "秘密", "★", "*", " ", "1", "年", "长期", "国", "\n", "a"]), max_size=14).map("".join))  # fmt: skip
def test_mark_patterns_with_the_lookbehind_after_the_level_word_read_as_written_before_it(text):
    """mark:star and mark:term check what precedes the level word after matching it (the engine
    then scans for the words); they match exactly where the plain form, lookbehind first, does."""
    import re

    from screening.engine import patterns as P

    plain = {
        "mark:star": rf"(?<!工作)(?<!商业)(?<!技术){P.LEVEL}{P._SP}{P.STAR}+(?:{P._SP}{P.TERM})?",
        "mark:term": rf"(?<![{P.HAN}]){P.LEVEL}{P._SP}(?:\d{{1,2}}{P._SP}年|长期)(?![{P.HAN}\d])",
    }
    for rule, pattern in plain.items():
        fast = P.MARK_PATTERNS[rule][2]
        for pos in (0, len(text) // 2):
            assert [m.span() for m in fast.finditer(text, pos)] == [
                m.span() for m in re.compile(pattern).finditer(text, pos)
            ], (rule, text, pos)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789Xx -*a", max_size=24), st.integers(0, 7), st.integers(0, 5))
def test_masking_a_bare_number_the_short_way_masks_as_the_long_way(s, lead, trail):
    from screening.engine.masking import _mask_digits, mask_digits

    assert mask_digits(s, lead, trail) == _mask_digits(s, lead, trail)
    digits = "".join(c for c in s if c.isdigit())
    assert mask_digits(digits, lead, trail) == _mask_digits(digits, lead, trail)
    assert mask_digits(digits + "X", lead, trail) == _mask_digits(digits + "X", lead, trail)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=0, max_size=24))
def test_luhn_is_the_textbook_check(number):
    def textbook(n: str) -> bool:
        if len(n) < 2:
            return False
        total = 0
        for i, c in enumerate(reversed(n)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        return total % 10 == 0

    assert luhn_valid(number) == textbook(number)
    assert not luhn_valid(number + "a")
