"""The screen on real government prose (../shared/real-text) and on the labels RULES.md means.

Every document there — laws on secrecy and personal data, State Council and provincial work
reports (TXT, DOCX), gov.cn policy pages (HTML) — is everyday prose a county site publishes:
screened by the product's screener at the default threshold, none may be flagged.  A marker
(内部资料, 不得外传, 工作秘密 …) counts only as a label of the document: its own line or
cell, brackets or a box, the head or foot; in a sentence ("国家秘密、工作秘密、商业秘密") it
is low, on any page, whether or not the page talks about 保密工作.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screening.engine import default_screener
from screening.service import screen_bytes, screen_path

# read in place, never copied (the same rule as tests/conftest.py; a test module cannot import a
# conftest by name: tests/browser has a conftest.py of its own)
SHARED = Path(os.environ.get("PATROL_SHARED") or Path(__file__).resolve().parents[2] / "shared")
REAL_TEXT = SHARED / "real-text"
NOT_DOCUMENTS = {"README.md", "SOURCES.md"}
DOCUMENTS = (
    sorted(
        p.relative_to(REAL_TEXT).as_posix()
        for p in REAL_TEXT.rglob("*")
        if p.is_file() and p.name not in NOT_DOCUMENTS
    )
    if REAL_TEXT.is_dir()
    else []
)
needs_real_text = pytest.mark.skipif(not DOCUMENTS, reason=f"{REAL_TEXT} is absent")


@pytest.fixture(scope="module")
def screener():
    return default_screener()  # the product's lexicon, the default threshold (medium)


def _hits(result) -> list[tuple]:
    return [(h.kind, h.rule, h.severity, h.context) for h in result.hits if h.severity != "low"]


def _marker_severities(result) -> list[tuple[str, str]]:
    return [(h.text, h.severity) for h in result.hits if h.kind == "internal_marker"]


# ---------------------------------------------------------------- every real document passes


def test_the_real_text_is_there_when_shared_is():
    if not REAL_TEXT.is_dir():
        pytest.skip(f"{REAL_TEXT} is absent")
    folders = {d.split("/")[0] for d in DOCUMENTS}
    assert folders >= {"law", "gwr", "prov", "policy"}
    assert len(DOCUMENTS) >= 100


@needs_real_text
@pytest.mark.parametrize("name", DOCUMENTS or ["-"])
def test_real_document_is_not_flagged(screener, name):
    result = screen_path(REAL_TEXT / name, screener=screener)
    assert result.status == "screened", result.reason
    assert result.text_chars > 200  # the text was read, not an empty shell
    assert not result.flagged, f"{name} flagged at {result.severity}: {_hits(result)}"


# ---------------------------------------------------------------- 工作秘密 in laws is prose


@needs_real_text
@pytest.mark.parametrize("name", ["law/law-09.txt", "law/law-13.txt", "law/law-14.txt"])
def test_work_secret_in_a_law_is_low(screener, name):
    """统计法, 公务员法, 反间谍法 list 国家秘密、工作秘密、商业秘密 in their articles."""
    result = screen_path(REAL_TEXT / name, screener=screener)
    markers = _marker_severities(result)
    assert ("工作秘密", "low") in markers
    assert all(sev == "low" for _, sev in markers), markers
    assert not result.flagged


PROSE_SENTENCES = [
    "第十一条 统计机构和统计人员对在统计工作中知悉的国家秘密、工作秘密、商业秘密、个人隐私和个人信息，应当予以保密。",
    "（五）保守国家秘密和工作秘密；",
    "（十一）泄露国家秘密或者工作秘密",
    "对属于国家秘密、工作秘密、商业秘密和个人隐私、个人信息的，应当保密。",
    "机关、单位应当加强本机关、本单位工作秘密管理，采取技术防护、自监管等保护措施。",
    "工作人员应当保守工作秘密。",
    "凡标注“内部资料”的文件，不得在互联网公开。",
    "县保密局开展保密宣传月活动，讲解内部资料不得外传、工作秘密不得上网等要求。",
    "印刷机关、团体、部队、企业事业单位内部使用的有价票证或者无价票证。",
    "2019年我局合乎统计口径文件（含内部明电）91件，同比减少31.6%。",
    "# 工作秘密管理办法",
    "二、工作秘密",
    "本报讯 县保密局讲解内部资料不得外传的要求。",
    "缴费后请到窗口领取发票。请注意保存。",
    "本办法所称工作秘密，是指机关、单位在履行职责过程中产生或者获取的，不属于国家秘密，泄露后会造成一定不利影响的事项。",
]


@pytest.mark.parametrize("sentence", PROSE_SENTENCES)
@pytest.mark.parametrize("where", ["middle", "first line", "last line"])
@pytest.mark.parametrize("page", ["plain page", "secrecy-work page"])
def test_marker_in_a_sentence_is_low_anywhere_on_any_page(screener, sentence, where, page):
    """The same words in running prose are low wherever they stand in the document and
    whether or not the page mentions 保密工作."""
    lines = [
        "关于印发年度工作要点的通知",
        "各乡镇人民政府，县政府各部门：",
        "县委保密委员会召开全县保密工作会议。" if page != "plain page" else "现将有关事项通知如下。",
        "各单位要结合实际认真贯彻落实。",
        "县人民政府办公室",
        "2024年3月1日",
    ]
    at = {"middle": 3, "first line": 0, "last line": len(lines)}[where]
    text = "\n".join([*lines[:at], sentence, *lines[at:]])
    result = screener.screen(text)
    markers = _marker_severities(result)
    assert markers, "the marker word is still reported, at low"
    assert all(sev == "low" for _, sev in markers), (markers, [(h.rule, h.context) for h in result.hits])
    assert not result.flagged


# ---------------------------------------------------------------- real labels stay caught

BODY = (
    "各乡镇人民政府，县政府各部门：\n"
    "为进一步做好全县信访矛盾排查化解工作，经县政府同意，现将有关事项通知如下。\n"
    "一、各单位要在3月底前完成辖区内矛盾纠纷的全面排查，建立台账，明确责任人和化解时限。\n"
    "二、县信访局要加强统筹调度，每周汇总进展情况，对重点问题实行挂牌督办。\n"
    "县人民政府办公室\n2024年3月1日"
)

LABELS = {
    "head label line": "内部资料 注意保存\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "full-width spaced label line": "内部资料　注意保存\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "bracketed 工作秘密 at the head": "【工作秘密】\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "foot line in brackets": "关于开展信访矛盾排查化解工作的通知\n" + BODY + "\n（此件不得外传）",
    "box": "┌──────┐\n│内部资料│\n└──────┘\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "label mid-document on its own line": "关于开展信访矛盾排查化解工作的通知\n"
    + BODY.replace("二、", "本材料仅供内部参考，不得外传。\n二、"),
    "the document's own declaration at the foot": "关于开展信访矛盾排查化解工作的通知\n"
    + BODY
    + "\n本报告为内部工作材料，未经授权不得外传。",
    "secrecy-level field": "文件编号：XF-2024-03\n保密级别：内部资料\n关于开展信访矛盾排查化解工作的通知\n"
    + BODY,
    "issuer line": "县信访局内部资料\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "telegram head": "内部明电  等级：平急\n发电单位：县人民政府办公室　签批盘号：\n关于开展信访矛盾排查化解工作的通知\n"
    + BODY,
    "bulletin header": "县政务信息\n第3期（总第45期）\n县委办公室编         2024年3月1日         内部资料\n"
    + BODY,
    "工作秘密 with a term": "工作秘密★2年\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "distribution line at the head": "此件发至县团级 不得外传\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
    "handling note at the foot": "关于开展信访矛盾排查化解工作的通知\n"
    + BODY
    + "\n本资料仅供领导参阅，请勿外传，阅后请交回机要室。",
    "label on a page about secrecy work": "内部资料\n全县保密工作会议纪要\n" + BODY,
}


@pytest.mark.parametrize("text", list(LABELS.values()), ids=list(LABELS))
def test_labels_are_medium_and_flagged(screener, text):
    result = screener.screen(text)
    assert result.flagged, [(h.kind, h.rule, h.severity, h.context) for h in result.hits]
    assert "internal_marker" in result.kinds
    assert any(sev == "medium" for _, sev in _marker_severities(result)), _marker_severities(result)


def test_table_cell_label_in_an_html_page(screener):
    page = (
        "<html><head><meta charset='utf-8'><title>县信访局关于信访矛盾排查情况的报告</title></head><body>"
        "<table><tr><td>文号</td><td>县信发〔2024〕3号</td><td>类别</td><td>内部文件</td></tr></table>"
        f"<div>{BODY.replace(chr(10), '</p><p>')}</div></body></html>"
    ).encode()
    result = screen_bytes(page, "report.html", screener=screener)
    assert result.status == "screened"
    assert result.flagged and ("内部文件", "medium") in _marker_severities(result)
    # the same word in a sentence of the same page is low
    prose = page.replace(b"<td>\xe5\x86\x85\xe9\x83\xa8\xe6\x96\x87\xe4\xbb\xb6</td>", b"<td>-</td>").replace(
        "各单位要在".encode(), "各单位要防止内部文件外流，各单位要在".encode()
    )
    result = screen_bytes(prose, "report.html", screener=screener)
    assert _marker_severities(result) == [("内部文件", "low")] and not result.flagged


@needs_real_text
def test_label_added_to_a_real_law_is_caught(screener):
    """A real document that carries a label is flagged; its own prose stays low."""
    law = (REAL_TEXT / "law" / "law-09.txt").read_text(encoding="utf-8")
    result = screener.screen("内部资料 注意保存\n" + law)
    markers = _marker_severities(result)
    assert result.flagged
    assert ("内部资料", "medium") in markers and ("注意保存", "medium") in markers
    assert [sev for text, sev in markers if text == "工作秘密"] == ["low", "low"]


@needs_real_text
def test_label_cell_added_to_a_real_policy_page_is_caught(screener):
    page = (REAL_TEXT / "policy" / "policy-01.html").read_bytes()
    assert not screen_bytes(page, "policy.html", screener=screener).flagged
    marked = page.replace(b"<body>", "<body><table><tr><td>工作秘密</td></tr></table>".encode(), 1)
    result = screen_bytes(marked, "policy.html", screener=screener)
    assert result.flagged and ("工作秘密", "medium") in _marker_severities(result)


# ---------------------------------------------------------------- level words in prose

LEVEL_PROSE = {
    "the levels listed one per line": "国家秘密的密级分为：\n绝密\n机密\n秘密\n三个等级，保密期限各不相同。",
    "the levels as list items with blank lines": "密级分为以下三级：\n\n绝密\n\n机密\n\n秘密\n\n由定密责任人确定。",
    "a book title alone on its line": "县图书馆好书推荐\n《秘密》\n《花园》\n欢迎广大读者借阅。",
    "a trade secret and a period": "劳动合同约定，员工应当保守商业秘密 3年，违者依法追究责任。",
    "a lesson quoting marks": "国家秘密标志的标注：绝密级标注为“绝密★30年”，机密级标注为“机密★20年”，"
    "秘密级标注为“秘密★10年”。",
    "a blank form listing the levels": "涉密文件审批表\n文件名称：\n密级：绝密、机密、秘密\n承办人：",
}


@pytest.mark.parametrize("text", list(LEVEL_PROSE.values()), ids=list(LEVEL_PROSE))
def test_level_words_in_prose_are_not_marks(screener, text):
    result = screener.screen(text)
    marks = [(h.rule, h.severity) for h in result.hits if h.kind == "classified_mark"]
    assert all(m == ("mark:talked-about", "low") for m in marks), marks
    assert not result.flagged


@pytest.mark.parametrize(
    "text",
    [
        "机密\n县人民政府关于印发春季森林防火工作方案的通知\n" + BODY,
        "机密 5年\n关于开展信访矛盾排查化解工作的通知\n" + BODY,
        "关于开展信访矛盾排查化解工作的通知\n" + BODY.replace("二、", "附件：\n秘密\n二、"),
    ],
    ids=["level alone at the head", "level and term", "level alone on a line of an attachment"],
)
def test_level_marks_stay_high(screener, text):
    result = screener.screen(text)
    assert result.severity == "high" and "classified_mark" in result.kinds


# ---------------------------------------------------------------- the lexicon decides the form


def test_markers_are_label_only_unless_the_entry_says_any(tmp_path):
    from screening.engine import Screener, load_lexicon

    lex = tmp_path / "bureau.yaml"
    lex.write_text(
        "entries:\n"
        "  - {term: 内部资料, kind: internal_marker, severity: medium}\n"
        "  - {term: 内部通报, kind: internal_marker, severity: medium, form: any}\n",
        encoding="utf-8",
    )
    s = Screener(load_lexicon([lex]))
    assert {e.term: e.form for e in s.lexicon.entries.values()} == {"内部资料": "label", "内部通报": "any"}
    prose = "会议要求各单位认真学习内部资料和内部通报精神，抓好贯彻落实。"
    assert _marker_severities(s.screen(prose)) == [("内部资料", "low"), ("内部通报", "medium")]
    assert _marker_severities(s.screen("内部资料\n" + prose))[0] == ("内部资料", "medium")
