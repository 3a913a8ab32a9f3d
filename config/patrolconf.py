"""Load and validate ``patrol.yaml``.

The schema below is the single place where keys, types and defaults are declared. A file
holding only ``sites`` and ``crawl`` is valid; any unknown key or wrong value raises
:class:`ConfigError` naming the file, the line and the reason.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crawler.urls import ScopeIndex, in_scope, scope_problem

TIERS = ("county", "department", "town")
SEVERITIES = ("low", "medium", "high")


class ConfigError(ValueError):
    """A config problem, with ``file:line: key: reason`` in its message."""


@dataclass(frozen=True)
class Key:
    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    choices: tuple | None = None
    check: Any = None  # callable(value) -> error message or None
    help: str = ""


def _url(v: Any) -> str | None:
    return scope_problem(str(v))


def _slug(v: Any) -> str | None:
    return (
        None if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", str(v)) else "use letters, digits, '_', '-', '.'"
    )


def _positive(v: Any) -> str | None:
    return None if v > 0 else "must be greater than 0"


def _not_negative(v: Any) -> str | None:
    return None if v >= 0 else "must not be negative"


def _cron(v: Any) -> str | None:
    fields = str(v).split()
    return None if len(fields) == 5 else "expected a 5-field cron expression: minute hour day month weekday"


def _timezone(v: Any) -> str | None:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(str(v))
    except (ValueError, KeyError, OSError):
        return "unknown time zone (use an IANA name such as Asia/Shanghai)"
    return None


REPORT_FORMATS = ("html", "xlsx", "json")


def _report_formats(v: Any) -> str | None:
    bad = [f for f in v if f not in REPORT_FORMATS]
    return f"unknown format(s) {bad}; known: {', '.join(REPORT_FORMATS)}" if bad or not v else None


SITE_SCHEMA: dict[str, Key] = {
    "id": Key(str, required=True, check=_slug, help="short unique id"),
    "name": Key(str, required=True),
    "tier": Key(str, required=True, choices=TIERS),
    "url": Key(str, required=True, check=_url, help="homepage"),
    "scope": Key(
        list,
        help="URLs whose host, port and leading path segments belong to the site (http = https); default: url",
    ),
    "entry": Key(str, check=_url, help="the 信息公开 entry page when it cannot be found from the homepage"),
    "overrides": Key(
        dict,
        default={},
        help="selectors (CSS or XPath): row, link, date, pager, next; entry (the 信息公开 entry URL); "
        "columns (a list of column URLs, or a selector of the column menu)",
    ),
    "columns": Key(dict, default={}, help="per column URL or name: {kind, category, skip}"),
}
OVERRIDE_KEYS = ("row", "link", "date", "pager", "next", "entry", "columns")
COLUMN_OVERRIDE_KEYS = ("kind", "category", "skip")

CRAWL_SCHEMA: dict[str, Key] = {
    "concurrency_per_site": Key(int, 2, check=_positive),
    "concurrency_per_host": Key(int, 2, check=_positive),
    "delay_seconds": Key((int, float), 0.5, check=_not_negative),
    "obey_robots": Key(bool, True),
    "autothrottle": Key(bool, True),
    "timeout_seconds": Key((int, float), 30, check=_positive),
    "retries": Key(int, 2, check=_not_negative),
    "user_agent": Key(str, "portal-patrol/0.1 (+government website inspection)"),
    "verify_tls": Key(bool, False),
    "max_list_pages_per_column": Key(int, 1000, check=_positive),
    "max_column_depth": Key(int, 4, check=_positive),
    "fetch_attachments": Key(bool, True),
    "max_attachment_mb": Key((int, float), 50, check=_positive),
    "full": Key(bool, False, help="walk every list page even when nothing changed"),
    "processes": Key(
        int,
        0,
        check=_not_negative,
        help="crawl processes on this machine (0: one per core, at most 4, when the politeness allows "
        "more requests than one process fetches; else one)",
    ),
}

SCREENING_SCHEMA: dict[str, Key] = {
    "threshold": Key(str, "medium", choices=SEVERITIES),
    "private_lexicon": Key(str, None, help="path to the bureau's own lexicon, outside the repo"),
    "max_document_mb": Key((int, float), 50, check=_positive),
    "max_pages": Key(int, 500, check=_positive),
    # per document; a scanned page costs ~3 CPU s of OCR, so a 20-page scan needs about a minute
    "timeout_seconds": Key((int, float), 180, check=_positive),
    "ocr_max_pages": Key(int, 20, check=_positive, help="pages of a scanned document read by OCR"),
    "ocr_min_px": Key(int, 100, check=_positive, help="images narrower or lower than this are no documents"),
    "ocr_min_kb": Key((int, float), 2, check=_not_negative, help="images smaller than this are no documents"),
    "workers": Key(int, 2, check=_not_negative, help="screening worker processes (0: in the crawl process)"),
}

SCHEDULE_SCHEMA: dict[str, Key] = {
    "timezone": Key(str, "Asia/Shanghai", check=_timezone),
    "patrol": Key(str, "0 1 * * *", check=_cron, help="cron expression (weekday 0 or 7 = Sunday)"),
    "timeliness_report": Key(str, "0 7 * * mon", check=_cron, help="cron expression"),
    "patrol_timeout_minutes": Key((int, float), 360, check=_positive),
    "misfire_grace_seconds": Key(int, 3600, check=_positive),
    "kill_grace_seconds": Key(
        (int, float), 30, check=_positive, help="after the time limit: SIGTERM, then SIGKILL this much later"
    ),
    "report_formats": Key(list, default=["html", "xlsx"], check=_report_formats),
    "mail_to": Key(list, default=[]),
}

INSPECTION_SCHEMA: dict[str, Key] = {
    "probe_timeout_seconds": Key(
        (int, float), 15, check=_positive, help="a homepage not loaded by then failed"
    ),
    "probes_per_day": Key(int, 24, check=lambda v: None if v >= 20 else "must be at least 20 (RULES.md)"),
    "wording_lexicon": Key(str, None, help="the county's wording lexicon: [{wrong, right, severity, note}]"),
    "watch_names": Key(str, None, help="watched names: [{name, since: YYYY-MM-DD, note}]"),
}
INSPECTION_PATHS = ("wording_lexicon", "watch_names")  # relative to the config file's folder

TOP_SCHEMA: dict[str, Any] = {
    "sites": SITE_SCHEMA,
    "crawl": CRAWL_SCHEMA,
    "screening": SCREENING_SCHEMA,
    "schedule": SCHEDULE_SCHEMA,
    "inspection": INSPECTION_SCHEMA,
    "rules": Key(str, None, help="path to rules.yaml; default: config/rules.yaml"),
    "alerts": {},  # schema and checks in config/alertsconf.py
}


@dataclass
class SiteConf:
    id: str
    name: str
    tier: str
    url: str
    scope: list[str]
    entry: str | None = None
    overrides: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)


@dataclass
class PatrolConf:
    path: str
    sites: list[SiteConf]
    crawl: dict[str, Any]
    screening: dict[str, Any]
    schedule: dict[str, Any]
    rules: str | None
    alerts: dict[str, Any] = field(default_factory=dict)  # config/alertsconf.py
    inspection: dict[str, Any] = field(
        default_factory=lambda: {k: key.default for k, key in INSPECTION_SCHEMA.items()}
    )

    def site(self, site_id: str) -> SiteConf:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)


def _err(path: str, node: yaml.Node | None, where: str, msg: str) -> ConfigError:
    line = f":{node.start_mark.line + 1}" if node is not None else ""
    return ConfigError(f"{path}{line}: {where}: {msg}")


def _typename(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        int: "a whole number",
        float: "a number",
        str: "text",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _check_value(path: str, node: yaml.Node, where: str, key: Key, value: Any) -> Any:
    kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        raise _err(path, node, where, f"expected {_typename(key.kind)}, got {value!r}")
    if key.choices and value not in key.choices:
        raise _err(path, node, where, f"{value!r} is not one of {', '.join(key.choices)}")
    if key.check:
        problem = key.check(value)
        if problem:
            raise _err(path, node, where, problem)
    return value


def _section(path: str, node: yaml.Node, where: str, schema: dict[str, Key]) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise _err(path, node, where, "expected a mapping of keys")
    data: dict[str, Any] = {}
    for knode, vnode in node.value:
        name = knode.value
        if name not in schema:
            hint = difflib.get_close_matches(name, list(schema), n=1)
            extra = f" (did you mean {hint[0]}?)" if hint else f"; known keys: {', '.join(schema)}"
            raise _err(path, knode, f"{where}.{name}", f"unknown key{extra}")
        if name in data:
            raise _err(path, knode, f"{where}.{name}", "key given twice")
        value = node_value(vnode) if vnode is not None else None
        data[name] = _check_value(path, vnode, f"{where}.{name}", schema[name], value)
    for name, key in schema.items():
        if name not in data:
            if key.required:
                raise _err(path, node, where, f"missing required key {name!r}")
            data[name] = key.default
    return data


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a mapping node (for its line), else the node itself."""
    if isinstance(node, yaml.MappingNode):
        for knode, vnode in node.value:
            if knode.value == key:
                return vnode
    return node


def _override_problem(name: str, value: Any) -> str | None:
    """Why a per-site override value is wrong, or None. Selectors are text; ``entry`` is a URL;
    ``columns`` is a non-empty list of column URLs or one selector of the column menu."""
    if name == "entry":
        return _url(value) if isinstance(value, str) else "expected the entry page's absolute http(s) URL"
    if name == "columns" and isinstance(value, list):
        if not value or not all(isinstance(v, str) for v in value):
            return "expected a non-empty list of column URLs (or one selector of the column menu)"
        bad = next((v for v in value if _url(v)), None)
        return f"{bad!r} must be an absolute http(s) URL" if bad is not None else None
    if not isinstance(value, str) or not value.strip():
        what = "a list of column URLs or a selector" if name == "columns" else "a CSS or XPath selector"
        return f"expected {what}, got {value!r}"
    return None


def _site(path: str, node: yaml.Node, where: str) -> SiteConf:
    data = _section(path, node, where, SITE_SCHEMA)
    nodes = {k.value: v for k, v in node.value}
    for name, value in data["overrides"].items():
        if name not in OVERRIDE_KEYS:
            raise _err(
                path,
                nodes.get("overrides"),
                f"{where}.overrides.{name}",
                f"unknown override; known: {', '.join(OVERRIDE_KEYS)}",
            )
        problem = _override_problem(name, value)
        if problem:
            raise _err(path, _child(nodes.get("overrides"), name), f"{where}.overrides.{name}", problem)
    for col, conf in data["columns"].items():
        if not isinstance(conf, dict) or set(conf) - set(COLUMN_OVERRIDE_KEYS):
            raise _err(
                path,
                nodes.get("columns"),
                f"{where}.columns.{col}",
                f"expected a mapping with keys among {', '.join(COLUMN_OVERRIDE_KEYS)}",
            )
    scope_node = nodes.get("scope")
    for i, entry in enumerate(data["scope"] or []):
        item = scope_node.value[i] if isinstance(scope_node, yaml.SequenceNode) else scope_node
        problem = scope_problem(entry) if isinstance(entry, str) else "expected a URL (text)"
        if problem:
            raise _err(path, item, f"{where}.scope[{i}]", f"{entry!r} {problem}")
    scope = data["scope"] or [data["url"]]
    for key in ("url", "entry"):  # the patrol never requests anything outside the scopes
        if data[key] and not in_scope(data[key], scope):
            raise _err(
                path, nodes.get(key), f"{where}.{key}", f"{data[key]!r} lies outside the site's scope {scope}"
            )
    return SiteConf(
        id=data["id"],
        name=data["name"],
        tier=data["tier"],
        url=data["url"],
        scope=list(scope),
        entry=data["entry"] or data["overrides"].get("entry"),
        overrides=data["overrides"],
        columns=data["columns"],
    )


# libyaml's parser where PyYAML was built with it (a C parse: the pure-Python one cost more than
# the rest of reading a config); the same resolver and safe constructor either way
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str):
    """The YAML document's node tree, every node with its line (``start_mark``). A text that
    does not parse is parsed again by PyYAML's own parser, whose error says where and why in the
    words this product always printed (libyaml's words and, at the end of a text, lines differ)."""
    try:
        return yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text)


def node_value(node):
    """What ``yaml.safe_load`` gives for the part of a document at ``node``: built from the node
    by PyYAML's safe constructor, not written out and parsed again."""
    return yaml.constructor.SafeConstructor().construct_document(node)


def parse(text: str, path: str = "patrol.yaml") -> PatrolConf:
    try:
        root = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{path}: expected a mapping with at least 'sites'")
    sections: dict[str, Any] = {}
    nodes: dict[str, yaml.Node] = {}
    for knode, vnode in root.value:
        name = knode.value
        if name not in TOP_SCHEMA:
            hint = difflib.get_close_matches(name, list(TOP_SCHEMA), n=1)
            extra = f" (did you mean {hint[0]}?)" if hint else f"; known keys: {', '.join(TOP_SCHEMA)}"
            raise _err(path, knode, name, f"unknown key{extra}")
        nodes[name] = vnode
    if "sites" not in nodes:
        raise _err(path, root, "sites", "missing required key 'sites'")
    sites_node = nodes["sites"]
    if not isinstance(sites_node, yaml.SequenceNode) or not sites_node.value:
        raise _err(path, sites_node, "sites", "expected a non-empty list of sites")
    sites = [_site(path, n, f"sites[{i}]") for i, n in enumerate(sites_node.value)]
    seen: dict[str, int] = {}
    for i, s in enumerate(sites):
        if s.id in seen:
            raise _err(
                path,
                sites_node.value[i],
                f"sites[{i}].id",
                f"duplicate id {s.id!r} (also sites[{seen[s.id]}])",
            )
        seen[s.id] = i
    for name in ("crawl", "screening", "schedule", "inspection"):
        node = nodes.get(name)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
            sections[name] = {k: key.default for k, key in TOP_SCHEMA[name].items()}
        else:
            sections[name] = _section(path, node, name, TOP_SCHEMA[name])
    rules = None
    if "rules" in nodes:
        rules = _check_value(path, nodes["rules"], "rules", TOP_SCHEMA["rules"], node_value(nodes["rules"]))
        rules = str((Path(path).parent / rules).resolve())
    for key in INSPECTION_PATHS:
        if sections["inspection"][key]:
            sections["inspection"][key] = str((Path(path).parent / sections["inspection"][key]).resolve())
    from config.alertsconf import parse_alerts

    alerts = parse_alerts(path, nodes.get("alerts"), [s.id for s in sites])
    return PatrolConf(
        path=path,
        sites=sites,
        crawl=sections["crawl"],
        screening=sections["screening"],
        schedule=sections["schedule"],
        rules=rules,
        alerts=alerts,
        inspection=sections["inspection"],
    )


def load(path: str | Path) -> PatrolConf:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: config file not found (set --config or $PATROL_CONFIG)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse(text, str(p))


def site_for_url(sites: list[SiteConf], url: str) -> SiteConf | None:
    """The site with the longest scope (in path segments) that holds ``url``; scopes may nest.

    Scopes are compared on parsed URLs (crawler.urls.scope_match): host, port and whole path
    segments, http and https alike, userinfo never matches. On a tie the first configured site wins.
    """
    pos = _scope_index(sites).owner(url)
    return None if pos is None else sites[pos]


_INDEXES: dict[int, tuple[list[SiteConf], int, ScopeIndex]] = {}


def _scope_index(sites: list[SiteConf]) -> ScopeIndex:
    """The scopes of ``sites`` indexed by host (kept per list object: a loaded config is not mutated)."""
    hit = _INDEXES.get(id(sites))
    if hit is None or hit[0] is not sites or hit[1] != len(sites):
        if len(_INDEXES) > 32:
            _INDEXES.clear()
        hit = (sites, len(sites), ScopeIndex((pos, sc) for pos, s in enumerate(sites) for sc in s.scope))
        _INDEXES[id(sites)] = hit
    return hit[2]
