"""The screening engine end to end: API, lexicon, jieba boundaries, scoring (screening/engine/)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.engine import (
    Hit,
    Lexicon,
    LexiconError,
    Screener,
    ScreenResult,
    default_screener,
    load_lexicon,
)
from screening.engine.lexicon import PRIVATE_LEXICON_ENV, REPO_LEXICON, default_lexicon_paths
from screening.engine.matcher import BACKENDS, PatternIndex
from screening.engine.normalize import normalize_text
from screening.engine.validators import id_check_char, luhn_valid

REPO = Path(__file__).resolve().parents[1]


def _id(body: str) -> str:
    return body + id_check_char(body)


def _card(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))


ID_A = _id("61092219850317123")
CARD = _card("622848040256489001")


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(load_lexicon([REPO_LEXICON]))


def summary(result: ScreenResult) -> list[tuple[str, str, str]]:
    return [(h.kind, h.rule, h.severity) for h in result.hits]


# ---------------------------------------------------------------- API


def test_api_shapes(screener):
    r = screener.screen("秘密★1年\n关于做好工作的通知")
    assert isinstance(r, ScreenResult) and r.flagged and r.severity == "high"
    assert r.kinds == ["classified_mark"]
    (h,) = r.hits
    assert isinstance(h, Hit)
    assert (h.kind, h.rule, h.severity, h.start, h.end, h.text) == (
        "classified_mark",
        "mark:star",
        "high",
        0,
        5,
        "秘密★1年",
    )
    assert "关于做好工作的通知" in h.context and h.confidence == 1.0
    with pytest.raises(AttributeError):
        h.kind = "x"  # frozen


def test_clean_text(screener):
    r = screener.screen("县政府召开常务会议，研究部署春季农业生产工作。")
    assert r == ScreenResult(hits=[], severity=None, flagged=False, kinds=[])


def test_threshold_is_configurable():
    text = "咨询电话：13909151234"
    assert not Screener(Lexicon()).screen(text).flagged
    assert Screener(Lexicon(), threshold="low").screen(text).flagged
    with pytest.raises(ValueError, match="threshold"):
        Screener(Lexicon(), threshold="severe")


def test_default_screener_uses_repo_and_private_lexicon(tmp_path, monkeypatch):
    private = tmp_path / "bureau.yaml"
    private.write_text("entries:\n  - {term: 蓝盾工程, severity: high, note: code name}\n", encoding="utf-8")
    monkeypatch.setenv(PRIVATE_LEXICON_ENV, str(private))
    assert default_lexicon_paths() == [REPO_LEXICON, private]
    s = default_screener()
    r = s.screen("关于蓝盾工程二期建设进度的情况汇报")
    assert summary(r) == [("keyword", "lexicon:蓝盾工程", "high")] and r.flagged
    assert "涉密" in s.lexicon.entries  # the repo lexicon is there too
    monkeypatch.delenv(PRIVATE_LEXICON_ENV)
    assert Screener().lexicon.entries.keys() == load_lexicon([REPO_LEXICON]).entries.keys()


# ---------------------------------------------------------------- positives and hard negatives

POSITIVES = [
    ("秘密★1年\n关于做好工作的通知", "classified_mark"),
    ("机 密 ★ 长 期\n正文", "classified_mark"),
    ("绝密＊会议结束前", "classified_mark"),
    ("本件密级：秘密☆2年，请妥善保管。", "classified_mark"),
    ("机密\n县人民政府关于印发春季森林防火工作方案的通知", "classified_mark"),
    (f"申请人：李建国，公民身份号码：{ID_A}", "id_number"),
    (f"序号 姓名 身份证号 补贴金额\n1 王秀兰 {ID_A} 1200", "id_number"),
    ("户主姓名：陈玉梅，身份证号：610922850317123", "id_number"),
    ("刘长青 东风村三组 13991512345\n张翠华 新华村一组 15809156789\n周文军 龙泉村五组 18700918765", "mobile"),
    ("低保户姓名：张桂兰，手机号码：13800138000", "mobile"),
    (f"开户银行：中国农业银行石泉县支行\n银行卡号：{CARD}", "bank_card"),
    ("内部资料  注意保存\n关于印发方案的通知", "internal_marker"),
    ("本材料仅供内部参考，不得外传。", "internal_marker"),
    ("此件为内部文件，请勿外传", "internal_marker"),
    ("（工作秘密）\n关于调整人员的意见", "internal_marker"),
    ("內部資料", "internal_marker"),
    ("内 部 资 料", "internal_marker"),
]

NEGATIVES = [
    "经审核，申请人王某，身份证号610922********1234，联系电话138****1234，符合补助条件。",
    f"公民身份号码：{ID_A[:17]}{'0' if ID_A[17] != '0' else '1'}（号码有误，已退回更正）。",
    "订单编号：202312150000123456，合同编号：440300202399887766。交易流水号：202305061523480917。",
    "该泵阀采用有机密封材料，耐高温、耐腐蚀，使用寿命长。",
    "各单位要坚决杜绝密切关系人违规插手工程项目，严肃查处违纪违法行为。",
    "3月15日，县委保密委员会召开全县保密工作会议，传达学习全市保密工作会议精神。会议要求，各级各部门要切实"
    "增强保密意识，扎实做好保密宣传教育和保密检查工作，严格涉密人员管理，确保国家秘密安全。",
    "县保密局开展保密宣传月活动，讲解内部资料不得外传、工作秘密不得上网等要求。",
    "县图书馆举办少儿科普活动，带领孩子们一起探索大自然的秘密。",
    "联系电话：0915-6321234，传真：0915-6321235，监督电话：12345。",
    "咨询单位：县政务服务中心办公室，联系电话：13909151234。",
    "联系人：王科长，手机：13909151234，地址：县政府大院。",
    "本刊为内部资料性出版物，准印证号：陕内资准字第123号。",
    "严禁将内部文件上传至互联网，违者严肃追责。",
    "请注意保存好缴费票据，以备查验。",
    "收款单位：县财政局，开户银行：农行石泉支行，账号：27060101040001234。",
]


@pytest.mark.parametrize(("text", "kind"), POSITIVES)
def test_positives_flagged(screener, text, kind):
    r = screener.screen(text)
    assert r.flagged, summary(r)
    assert kind in r.kinds, summary(r)


@pytest.mark.parametrize("text", NEGATIVES)
def test_hard_negatives_not_flagged(screener, text):
    r = screener.screen(text)
    assert not r.flagged, summary(r)


# ---------------------------------------------------------------- lexicon on jieba boundaries


def test_split_terms_are_low_substring_hits_and_never_flag(screener):
    r = screener.screen("该泵阀采用有机密封材料，坚决杜绝密切关系人插手。")
    assert summary(r) == [
        ("keyword", "lexicon-substring:机密", "low"),
        ("keyword", "lexicon-substring:绝密", "low"),
    ]
    assert not r.flagged
    assert [h.text for h in r.hits] == ["机密", "绝密"]


def test_whole_terms_are_keyword_hits(screener):
    r = screener.screen("该批材料属于国家秘密，严禁在互联网上传播。")
    assert summary(r) == [("keyword", "lexicon:国家秘密", "low")]


@pytest.mark.parametrize("term", sorted(load_lexicon([REPO_LEXICON]).entries))
@pytest.mark.parametrize(
    "template",
    ["各单位要加强{t}的管理工作。", "会议通报了{t}有关情况，要求认真整改。", "本材料属于{t}，请妥善处理。"],
)
def test_every_base_term_is_cut_whole_in_a_sentence(screener, term, template):
    rules = [h.rule for h in screener.screen(template.format(t=term)).hits]
    assert f"lexicon:{term}" in rules


def test_dodged_terms_found_at_original_offsets(screener):
    text = "材料属于機·密，另有内\u200b部\u200b资\u200b料"
    r = screener.screen(text)
    for h in r.hits:
        term = h.rule.split(":", 1)[1]
        assert normalize_text(text[h.start : h.end]) == term
    assert {h.rule for h in r.hits} >= {"lexicon:机密", "lexicon:内部资料"}


def test_dedicated_tokenizer_leaves_global_jieba_alone(tmp_path):
    lex = tmp_path / "x.yaml"
    lex.write_text("entries: [{term: 青龙专项行动, severity: medium}]\n", encoding="utf-8")
    s = Screener(load_lexicon([lex]))
    assert "青龙专项行动" in s.tokenizer.FREQ
    assert "青龙专项行动" not in jieba.dt.FREQ
    assert s.tokenizer is Screener(load_lexicon([lex])).tokenizer  # cached per lexicon


# ---------------------------------------------------------------- windowed == whole-text reference

_FRAGMENTS = [
    "涉密",
    "国家秘密",
    "密级",
    "机密",
    "绝密",
    "内部资料",
    "不得外传",
    "有机密封",
    "杜绝密切",
    "保密级别",
    "工作秘密",
    "涉密人员",
    "县政府",
    "召开会议",
    "加强管理",
    "的",
    "和",
    "材料",
    "abc",
    "2024",
    "，",
    "。",
    "\n",
    " ",
    "·",
    "秘密★1年",
    "13800138000",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join))
def test_windowed_screen_equals_whole_text_reference(text):
    s = _SCREENER
    assert s.screen(text) == s.reference_screen(text)


_SCREENER = Screener(load_lexicon([REPO_LEXICON]))


def test_windowed_equals_reference_on_long_text(screener):
    rng = random.Random(7)
    words = [
        "县委",
        "召开",
        "工作",
        "会议",
        "部署",
        "乡村振兴",
        "重点",
        "任务",
        "要求",
        "各部门",
        "落实",
        "责任",
    ]
    parts = []
    for _ in range(3000):
        parts.append("".join(rng.choice(words) for _ in range(rng.randint(3, 12))))
        parts.append(rng.choice(_FRAGMENTS[:12]) if rng.random() < 0.3 else "")
        parts.append(rng.choice("，。；\n"))
    text = "".join(parts)
    got = screener.screen(text)
    segmented = screener.last_stats["segmented_chars"]
    assert got == screener.reference_screen(text)
    assert got.hits and segmented < len(text) / 2  # only windows were segmented


def test_aho_corasick_backends_agree():
    patterns = ["涉密", "国家秘密", "秘密", "密", "内部资料", "资料", "ab"]
    text = "国家秘密与内部资料、涉密资料 abab 秘密密"
    results = [PatternIndex(patterns, name).find(text) for name in BACKENDS]
    assert len(results) == 2 and results[0] == results[1]
    assert (0, 4, 1) in results[0] and (2, 4, 2) in results[0]  # overlapping matches kept


# ---------------------------------------------------------------- lexicon files


def test_later_files_override_and_remove(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(
        "entries:\n  - {term: 涉密, severity: low}\n  - 定密\nallowlist: {phrases: [保密法]}\n", "utf-8"
    )
    b.write_text("entries:\n  - {term: 涉密, severity: high, note: stricter}\nremove: [定密]\n", "utf-8")
    lex = load_lexicon([a, b])
    assert lex.entries["涉密"].severity == "high" and lex.entries["涉密"].note == "stricter"
    assert "定密" not in lex.entries
    assert lex.allow_phrases == ["保密法"]


def test_folder_loads_sorted_yaml_files(tmp_path):
    (tmp_path / "20.yaml").write_text("entries: [{term: 甲项目, severity: medium}]\n", "utf-8")
    (tmp_path / "10.yml").write_text("entries: [{term: 甲项目, severity: low}]\n", "utf-8")
    (tmp_path / "notes.txt").write_text("ignored", "utf-8")
    assert load_lexicon([tmp_path]).entries["甲项目"].severity == "medium"


def test_terms_are_normalised_on_load(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("entries: [{term: 國家祕密}]\n", "utf-8")
    assert list(load_lexicon([f]).entries) == ["国家秘密"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("entries: [{term: x, severity: severe}]", "entries[0].severity"),
        ("entries: [{term: x, kind: secret}]", "entries[0].kind"),
        ("entries: [{severity: low}]", "entries[0].term"),
        ("entries: [{term: x, colour: red}]", "unknown key"),
        ("allowlist: {urls: [{pattern: '('}]}", "allowlist.urls[0].pattern"),
        ("terms: []", "unknown key"),
        ("entries: [", "not valid YAML"),
    ],
)
def test_lexicon_errors_name_the_key(tmp_path, body, message):
    f = tmp_path / "bad.yaml"
    f.write_text(body, "utf-8")
    with pytest.raises(LexiconError, match=message.replace("[", r"\[").replace("]", r"\]")) as exc:
        load_lexicon([f])
    assert "bad.yaml" in str(exc.value)


def test_missing_lexicon_path_is_an_error(tmp_path):
    with pytest.raises(LexiconError, match="no such"):
        load_lexicon([tmp_path / "nope.yaml"])


def test_reload_picks_up_edits(tmp_path):
    f = tmp_path / "l.yaml"
    f.write_text("entries: [{term: 甲工程, severity: high}]\n", "utf-8")
    s = Screener(load_lexicon([f]))
    assert s.screen("甲工程进展").flagged
    f.write_text("entries: [{term: 乙工程, severity: high}]\n", "utf-8")
    s.reload()
    assert not s.screen("甲工程进展").flagged and s.screen("乙工程进展").flagged


def test_lexicon_reload_seen_by_screener_sharing_it(tmp_path):
    f = tmp_path / "l.yaml"
    f.write_text("entries: [{term: 丙工程, severity: high}]\n", "utf-8")
    lex = load_lexicon([f])
    s = Screener(lex)
    f.write_text("entries: [{term: 丁工程, severity: high}]\n", "utf-8")
    lex.reload()
    assert s.screen("丁工程").flagged


# ---------------------------------------------------------------- allowlists and context


def test_allowlist_phrase_drops_hits_inside_it(screener):
    assert screener.screen("本刊为内部资料性出版物").hits == []
    assert screener.screen("本刊为内部资料").flagged


def test_url_allowlist_drops_listed_kinds_only(tmp_path):
    f = tmp_path / "l.yaml"
    f.write_text(
        "entries: [{term: 内部资料, kind: internal_marker, severity: medium}]\n"
        "allowlist:\n  urls:\n    - pattern: '^https?://[^/]+/bmj/'\n",
        "utf-8",
    )
    s = Screener(load_lexicon([f]))
    text = f"内部资料\n身份证号：{ID_A}"
    assert s.screen(text, url="http://example.gov.cn/bmj/1.html").kinds == ["id_number"]
    assert s.screen(text, url="http://example.gov.cn/news/1.html").kinds == ["id_number", "internal_marker"]
    assert s.screen(text).kinds == ["id_number", "internal_marker"]


def test_secrecy_work_context_downgrades_prose_but_not_labels(screener):
    prose = screener.screen("全县保密工作会议要求，内部资料不得随意复制。")
    assert [(h.rule, h.severity) for h in prose.hits] == [("lexicon:内部资料", "low")]
    label = screener.screen("内部资料\n全县保密工作会议纪要")
    assert ("internal_marker", "lexicon:内部资料", "medium") in summary(label) and label.flagged


def test_prohibition_downgrades_prose_marker(screener):
    assert summary(screener.screen("严禁将内部文件上传至互联网。")) == [
        ("internal_marker", "lexicon:内部文件", "low")
    ]
    assert summary(screener.screen("此件为内部文件。")) == [("internal_marker", "lexicon:内部文件", "medium")]


def test_label_only_entry(screener):
    assert summary(screener.screen("请注意保存好票据。")) == [("internal_marker", "lexicon:注意保存", "low")]
    assert summary(screener.screen("注意保存\n正文")) == [("internal_marker", "lexicon:注意保存", "medium")]


# ---------------------------------------------------------------- hits, offsets, masking


def test_overlapping_hits_keep_the_most_severe(screener):
    r = screener.screen("密级：秘密\n正文")
    assert summary(r) == [("classified_mark", "mark:field", "high")]  # not also keyword 密级


def test_personal_data_never_in_text_or_context(screener):
    text = f"姓名：张三，身份证号：{ID_A}，手机：13800138000，银行卡号：{CARD}，住址：某村。"
    r = screener.screen(text)
    assert set(r.kinds) == {"id_number", "mobile", "bank_card"}
    for h in r.hits:
        for secret in (ID_A, "13800138000", CARD):
            assert secret not in h.text and secret not in h.context
        assert len(h.text) == h.end - h.start
        assert "*" in h.text


def test_hit_offsets_index_the_original_text(screener):
    text = "ＡＢ\u200b國家祕密，秘 密 ★ 1 年，机·密"
    for h in screener.screen(text).hits:
        assert text[h.start : h.end] == h.text
        assert normalize_text(h.text) in ("国家秘密", "秘密 ★ 1 年", "机密")


def test_result_is_sorted_by_position(screener):
    r = screener.screen("涉密\n秘密★1年\n内部资料\n国家秘密")
    assert [h.start for h in r.hits] == sorted(h.start for h in r.hits)


def test_engine_imports_neither_django_nor_scrapy():
    code = (
        "import sys; import screening.engine as e; e.default_screener().screen('秘密★1年');"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('django','scrapy')]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
