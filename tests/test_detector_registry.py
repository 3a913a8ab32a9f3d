"""Detectors that declare themselves (issue 9, deliverable 3): one class per hit kind holds its
label, severity, masking and scoring rules, and the screener, the scorer, masking, lexicon
validation and every label table read them from there."""

from __future__ import annotations

import pytest

from screening.engine import KIND_LABELS, Screener, kind_label, load_lexicon, registry
from screening.engine.lexicon import REPO_LEXICON, LexiconError
from screening.engine.masking import mask_hit_text
from screening.engine.scoring import PAGE_RULES, rules
from screening.engine.types import KINDS, LEXICON_KINDS, PERSONAL_KINDS
from screening.engine.validators import DETECTORS


def test_every_kind_declared_once_with_label_and_severity():
    kinds = registry.kinds()
    assert set(kinds) == {"classified_mark", "id_number", "internal_marker", "bank_card", "mobile", "keyword"}
    assert len(kinds) == len(set(kinds))
    for d in registry.detectors():
        assert d.label and any("\u4e00" <= ch <= "\u9fff" for ch in d.label), d  # reviewers read Chinese
        assert d.severity in ("low", "medium", "high")
        assert d.rules, f"{d.kind} has no scoring rule"
    assert KINDS == kinds
    assert PERSONAL_KINDS == {"id_number", "bank_card", "mobile"}
    assert LEXICON_KINDS == {"keyword", "internal_marker"}


def test_labels_table_is_the_registry():
    assert dict(KIND_LABELS) == {d.kind: d.label for d in registry.detectors()}
    assert KIND_LABELS["classified_mark"] == kind_label("classified_mark") == "密级标志"
    assert kind_label("no_such_kind") == "no_such_kind"
    assert "mobile" in KIND_LABELS and KIND_LABELS.get("x", "-") == "-"


def test_scoring_runs_detector_rules_by_stage_then_page_rules():
    names = [n for n, _ in rules()]
    assert names[-len(PAGE_RULES) :] == [n for n, _ in PAGE_RULES] == ["url_allowlist", "overlaps"]
    stage = {d.kind: d.stage for d in registry.detectors()}
    kinds = [n.split(":")[0] for n in names[: -len(PAGE_RULES)]]
    assert kinds == sorted(kinds, key=lambda k: stage[k])
    # ids and bank cards are judged before mobiles, which look at them
    assert kinds.index("id_number") < kinds.index("mobile") and kinds.index("bank_card") < kinds.index(
        "mobile"
    )
    # the lexicon rule is shared by the two lexicon kinds and runs once
    assert sum(n.endswith(":score_lexicon") for n in names) == 1


def test_screener_runs_the_pattern_detectors_in_declaration_order():
    s = Screener(load_lexicon([REPO_LEXICON]))
    assert [type(d) for d in s._detectors] == list(DETECTORS.values()) == registry.pattern_detectors()
    assert [d.name for d in s._detectors] == ["marks", "ids", "mobiles", "bank_cards"]


def test_masking_follows_the_declaration():
    for d in registry.detectors():
        digits = "61092219850317123X" if d.kind == "id_number" else "6222021234567890123"
        masked = mask_hit_text(d.kind, digits)
        if d.personal:
            lead, trail = d.mask
            assert masked[:lead] == digits[:lead] and masked[-trail:] == digits[-trail:]
            assert "*" in masked
        else:
            assert masked == digits


def test_a_new_detector_registers_itself_and_a_kind_cannot_be_declared_twice():
    class Probe(registry.Detector):
        kind = "probe_kind_for_test"
        label = "测试"
        severity = "low"

    try:
        assert registry.get("probe_kind_for_test") is Probe
        assert kind_label("probe_kind_for_test") == "测试"
        with pytest.raises(TypeError):

            class Twice(registry.Detector):
                kind = "probe_kind_for_test"
                label = "重复"
                severity = "low"

        with pytest.raises(TypeError):

            class NoLabel(registry.Detector):
                kind = "probe_without_label"
                severity = "low"

    finally:
        registry._REGISTRY.pop("probe_kind_for_test", None)
        registry._REGISTRY.pop("probe_without_label", None)
    assert "probe_kind_for_test" not in registry.kinds()


def test_lexicon_kinds_are_checked_against_the_registry(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("entries: [{term: x, kind: secret}]", "utf-8")
    with pytest.raises(LexiconError, match="classified_mark"):
        load_lexicon([f])
