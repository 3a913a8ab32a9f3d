"""Normalisation and its offset map (screening/engine/normalize.py)."""

from __future__ import annotations

import importlib

from hypothesis import example, given, settings
from hypothesis import strategies as st

from screening.engine.normalize import normalize, normalize_text, translate, translation_table


def test_full_width_becomes_half_width():
    assert normalize_text("ＡＢＣ１２３＊：（）") == "ABC123*:()"
    assert normalize_text("密级\u3000秘密") == "密级秘密"  # ideographic space between CJK is bridged


def test_traditional_becomes_simplified():
    assert normalize_text("國家祕密") == "国家秘密"
    assert normalize_text("機密檔案") == "机密档案"
    assert normalize_text("內部資料") == "内部资料"


def test_kangxi_radicals_become_ideographs():
    # PDFs often emit U+2F42 (⽂) for 文
    assert normalize_text("\u2f42件") == "文件"


def test_zero_width_characters_dropped_anywhere():
    assert normalize_text("涉\u200b密") == "涉密"
    assert normalize_text("ab\u200dc\ufeff") == "abc"


def test_dodge_characters_between_cjk_are_bridged():
    assert normalize_text("秘 密 ★ 1 年") == "秘密 ★ 1 年"
    assert normalize_text("机·密") == "机密"
    assert normalize_text("内_部-资/料") == "内部资料"
    assert normalize_text("机 密 文 件") == "机密文件"


def test_bridging_does_not_cross_lines_long_gaps_or_stars():
    assert normalize_text("秘\n密") == "秘\n密"
    assert normalize_text("秘    密") == "秘    密"  # four spaces: not a dodge
    assert normalize_text("绝密*会议结束前") == "绝密*会议结束前"  # * is a star, kept
    assert normalize_text("abc def") == "abc def"  # only between CJK characters


def test_offsets_point_back_to_original_characters():
    original = "機 密\u200b文件：１３８"
    n = normalize(original)
    assert n.text == "机密文件:138"
    assert n.offsets.to_list() == [0, 2, 4, 5, 6, 7, 8, 9]
    assert len(n.offsets) == len(n.text)
    assert n.span(0, 4) == (0, 6)
    assert original[slice(*n.span(0, 2))] == "機 密"


def test_every_decimal_digit_is_read_as_its_ascii_digit():
    import sys
    import unicodedata

    from screening.engine.normalize import DECIMAL_ZEROS

    # the list is Unicode 14's (Python 3.11); a newer Python's list must be a superset of it
    zeros = [cp for cp in range(0x80, sys.maxunicode + 1) if unicodedata.decimal(chr(cp), None) == 0]
    assert set(DECIMAL_ZEROS) <= set(zeros)
    if unicodedata.unidata_version == "14.0.0":
        assert sorted(DECIMAL_ZEROS) == zeros
    table = translation_table()
    for zero in DECIMAL_ZEROS:
        assert [table[zero + d] for d in range(10)] == list("0123456789"), hex(zero)
    assert normalize_text("\u0666\u0661\u0660\U0001d7d7") == "6109"


def test_numpy_and_str_translate_agree_on_long_text():
    text = ("機密檔案，ＡＢＣ１２３😀 \u2f42件 普通文字" * 500) + "\ud800"
    assert translate(text) == text.translate(translation_table())


def test_the_16_bit_way_agrees_and_gives_way_where_it_cannot_hold_the_result():
    from screening.engine.normalize import _translate

    table = translation_table()
    bmp = "機密檔案，ＡＢＣ１２３\u0663 \u2f42件 普通文字\n" * 500  # the Basic Multilingual Plane alone
    out, codes = _translate(bmp)
    assert codes.itemsize == 2 and out == bmp.translate(table)
    beyond = next(k for k, v in sorted(table.items()) if k < 0x10000 and ord(v) >= 0x10000)
    # a character becoming a supplementary one; U+FFFF (the 16-bit way's mark for that); two
    # lone surrogates of the text that UTF-16 would read as one character
    for text in (bmp + chr(beyond), bmp + "\uffff", bmp + "\ud83d\ude00"):
        out, codes = _translate(text)
        assert codes.itemsize == 4 and out == text.translate(table), ascii(text[-2:])
    out, codes = _translate("\ud800" + bmp)  # a lone surrogate alone stays one character
    assert out == ("\ud800" + bmp).translate(table)


_ALPHABET = st.sampled_from(
    list("秘密机绝涉国家內資料文件有封 \t·・_-/.*★\n\u200b\u200dＡ１，。：abc0123") + ["\u3000", "\u2f42"]
)
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_offset_map_is_strictly_increasing_and_charwise_faithful(text):
    n = normalize(text)
    offs = n.offsets.to_list()
    assert len(offs) == len(n.text)
    assert all(a < b for a, b in zip(offs, offs[1:], strict=False))
    assert all(0 <= o < len(text) for o in offs)
    for i, o in enumerate(offs):
        assert translate(text[o]) == n.text[i]


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.data())
def test_any_normalised_span_comes_from_an_original_span_that_normalises_to_it(text, data):
    n = normalize(text)
    if not n.text:
        return
    s = data.draw(st.integers(0, len(n.text) - 1))
    e = data.draw(st.integers(s + 1, len(n.text)))
    a, b = n.span(s, e)
    assert normalize_text(text[a:b]) == n.text[s:e]


@settings(max_examples=200, deadline=None)
@given(_TEXT)
@example("秘  \u200b\u200b秘")  # found in CI: zero-width characters counted towards the gap's length
@example("秘\u200b \u200b \u200b \u200b秘")
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_the_last_text_is_normalised_once_and_never_answers_for_another(a, b):
    """The screen and the inspection checks normalise the same string object: the second call
    reuses the first's result; any other string (equal or not) is normalised for itself."""
    mod = importlib.import_module("screening.engine.normalize")

    first = normalize(a)
    assert normalize(a) is first
    copy = "".join(list(b))  # b's text in a new object when b is not empty
    got = normalize(copy)
    assert got.original is copy and got.text == mod._normalize(copy).text
    assert got.offsets.to_list() == mod._normalize(copy).offsets.to_list()


def test_a_large_text_is_not_kept_alive_by_the_memo():
    mod = importlib.import_module("screening.engine.normalize")

    big = "秘密" * (mod.MEMO_CHARS // 2 + 1)
    normalize(big)
    assert mod._memo is None
    small = "机密文件"
    assert normalize(small) is normalize(small)


def test_the_numpy_lookup_starts_no_blas_threads():
    # numpy only looks characters up here: its OpenBLAS would start a thread per core at import
    # (0.1 s of CPU in every screening process); a long text takes the numpy way
    import os
    import subprocess
    import sys

    code = (
        "import os; from screening.engine.normalize import normalize; normalize('保密' * 4096); "
        "import numpy; print(len(os.listdir('/proc/self/task')))"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1", out.stdout
