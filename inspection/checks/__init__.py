"""The inspection indicators' pure checks (no Django, no Scrapy): what the crawl calls per page.

Wording errors (严重表述错误) and watched names — ``wording.py``, ``lists.py``::

    lex = load_wording([county_file])            # config/wording/starter.yaml first; None -> starter only
    for h in check_wording(text, lex):           # WordingHit(text, suggestion, severity, context, start, end, note)
        ...                                      # severity serious -> veto, normal -> warning
    watch = load_watch([watch_file])             # WatchList; {name, since: YYYY-MM-DD, note}
    for h in check_watch(text, published, watch):    # WatchHit(text, context, start, end, since, note)
        ...                                      # published None -> no hit unless undated=True

  Terms match on jieba token boundaries through the confidentiality screen's engine
  (Aho-Corasick candidates, then the jieba block around each, HMM off), after the screen's
  normalisation; offsets are into the given text.  Bad files raise ``WordingConfigError``
  naming ``file:line``.  Build the lexicon once per process (the matcher is cached per lexicon).

Hidden links (暗链) — ``hidden.py``::

    if outside_links(page_url, html, in_scope):  # none: no hidden link possible, fetch no CSS
        urls = stylesheet_urls(page_url, html)   # fetch only those in scope (and their
        sheets = {u: css_text, ...}              #   stylesheet_imports(u, css_text), in scope)
        for h in hidden_links(page_url, html, sheets, in_scope):   # HiddenLink(target, how, text)
            ...                                  # how: display_none | visibility_hidden | zero_size |
                                                 #      offscreen | font_size_zero | hidden_attr | opacity_zero
  ``in_scope(url) -> bool`` is the patrol's scope test; a target on a ``.gov.cn`` host or in
  scope is never a hit.  Never fetch a target.  ``sheets`` is keyed by the URLs exactly as
  ``stylesheet_urls``/``stylesheet_imports`` give them; a sheet left out (out of scope, failed)
  simply contributes no rules.  Parsed sheets are cached by their text (a site's CSS repeats).

Site identity — ``identity.py``::

    ident = site_identity(homepage_url, html)    # Identity(site_code, icp, psb, gov_mark): str | None each
    missing_identity(ident)                      # ["site_code", "icp", "psb", "gov_mark"] subset, in order

互动回应 — ``messages.py``::

    interaction_links(url, html)                 # links to 互动交流/政民互动/公众参与 (follow them, in scope)
    consult_links(url, html)                     # [(name, url)] of links naming 政务咨询 columns
    is_consult_column(name, url)                 # 县长信箱/咨询/问政 … yes; 在线访谈/意见征集/信访/纪检 no
    parse_message_list(url, html)                # MessageList(rows=[MessageRow(url, title, asked, replied, state)], next_url)
    parse_message_page(url, html)                # MessageDetail(asked, replied, state, question_text, reply_text)
    judge_message(asked, replied, state, as_of)  # MessageVerdict(kind, days, workdays, approximate) | None
                                                 # kind unanswered_message (veto) | slow_reply (warning)
  A row's dates come first from the list; the message page fills what the list lacks.  These
  columns are no disclosure columns: they must not change the counts.  Not read: rows drawn by
  scripts (javascript: links), answers printed in the list itself without a message page.

Test network with planted cases and its truth: ``tests/inspectnet`` (``truth.json``).
"""

from .hidden import HiddenLink, hidden_links, is_gov_host, outside_links, stylesheet_imports, stylesheet_urls
from .identity import Identity, missing_identity, site_identity
from .lists import (
    WatchEntry,
    WatchList,
    WordingConfigError,
    WordingEntry,
    WordingLexicon,
    load_watch,
    load_wording,
)
from .messages import (
    MessageDetail,
    MessageList,
    MessageRow,
    MessageVerdict,
    answered,
    consult_links,
    interaction_links,
    is_consult_column,
    judge_message,
    parse_message_list,
    parse_message_page,
)
from .wording import WatchHit, WordingHit, check_watch, check_wording

__all__ = [
    "HiddenLink",
    "Identity",
    "MessageDetail",
    "MessageList",
    "MessageRow",
    "MessageVerdict",
    "WatchEntry",
    "WatchHit",
    "WatchList",
    "WordingConfigError",
    "WordingEntry",
    "WordingHit",
    "WordingLexicon",
    "answered",
    "check_watch",
    "check_wording",
    "hidden_links",
    "consult_links",
    "interaction_links",
    "is_consult_column",
    "is_gov_host",
    "judge_message",
    "load_watch",
    "load_wording",
    "missing_identity",
    "outside_links",
    "parse_message_list",
    "parse_message_page",
    "site_identity",
    "stylesheet_imports",
    "stylesheet_urls",
]
