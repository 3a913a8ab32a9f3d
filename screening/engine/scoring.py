"""Context scoring: turn detector candidates into final severities (RULES.md).

Each rule is one small function over the candidate list of a page. The rules that judge
one kind are named by that kind's detector (``rules`` in registry.py, run by the
detector's ``stage``); the page rules (``PAGE_RULES``: URL allowlist, overlaps) run after
them. The page severity is the highest that remains.
"""

from __future__ import annotations

from collections.abc import Callable

from . import patterns as P
from .document import Doc
from .labels import LabelRules
from .spans import SpanIndex, greedy
from .types import Candidate, severity_rank

Rule = Callable[[Doc, list[Candidate], dict], list[Candidate]]
PAGE_RULES: list[tuple[str, Rule]] = []  # rules over every kind, after the detectors' own


def page_rule(name: str):
    def deco(fn: Rule) -> Rule:
        PAGE_RULES.append((name, fn))
        return fn

    return deco


def _has_not_id_label(doc: Doc, c: Candidate) -> bool:
    before = doc.clause_before(c.start, P.NOT_ID_LABEL_WINDOW)
    return any(w in before for w in P.NOT_ID_LABELS)


def drop_level_lists(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    """Different level words alone on neighbouring lines (绝密 / 机密 / 秘密) list the levels
    (a lesson on 密级, a form's choices); a document carries one mark, so none of them is one."""
    lone = sorted((c for c in cands if c.rule in P.LONE_LEVEL_RULES), key=lambda c: c.start)
    listed: set[int] = set()
    for a, b in zip(lone, lone[1:], strict=False):
        level_a = P.LEVEL_RE.search(doc.text, a.start, a.end)
        level_b = P.LEVEL_RE.search(doc.text, b.start, b.end)
        if not doc.text[a.end : b.start].strip() and level_a and level_b and level_a[0] != level_b[0]:
            listed.update((id(a), id(b)))
    return [c for c in cands if id(c) not in listed] if listed else cands


def mark_talked_about(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    """A mark in quotation marks (标注为“秘密★10年”) or one of a list of levels (密级：绝密、
    机密、秘密) is being talked about — a lesson on marking, a blank form — not marking this
    document: low, still shown to the reviewer."""
    t = doc.text
    for c in cands:
        if c.kind != "classified_mark":
            continue
        before = t[max(0, c.start - 3) : c.start].rstrip(" ")
        after = t[c.end : c.end + 3].lstrip(" ")
        quoted = bool(before and after) and before[-1] in P.OPEN_QUOTES and after[0] in P.CLOSE_QUOTES
        listed = P.LEVEL_LIST_AFTER.match(t, c.end) or P.LEVEL_LIST_BEFORE.search(
            t, max(0, c.start - 8), c.start
        )
        if quoted or listed:
            c.severity, c.rule, c.confidence = "low", "mark:talked-about", 0.3
    return cands


def score_ids(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    """A number labelled 订单号/编号/卡号 … is not an ID unless ID words are near; 15-digit IDs need context for high."""
    out = []
    for c in cands:
        if c.kind == "id_number":
            id_word = doc.near(c.start, c.end, P.ID_WORDS + P.PERSONAL_WORDS)
            if _has_not_id_label(doc, c) and not id_word:
                continue
            if c.rule == "id:15":
                c.severity = "high" if id_word else "medium"
                c.confidence = 0.95 if id_word else 0.7
            else:
                c.confidence = 1.0 if id_word else 0.9
        out.append(c)
    return out


def score_bank_cards(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    """A context word is required; card words or Luhn or a person make it medium, a bare account low."""
    ids = SpanIndex((c.start, c.end) for c in cands if c.kind == "id_number")
    cards = [c for c in cands if c.kind == "bank_card" and not ids.overlaps(c.start, c.end)]
    words = {
        id(c): (doc.near(c.start, c.end, P.BANK_CARD_WORDS), doc.near(c.start, c.end, P.BANK_ACCOUNT_WORDS))
        for c in cards
    }
    # a card number with its context word makes the page a list of cards: the rows further
    # down a table (far from the header) count when they pass Luhn
    page_has_cards = any(w[0] for w in words.values())
    out = []
    for c in cands:
        if c.kind == "bank_card":
            if id(c) not in words:
                continue
            card_word, account_word = words[id(c)]
            if not (card_word or account_word):
                if page_has_cards and c.data.get("luhn"):
                    c.severity, c.rule, c.confidence = "medium", "card:page", 0.8
                    out.append(c)
                continue
            luhn = c.data.get("luhn", False)
            personal = doc.near(c.start, c.end, P.PERSONAL_WORDS) is not None
            if card_word or luhn or personal:
                c.severity, c.rule = "medium", "card:luhn" if luhn else "card:context"
            else:
                c.severity, c.rule = "low", "card:account"
            c.confidence = 0.95 if luhn else 0.6
        out.append(c)
    return out


def _name_before(doc: Doc, start: int) -> bool:
    """A private-looking name (surname + 1-2 characters, no title) right before the number."""
    t = doc.text
    piece = t[max(0, start - 8) : start].rstrip(" \t:：(（,，")
    for n in (3, 2):
        name = piece[-n:]
        if len(name) == n and name[0] in P.SURNAMES and all("\u4e00" <= ch <= "\u9fff" for ch in name):
            if not any(name.endswith(s) for s in P.TITLE_SUFFIXES):
                return True
    return False


def score_mobiles(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    personal_hits = SpanIndex(
        (c.start, c.end)
        for c in cands
        if c.kind == "id_number" or (c.kind == "bank_card" and c.severity != "low")
    )
    distinct = {c.value for c in cands if c.kind == "mobile"}
    bulk = len(distinct) >= P.BULK_MOBILES
    w = P.MOBILE_PERSONAL_WINDOW
    for c in cands:
        if c.kind != "mobile":
            continue
        beside_hit = personal_hits.overlaps(c.start - w, c.end + w)
        personal = doc.near(c.start, c.end, P.PERSONAL_WORDS) or P.PRIVATE_ADDRESS_RE.search(
            doc.around(c.start, c.end, P.CONTEXT_WINDOW)
        )
        if beside_hit or personal:
            c.severity, c.rule, c.confidence = "medium", "mobile:personal", 0.9
        elif bulk:
            c.severity, c.rule, c.confidence = "medium", "mobile:bulk", 0.8
        elif doc.near(c.start, c.end, P.OFFICIAL_WORDS):
            c.severity, c.rule, c.confidence = "low", "mobile:official", 0.5
        elif _name_before(doc, c.start):
            c.severity, c.rule, c.confidence = "medium", "mobile:name", 0.6
        else:
            c.severity, c.rule, c.confidence = "low", "mobile", 0.5
    return cands


def score_lexicon(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    """A label-form entry (every internal marker, unless its entry says ``form: any``) keeps its
    severity only as a label of the document (labels.py) and is low elsewhere, on any page.
    Other entries keep theirs in a label, and in running prose drop to low on a page about
    secrecy work or after a prohibition."""
    labels: LabelRules = page["labels"]
    for c in cands:
        entry = c.data.get("entry")
        if entry is None or c.rule.startswith("lexicon-substring:") or c.severity == "low":
            continue
        verdict = labels.verdict(doc, c.start, c.end)
        c.data["label"] = verdict.why
        if verdict:
            continue
        reason = None
        if entry.form == "label":
            reason = verdict.why
        elif page.get("context"):
            reason = "secrecy-work context"
        elif any(w in doc.clause_before(c.start, 12) for w in P.PROHIBITION_WORDS):
            reason = "prohibition"
        if reason:
            c.severity, c.confidence = "low", 0.4
            c.data["downgraded"] = reason
    return cands


@page_rule("url_allowlist")
def drop_allowlisted(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    kinds = page.get("suppressed_kinds") or frozenset()
    return [c for c in cands if c.kind not in kinds] if kinds else cands


@page_rule("overlaps")
def resolve_overlaps(doc: Doc, cands: list[Candidate], page: dict) -> list[Candidate]:
    """Where hits overlap, the more severe (then longer, then earlier) one stays."""
    items = [(c.start, c.end, i) for i, c in enumerate(cands)]
    kept = greedy(items, key=lambda t: (-severity_rank(cands[t[2]].severity), -(t[1] - t[0]), t[0]))
    return [cands[i] for _, _, i in kept]


def score(
    doc: Doc,
    cands: list[Candidate],
    *,
    context: bool = False,
    suppressed_kinds=frozenset(),
    labels: LabelRules | None = None,
) -> list[Candidate]:
    page = {"context": context, "suppressed_kinds": suppressed_kinds, "labels": labels or LabelRules(())}
    for _, fn in rules():
        cands = fn(doc, cands, page)
    return cands


def rules() -> list[tuple[str, Rule]]:
    """Every rule in the order it runs: the detectors' (registry.py), then the page rules."""
    from .registry import scoring_rules

    return [*scoring_rules(), *PAGE_RULES]


def page_severity(cands: list[Candidate]) -> str | None:
    best = max((severity_rank(c.severity) for c in cands), default=0)
    return None if best == 0 else ("low", "medium", "high")[best - 1]


__all__ = ["score", "page_severity", "rules", "PAGE_RULES"]
