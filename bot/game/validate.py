"""Loading a scenario file: safe YAML, the models, then every cross-reference and sanity check.

Every problem carries the field path (``moves[3].effects[0].metric``) and the file's line, so a
moderator can go straight to it. A file with any error never becomes a ``Scenario``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from bot.game.checks import cross_check
from bot.game.refs import path_text
from bot.game.scenario import Scenario
from bot.game.yaml_safe import Loaded, YamlError, load_yaml

__all__ = ["Problem", "ScenarioInvalid", "load_scenario", "load_scenario_report", "path_text"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful, for warnings) in a scenario file."""

    path: str
    message: str
    line: int | None = None
    severity: Literal["error", "warning"] = "error"
    detail: str = ""  # lines for a closer look: the source line with a caret, the parser's words

    def format(self, filename: str) -> str:
        """``FILE:LINE: field.path: message``, the form editors and CI logs understand, then the
        detail lines if any."""
        where = self.path or "(file)"
        prefix = "" if self.severity == "error" else "warning: "
        first = f"{filename}:{self.line or 1}: {where}: {prefix}{self.message}"
        return f"{first}\n{self.detail}" if self.detail else first


class ScenarioInvalid(ValueError):
    """A scenario file failed validation; ``problems`` lists every error found."""

    def __init__(self, filename: str, problems: Sequence[Problem]) -> None:
        self.filename = filename
        self.problems = list(problems)
        super().__init__("\n".join(p.format(filename) for p in self.problems))


def _data_path(data: Any, loc: Sequence[str | int]) -> Path:
    """Drop pydantic's union-member tags from an error location, keeping real keys."""
    kept: list[str | int] = []
    node = data
    for index, part in enumerate(loc):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif index == len(loc) - 1 and isinstance(node, dict) and isinstance(part, str):
            pass  # a missing required field: report it under its parent
        else:
            continue
        kept.append(part)
    return tuple(kept)


_MESSAGES = {
    "extra_forbidden": "unknown field (check the spelling; see docs/scenario-authoring.md)",
    "missing": "this field is required",
}


def _model_problems(loaded: Loaded, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        path = _data_path(loaded.data, item["loc"])
        message = _MESSAGES.get(item["type"], item["msg"])
        if (
            item["type"] not in _MESSAGES
            and "input" in item
            and not isinstance(item["input"], (dict, list))
        ):
            message += f" (got {item['input']!r:.60})"
        problems.append(Problem(path_text(path), message, loaded.line_of(path)))
    return problems


def load_scenario_report(
    raw: bytes | str, filename: str = "<scenario>"
) -> tuple[Scenario, list[Problem]]:
    """Load and check a scenario; return it with its warnings, or raise ScenarioInvalid."""
    try:
        loaded = load_yaml(raw)
    except YamlError as err:
        problem = Problem("", err.message, err.line, detail=err.detail)
        raise ScenarioInvalid(filename, [problem]) from None
    if not isinstance(loaded.data, dict):
        raise ScenarioInvalid(
            filename,
            [
                Problem(
                    "",
                    "the file must be a mapping of sections (meta, metrics, seats, moves, ...)",
                    1,
                )
            ],
        )
    try:
        scenario = Scenario.model_validate(loaded.data)
    except ValidationError as err:
        raise ScenarioInvalid(filename, _model_problems(loaded, err)) from None
    found = [
        Problem(path_text(path), message, loaded.line_of(path), severity)
        for path, message, severity in cross_check(scenario, loaded.line_of)
    ]
    errors = sorted((p for p in found if p.severity == "error"), key=lambda p: p.line or 0)
    if errors:
        raise ScenarioInvalid(filename, errors)
    return scenario, [p for p in found if p.severity == "warning"]


def load_scenario(raw: bytes | str, filename: str = "<scenario>") -> Scenario:
    """Load and check a scenario file's contents; raise ScenarioInvalid listing every error."""
    return load_scenario_report(raw, filename)[0]
