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


def test_yaml_nodes_give_what_safe_load_gives_and_errors_keep_pyyamls_words():
    import yaml

    from config.patrolconf import compose, node_value

    text = (
        "a: 1\nb: [x, 2.5, true, null, 2024-05-01]\nc:\n  d: {e: 是, f: '07'}\n"
        "  g: &anchor [1, 2]\n  h: *anchor\n"
    )
    root = compose(text)
    assert node_value(root) == yaml.safe_load(text)
    for key, value in root.value:  # each part, as the config reader takes them
        assert node_value(value) == yaml.safe_load(text)[key.value]
    # the lines the config's messages name are those of PyYAML's own parser, node for node

    def marks(node):
        out = [(node.tag, node.start_mark.line, node.start_mark.column)]
        for part in node.value if isinstance(node.value, list) else []:
            for n in part if isinstance(part, tuple) else (part,):
                out += marks(n)
        return out

    assert marks(root) == marks(yaml.compose(text, Loader=yaml.SafeLoader))
    assert root.value[2][1].start_mark.line + 1 == 4  # c's mapping starts on d's line
    for bad, line, words in [
        ("a: [1, 2", 1, "expected ',' or ']'"),
        ("x: 1\na: b: c\n", 2, "not allowed here"),
    ]:
        with pytest.raises(yaml.YAMLError) as err:
            compose(bad)
        assert err.value.problem_mark.line + 1 == line and words in err.value.problem
