"""Everything under content/ loads, and the committed JSON Schema is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.offline import schema_text
from bot.game.validate import load_scenario_report
from bot.scenarios import CONTENT, SCENARIOS, builtin_ids, default_id, read_scenario

FILES = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_scenario_file_loads_without_errors(path: Path) -> None:
    scenario, _warnings = load_scenario_report(path.read_bytes(), str(path))
    assert scenario.meta.id == path.stem, "a built-in scenario's id is its file name"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_scenario_file_names_the_schema_for_editors(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/scenario.schema.json"


def test_the_committed_schema_is_what_the_models_generate() -> None:
    committed = (CONTENT / "schema" / "scenario.schema.json").read_text()
    assert committed == schema_text(), "run `make schema` and commit content/schema/"


def test_the_default_scenario_is_built_in() -> None:
    assert default_id() in builtin_ids()
    scenario, raw, _path = read_scenario(None)
    assert scenario.meta.id == default_id() and raw
