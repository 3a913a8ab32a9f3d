"""Wording errors (严重表述错误) and watched names: inspection.checks.wording / lists (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.checks import WordingConfigError, check_watch, check_wording, load_watch, load_wording
from inspection.checks.lists import STARTER


@pytest.fixture(scope="module")
def starter():
    return load_wording()


def _hits(text, lex):
    return [(h.text, h.suggestion, h.severity) for h in check_wording(text, lex)]


def test_starter_list_is_sourced_and_sized(starter):
    assert 30 <= len(starter.entries) <= 80
    for e in starter.entries.values():
        assert e.note.strip(), e.wrong
        assert e.severity in ("serious", "normal")
        assert e.wrong != e.right
    assert {"中华人民共合国", "北朝鲜", "两岸三地"} <= set(starter.entries)


def test_serious_and_normal_wrong_forms_with_offsets(starter):
    text = "根据中华人民共合国宪法，会上通报了北朝鲜的情况。"
    hits = check_wording(text, starter)
    assert [(h.text, h.suggestion, h.severity) for h in hits] == [
        ("中华人民共合国", "中华人民共和国", "serious"),
        ("北朝鲜", "朝鲜", "normal"),
    ]
    for h in hits:
        assert text[h.start : h.end] == h.text
        assert h.text in h.context and h.note


def test_wrong_form_spanning_two_dictionary_words_is_found_in_context(starter):
    # jieba's own dictionary reads 河北省/省委书记; the wrong form 省省委书记 spans both words
    text = "会议传达了河北省省委书记在全省教育大会上的讲话精神。"
    assert _hits(text, starter) == [("省省委书记", "省委书记", "serious")]
    assert _hits("河西县县委书记主持会议", starter) == [("县县委书记", "县委书记", "serious")]


def test_order_of_titles_with_punctuation(starter):
    assert _hits("国家主席、中共中央总书记习近平", starter) == [
        ("国家主席、中共中央总书记", "中共中央总书记、国家主席", "serious")
    ]
    assert _hits("中共中央总书记、国家主席、中央军委主席习近平出席", starter) == []


def test_near_misses_substrings_of_longer_words(starter):
    # 北朝鲜 inside 东北/朝鲜族, 县宣传部 inside 市县/宣传部门, 攻府 inside 进攻/府城
    assert _hits("调研组走访我国东北朝鲜族群众聚居村", starter) == []
    assert _hits("听取各市县宣传部门的意见", starter) == []
    assert _hits("义军进攻府城", starter) == []
    assert _hits("中华人民共和国宪法、香港特别行政区基本法", starter) == []


def test_normalised_text_dodges_are_seen_and_offsets_are_original(starter):
    text = "学习《中 华 人 民 共 合 国宪法》和中華人民共合國"
    hits = check_wording(text, starter)
    assert [h.text for h in hits] == ["中 华 人 民 共 合 国", "中華人民共合國"]
    assert all(text[h.start : h.end] == h.text for h in hits)


def test_wrong_form_inside_its_right_form_is_no_hit(tmp_path):
    f = tmp_path / "county.yaml"
    f.write_text(
        "- {wrong: 十八大以来, right: 党的十八大以来, severity: serious, note: 县委办规范}\n",
        encoding="utf-8",
    )
    lex = load_wording([f])
    assert _hits("党的十八大以来，我县经济快速发展", lex) == []
    assert _hits("十八大以来，我县经济快速发展", lex) == [("十八大以来", "党的十八大以来", "serious")]


def test_county_file_adds_overrides_and_removes(tmp_path):
    f = tmp_path / "county.yaml"
    f.write_text(
        "- wrong: 青山乡\n  right: 青山镇\n  severity: normal\n  note: 撤乡设镇\n"
        "- {wrong: 北朝鲜, right: 朝鲜, severity: serious, note: 县里从严}\n"
        "- {wrong: 两岸三地, remove: true}\n",
        encoding="utf-8",
    )
    lex = load_wording([f])
    assert lex.entries["北朝鲜"].severity == "serious"
    assert "两岸三地" not in lex.entries
    assert _hits("原青山乡各村", lex) == [("青山乡", "青山镇", "normal")]
    assert _hits("青山乡村振兴示范带", lex) == []  # 青山/乡村振兴


@pytest.mark.parametrize(
    "content, where",
    [
        ("- {wrong: 甲乙, right: 甲丙, severity: fatal}\n", ":1: severity"),
        ("- {wrong: 甲乙, severity: normal}\n", ":1: right"),
        ("- {wrong: 甲乙, right: 甲丙}\n- {right: 甲丙}\n", ":2: wrong"),
        ("- {wrong: 甲乙, right: 甲丙, colour: red}\n", ":1: unknown key"),
        ("- {wrong: 甲乙, right: 甲乙}\n", ":1: right"),
        ("- {wrong: 甲乙, right: 甲丙, freq: -3}\n", ":1: freq"),
        ("- wrong: [\n", ": not valid YAML"),
        ("wrong: 甲乙\n", ":1: expected a list"),
        ("- just text\n", ":1: expected a mapping"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, content, where):
    f = tmp_path / "bad.yaml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(WordingConfigError) as exc:
        load_wording([f])
    assert str(exc.value).startswith(str(f)) and where in str(exc.value)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(WordingConfigError, match="no such file"):
        load_wording([tmp_path / "nope.yaml"])
    assert STARTER.is_file()


# ----------------------------------------------------------------------------- watched names


@pytest.fixture()
def watch(tmp_path):
    f = tmp_path / "watch.yaml"
    f.write_text("- {name: 贾正明, since: 2026-06-01, note: 已免职}\n", encoding="utf-8")
    return load_watch([f])


def test_watched_name_after_its_date(watch):
    text = "贾正明同志参加会议并讲话。"
    hits = check_watch(text, dt.date(2026, 7, 10), watch)
    assert [(h.text, h.start, h.end, h.since) for h in hits] == [("贾正明", 0, 3, dt.date(2026, 6, 1))]
    assert check_watch("副镇长贾正明在会上强调", dt.date(2026, 7, 10), watch)
    assert check_watch("出席的有贾正明、李明等", dt.date(2026, 7, 10), watch)


def test_watched_name_on_or_before_its_date_or_undated(watch):
    text = "镇长贾正明带领机关干部参加植树活动。"
    assert check_watch(text, dt.date(2026, 5, 20), watch) == []
    assert check_watch(text, dt.date(2026, 6, 1), watch) == []
    assert check_watch(text, None, watch) == []
    assert len(check_watch(text, None, watch, undated=True)) == 1


def test_name_inside_a_longer_name_is_no_hit(watch):
    assert check_watch("贾正明华等十名教师受到表彰。", dt.date(2026, 8, 1), watch) == []


def test_bad_watch_date_names_line(tmp_path):
    f = tmp_path / "w.yaml"
    f.write_text("- {name: 甲乙丙, since: 2026-06-01}\n- {name: 丁戊, since: 昨天}\n", encoding="utf-8")
    with pytest.raises(WordingConfigError, match=r"w.yaml:2: since"):
        load_watch([f])
    assert load_watch(None).entries == {}


def test_windowed_boundaries_equal_whole_text_segmentation_on_real_prose(starter):
    """The candidate-then-segment engine gives the boundaries full segmentation gives (real prose with
    wrong forms and near-misses planted at many places)."""
    import random
    from pathlib import Path

    from inspection.checks.wording import _wording_index
    from screening.engine.matcher import WholeBoundaries

    root = Path(__file__).resolve().parents[2] / "shared" / "real-text"
    files = sorted(p for p in root.rglob("*.txt"))[:3]
    assert files
    key = tuple((e.wrong, e.right, e.freq) for e in starter.entries.values())
    index, n_wrong = _wording_index(key)
    plants = [*(e.wrong for e in starter.entries.values()), "东北朝鲜族", "各市县宣传部门", "党的十八大以来"]
    rng = random.Random(7)
    checked = 0
    for f in files:
        text = f.read_text(encoding="utf-8")[:12000]
        for _ in range(50):
            at = rng.randrange(len(text))
            text = text[:at] + rng.choice(plants) + text[at:]
        norm, found, _ = index.find(text)
        whole = WholeBoundaries(index.tokenizer, norm.text)
        for o in found:
            assert o.aligned == (o.norm_start in whole and o.norm_end in whole), (
                f.name,
                text[o.start - 5 : o.end + 5],
            )
            checked += 1
    assert checked >= 100


def test_no_wording_error_on_real_pages(starter):
    from pathlib import Path

    from inspection.checks.dom import parse, text_of

    pages = sorted((Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "pages").glob("*.html"))
    assert len(pages) >= 39
    for p in pages:
        root = parse(p.read_bytes().decode("utf-8", "replace"))
        body = root.find("body")
        assert check_wording(text_of(body if body is not None else root), starter) == [], p.name
