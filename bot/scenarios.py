"""Finding scenario files: built-in ones by id under ``content/scenarios``, or any path."""

from __future__ import annotations

from pathlib import Path

from bot.game.scenario import Scenario
from bot.game.validate import load_scenario

CONTENT = Path(__file__).resolve().parent.parent / "content"
SCENARIOS = CONTENT / "scenarios"
DEFAULT_SCENARIO = "venezuela-2021"


class ScenarioNotFound(LookupError):
    """No built-in scenario has that id and no file has that path."""


def builtin_ids() -> list[str]:
    """Ids (file stems) of the scenarios shipped with Levers."""
    return sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def default_id() -> str:
    """The scenario played when none is named (the tutorial until the default one exists)."""
    return DEFAULT_SCENARIO if (SCENARIOS / f"{DEFAULT_SCENARIO}.yaml").exists() else "tutorial"


def scenario_path(name: str | None) -> Path:
    """The file for a built-in id or a path; raise ScenarioNotFound otherwise."""
    name = name or default_id()
    builtin = SCENARIOS / f"{name}.yaml"
    if "/" not in name and "\\" not in name and builtin.exists():
        return builtin
    path = Path(name)
    if path.is_file():
        return path
    known = ", ".join(builtin_ids())
    raise ScenarioNotFound(f"no scenario '{name}': give a file path or one of: {known}")


def read_scenario(name: str | None) -> tuple[Scenario, bytes, Path]:
    """Load and validate a scenario by id or path; return it with its exact bytes and path."""
    path = scenario_path(name)
    raw = path.read_bytes()
    return load_scenario(raw, str(path)), raw, path
