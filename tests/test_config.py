"""patrol.yaml: minimal files work with defaults, and every mistake names its line."""

from __future__ import annotations

import pytest

from config.patrolconf import ConfigError, parse, site_for_url

MINIMAL = """\
sites:
  - id: county
    name: 石泉县人民政府
    tier: county
    url: http://www.shiquan.gov.cn/
  - id: fgj
    name: 县发改局
    tier: department
    url: http://www.shiquan.gov.cn/bm/fgj/
    scope: [http://www.shiquan.gov.cn/bm/fgj/]
crawl:
  concurrency_per_site: 2
  delay_seconds: 0.5
  obey_robots: true
"""


def test_minimal_config_gets_defaults():
    conf = parse(MINIMAL)
    assert conf.crawl["autothrottle"] is True
    assert conf.crawl["concurrency_per_site"] == 2
    assert conf.screening["threshold"] == "medium"
    assert conf.schedule["patrol"] == "0 1 * * *"
    assert conf.sites[0].scope == ["http://www.shiquan.gov.cn/"]


def test_longest_scope_wins_for_nested_sites():
    conf = parse(MINIMAL)
    assert site_for_url(conf.sites, "http://www.shiquan.gov.cn/bm/fgj/art/1.html").id == "fgj"
    assert site_for_url(conf.sites, "http://www.shiquan.gov.cn/xxgk/1.html").id == "county"
    assert site_for_url(conf.sites, "http://www.gov.cn/") is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (MINIMAL.replace("tier: town", "x").replace("tier: department", "tier: city"), 8, "not one of"),
        (MINIMAL.replace("  delay_seconds: 0.5", "  delay_second: 0.5"), 13, "did you mean delay_seconds"),
        (MINIMAL.replace("obey_robots: true", "obey_robots: 3"), 14, "true or false"),
        (
            MINIMAL.replace("url: http://www.shiquan.gov.cn/\n  - id", "url: www.shiquan.gov.cn\n  - id"),
            5,
            "absolute http",
        ),
        (MINIMAL.replace("id: fgj", "id: county"), 6, "duplicate id"),
        (MINIMAL + "sitez: []\n", 15, "did you mean sites"),
        (MINIMAL.replace("    name: 县发改局\n", ""), 6, "missing required key 'name'"),
        (MINIMAL.replace("concurrency_per_site: 2", "concurrency_per_site: 0"), 12, "greater than 0"),
        ("sites: [\n", 2, "not valid YAML"),
    ],
)
def test_errors_name_the_line(text, line, words):
    with pytest.raises(ConfigError) as err:
        parse(text, "patrol.yaml")
    assert f"patrol.yaml:{line}:" in str(err.value)
    assert words in str(err.value)
