"""What a check of an uploaded scenario file gives back: a summary or the problems.

These are plain frozen dataclasses with a JSON codec, because they cross a process boundary:
the sandbox's child process builds them and the bot reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.game.scenario import Scenario
from bot.game.validate import Problem
from bot.library.lint import BalanceStats


@dataclass(frozen=True)
class SeatSummary:
    """One seat of a checked scenario: its id, name and how many moves (levers) it has."""

    id: str
    name: str
    moves: int


@dataclass(frozen=True)
class Summary:
    """What a moderator sees when an upload is accepted."""

    scenario_id: str
    title: str
    version: str
    author: str
    rounds: int
    seats: tuple[SeatSummary, ...]
    moves: int
    metrics: int
    events: int
    endings: int

    @classmethod
    def of(cls, scenario: Scenario) -> Summary:
        """Summarise a loaded scenario."""
        meta = scenario.meta
        return cls(
            scenario_id=meta.id,
            title=meta.title,
            version=meta.version,
            author=meta.author,
            rounds=meta.rounds,
            seats=tuple(
                SeatSummary(s.id, s.name, len(scenario.moves_of(s.id))) for s in scenario.seats
            ),
            moves=len(scenario.moves),
            metrics=len(scenario.metrics),
            events=len(scenario.events),
            endings=len(scenario.endings),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = dict(self.__dict__)
        data["seats"] = [s.__dict__ for s in self.seats]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        """Read back what ``to_dict`` wrote."""
        values = dict(data)
        values["seats"] = tuple(SeatSummary(**s) for s in data["seats"])
        return cls(**values)


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """A problem as a JSON-ready dict."""
    return {
        "path": problem.path,
        "message": problem.message,
        "line": problem.line,
        "severity": problem.severity,
        "detail": problem.detail,
    }


def problem_from_dict(data: dict[str, Any]) -> Problem:
    """Read back what ``problem_to_dict`` wrote."""
    line = data.get("line")
    return Problem(
        str(data["path"]),
        str(data["message"]),
        line if isinstance(line, int) else None,
        "warning" if data.get("severity") == "warning" else "error",
        str(data.get("detail", "")),
    )


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one uploaded file.

    Accepted (``ok``) when there is a ``summary`` and no ``problems``; then ``warnings`` holds the
    validator's and the lint's warnings and ``balance`` the lint's statistics (when a lint ran).
    Refused otherwise: ``problems`` lists every error (capped, see ``more``) and nothing may be
    stored. ``sha256`` and ``size`` describe the exact bytes checked.
    """

    filename: str
    sha256: str
    size: int
    summary: Summary | None = None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    balance: BalanceStats | None = None
    more: int = 0  # problems left out of ``problems`` because there were too many
    elapsed: float = 0.0  # seconds from the start of the check to its end
    lint_stopped: bool = field(default=False)  # the lint hit its time limit

    @property
    def ok(self) -> bool:
        """Whether the file is valid and may be stored."""
        return self.summary is not None and not self.problems
