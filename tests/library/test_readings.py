"""How the loader reads what YAML 1.1 would read differently, and that no text field of a real
scenario can carry a mention or an invisible character."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from bot.game.validate import ScenarioInvalid, load_scenario, load_scenario_report, path_text
from bot.game.yaml_safe import load_yaml
from bot.library import sandbox
from bot.scenarios import SCENARIOS
from tests.library.corpus import BASE

TUTORIAL = (SCENARIOS / "tutorial.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("word", ["no", "yes", "off", "on", "y", "n", "NO", "Off"])
async def test_yaml_11_booleans_where_text_is_expected_are_read_as_text(word: str) -> None:
    raw = BASE.replace("    name: Talk", f"    name: {word}").encode()
    assert load_scenario(raw).moves[0].name == word  # YAML 1.1 would have read a boolean
    assert (await sandbox.check_upload(raw, "words.yaml")).ok


async def test_a_sexagesimal_title_is_text_but_a_sexagesimal_version_is_refused() -> None:
    title = BASE.replace("  title: Hostile test", "  title: 1:30").encode()
    assert load_scenario(title).meta.title == "1:30"  # YAML 1.1: the number 90
    version = BASE.replace('  version: "1.0"', "  version: 1:30").encode()
    result = await sandbox.check_upload(version, "version.yaml")
    assert not result.ok and result.problems[0].path == "meta.version"
    assert "(got '1:30')" in result.problems[0].message


@pytest.mark.parametrize(
    ("written", "read"),
    [("017", 17.0), ("0o17", 15.0), ("0x11", 17.0), ("+12", 12.0), ("1e1", 10.0)],
)
def test_numbers_follow_yaml_12(written: str, read: float) -> None:
    raw = BASE.replace("    start: 50", f"    start: {written}")
    assert load_scenario(raw).metrics[0].start == read  # YAML 1.1 read 017 as octal 15


@pytest.mark.parametrize("written", ["1_000", "1:30", "0b101", "12e", ".5.5"])
def test_yaml_11_only_numbers_are_text_and_refused_where_a_number_is_expected(
    written: str,
) -> None:
    raw = BASE.replace("    start: 50", f"    start: {written}")
    with pytest.raises(ScenarioInvalid) as info:
        load_scenario(raw)
    assert info.value.problems[0].message == f"Input should be a valid number (got '{written}')"


def _text_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _text_paths(value, (*path, key))]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in _text_paths(value, (*path, index))]
    return [path] if isinstance(data, str) else []


TUTORIAL_JSON = json.dumps(load_yaml(TUTORIAL).data)
TEXT_PATHS = _text_paths(json.loads(TUTORIAL_JSON))
INSERTS = [
    ("@everyone", "mentions such as @everyone"),
    ("@here", "mentions such as @everyone"),
    ("<@&123456789>", "mentions such as @everyone"),
    ("<@!42>", "mentions such as @everyone"),
    ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2067", "U+2067 (RIGHT-TO-LEFT ISOLATE)"),
]
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def test_the_tutorial_has_text_everywhere_we_poison() -> None:
    assert len(TEXT_PATHS) > 80


@pytest.mark.parametrize("path", TEXT_PATHS, ids=[path_text(p) for p in TEXT_PATHS])
def test_every_text_field_refuses_mentions_and_invisible_characters(
    path: tuple[Any, ...],
) -> None:
    """Each string of the tutorial in turn gets a mention or an invisible character (taking
    turns), and the file is refused on the line where it is."""
    insert, message = INSERTS[TEXT_PATHS.index(path) % len(INSERTS)]
    data = json.loads(TUTORIAL_JSON)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = f"{node[path[-1]][:20]} {insert} x"
    text = yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    with pytest.raises(ScenarioInvalid) as info:
        load_scenario_report(text, "poisoned.yaml")
    problem = info.value.problems[0]
    assert message in problem.message
    assert problem.line is not None and insert in text.splitlines()[problem.line - 1]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("condition: tension >= 60", "condition: tensio >= 60"),
        ('when: played("upstream.talks") and played("downstream.talks")', "when: no > 1"),
    ],
)
def test_an_unknown_metric_in_an_ending_or_rule_is_reported_not_crashed(old: str, new: str) -> None:
    assert old in TUTORIAL
    with pytest.raises(ScenarioInvalid, match="unknown metric"):
        load_scenario(TUTORIAL.replace(old, new))
