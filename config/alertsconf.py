"""The ``alerts:`` section of ``patrol.yaml``: who is told what, by which channel.

```yaml
alerts:
  immediate_severity: high       # after each patrol: new findings at or above this go to the bureau
  digest: "30 8 * * *"           # the daily digest (cron, the schedule's time zone)
  retries: 3                     # a failing channel is tried again this often, then logged
  base_url: https://patrol.example.gov.cn/   # the web app, for links in the messages
  channels:
    - {name: 保密局邮箱, type: email, to: [bmj@example.gov.cn], audience: [bureau]}
    - {name: 督查群, type: dingtalk, url_env: DINGTALK_URL, secret_env: DINGTALK_SECRET, audience: [supervisors]}
    - {name: 教育局, type: wecom, url_env: WECOM_JYJ_URL, audience: [unit], sites: [jyj]}
```

A webhook URL carries its robot's key: give it through the environment (``url_env``) rather
than in the file; ``secret_env`` names the variable holding a 钉钉 signing secret. Every
problem raises ``ConfigError`` with ``file:line``.
"""

from __future__ import annotations

from typing import Any

import yaml

CHANNEL_TYPES = ("email", "wecom", "dingtalk")
AUDIENCES = ("bureau", "supervisors", "unit")


def _schemas():
    from config.patrolconf import SEVERITIES, Key, _cron, _not_negative, _positive

    alerts = {
        "immediate_severity": Key(str, "high", choices=SEVERITIES),
        "digest": Key(str, "30 8 * * *", check=_cron, help="cron expression of the daily digest"),
        "retries": Key(int, 3, check=_not_negative),
        "retry_delay_seconds": Key((int, float), 2, check=_not_negative),
        "timeout_seconds": Key((int, float), 10, check=_positive),
        "base_url": Key(str, "", help="the web app's address, for links in the messages"),
        "channels": Key(list, []),
    }
    channel = {
        "name": Key(str, required=True),
        "type": Key(str, required=True, choices=CHANNEL_TYPES),
        "to": Key(list, [], help="email: recipients"),
        "url": Key(str, None, help="webhook URL (prefer url_env: the URL holds the robot's key)"),
        "url_env": Key(str, None, help="environment variable holding the webhook URL"),
        "secret_env": Key(str, None, help="environment variable holding the 钉钉 signing secret"),
        "audience": Key(list, ["bureau"], help="bureau, supervisors, unit"),
        "sites": Key(list, [], help="unit: the site ids this unit is responsible for"),
    }
    return alerts, channel


def defaults() -> dict[str, Any]:
    alerts, _ = _schemas()
    return {k: key.default for k, key in alerts.items()}


def parse_alerts(path: str, node: yaml.Node | None, site_ids: list[str]) -> dict[str, Any]:
    """The validated section (defaults when absent); channels are plain dicts."""
    from config.patrolconf import _child, _err, _section

    if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
        return defaults()
    schema, channel_schema = _schemas()
    data = _section(path, node, "alerts", schema)
    chan_node = _child(node, "channels")
    channels, names = [], set()
    for i, item in enumerate(chan_node.value if isinstance(chan_node, yaml.SequenceNode) else []):
        where = f"alerts.channels[{i}]"
        ch = _section(path, item, where, channel_schema)
        if ch["name"] in names:
            raise _err(path, _child(item, "name"), f"{where}.name", f"duplicate channel name {ch['name']!r}")
        names.add(ch["name"])
        bad = [a for a in ch["audience"] if a not in AUDIENCES]
        if bad or not ch["audience"]:
            raise _err(
                path,
                _child(item, "audience"),
                f"{where}.audience",
                f"expected some of {', '.join(AUDIENCES)}",
            )
        if ch["type"] == "email":
            if not ch["to"] or not all(isinstance(a, str) and "@" in a for a in ch["to"]):
                raise _err(
                    path, _child(item, "to"), f"{where}.to", "an email channel needs a list of addresses"
                )
        elif not (ch["url"] or ch["url_env"]):
            raise _err(path, item, where, "a webhook channel needs url_env (or url)")
        elif ch["url"] and not str(ch["url"]).startswith(("http://", "https://")):
            raise _err(path, _child(item, "url"), f"{where}.url", "expected an http(s) URL")
        if ch["secret_env"] and ch["type"] != "dingtalk":
            raise _err(path, _child(item, "secret_env"), f"{where}.secret_env", "only 钉钉 robots are signed")
        unknown = [s for s in ch["sites"] if s not in site_ids]
        if unknown:
            raise _err(
                path,
                _child(item, "sites"),
                f"{where}.sites",
                f"unknown site id(s): {', '.join(map(str, unknown))}",
            )
        if "unit" in ch["audience"] and not ch["sites"]:
            raise _err(path, item, where, "a unit's channel needs the site ids it is responsible for (sites)")
        channels.append(ch)
    data["channels"] = channels
    return data
