"""The lexicon page's data: the repo's lexicon and allowlists, and the private list(s).

The private list lives outside the repo (``$PATROL_PRIVATE_LEXICON`` and the config's
``screening.private_lexicon``). Its paths are shown to every role that may see the lexicon;
its terms are loaded only when the caller may see them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from screening.engine.lexicon import REPO_LEXICON, Lexicon, LexiconError, default_lexicon_paths, load_lexicon

from .dashboards import report_conf


@dataclass(frozen=True)
class PrivateList:
    path: str
    exists: bool


@dataclass
class LexiconPage:
    repo: Lexicon | None
    repo_error: str = ""
    private_lists: list[PrivateList] = field(default_factory=list)
    private: Lexicon | None = None  # loaded only for those who may see it
    private_error: str = ""


def private_paths() -> list[Path]:
    """$PATROL_PRIVATE_LEXICON's paths, then the config's ``screening.private_lexicon``."""
    paths = [p for p in default_lexicon_paths() if p != REPO_LEXICON]
    conf = report_conf()
    configured = conf.screening.get("private_lexicon") if conf else None
    if configured:
        paths.append(Path(os.path.expanduser(configured)))
    return list(dict.fromkeys(paths))


def _load(paths: list[Path]) -> tuple[Lexicon | None, str]:
    try:
        return load_lexicon(paths), ""
    except (LexiconError, OSError) as exc:
        return None, str(exc)


def lexicon_page(with_private_terms: bool) -> LexiconPage:
    repo, repo_error = _load([REPO_LEXICON])
    paths = private_paths()
    page = LexiconPage(
        repo=repo,
        repo_error=repo_error,
        private_lists=[PrivateList(str(p), p.exists()) for p in paths],
    )
    if with_private_terms and paths:
        page.private, page.private_error = _load([p for p in paths if p.exists()])
    return page


def source_name(entry_source: str) -> str:
    """A lexicon file as the page shows it: relative to the repo folder when inside it."""
    try:
        return str(Path(entry_source).relative_to(REPO_LEXICON.parent.parent))
    except ValueError:
        return entry_source
