"""Helpers for the content tests: load built-in scenarios, play seeded series, compare samples.

A *line* says who plays each seat: a script (a list of per-round move lists, the last one
repeating), ``"ai"`` or ``"hold"``. Seats a line leaves out take the series' default.

Comparisons are between distributions over many seeded matches, never single runs: ``Sample``
keeps every match's value, and ``clearly_above`` asks for a gap of several standard errors
(computed from the samples themselves) on top of a minimum size that makes the gap matter.
Match ``i`` of every arm uses the same seed, so arms differ only in the policies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.game.match import MatchLog, match_seed, play_match
from bot.game.policies import AiPolicy, HoldPolicy, Policy, ScriptPolicy
from bot.game.scenario import Scenario
from bot.game.validate import load_scenario_report

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "content" / "scenarios"
DEFAULT_FILE = SCENARIOS / "venezuela-2021.yaml"

SIGMAS = 4.0  # how many standard errors a difference must clear

Script = Sequence[Sequence[str]]
Line = Mapping[str, Script | str]


@cache
def builtin(stem: str) -> Scenario:
    """A built-in scenario by file name, loaded through the validator once per test session."""
    path = SCENARIOS / f"{stem}.yaml"
    loaded, _warnings = load_scenario_report(path.read_bytes(), path.name)
    return loaded


def scenario() -> Scenario:
    """The default scenario."""
    return builtin(DEFAULT_FILE.stem)


def with_start(base: Scenario, **starts: float) -> Scenario:
    """A copy of the scenario whose metrics start at other values (a counterfactual world)."""
    data = base.model_dump()
    for metric in data["metrics"]:
        if metric["id"] in starts:
            metric["start"] = float(starts.pop(metric["id"]))
    assert not starts, f"unknown metrics {sorted(starts)}"
    return Scenario.model_validate(data)


def policies_for(scn: Scenario, line: Line, default: str = "hold") -> dict[str, Policy]:
    """Fresh policies for one match: the line's choice per seat, ``default`` for the rest."""
    chosen: dict[str, Policy] = {}
    for seat in scn.seat_ids:
        how = line.get(seat, default)
        if how == "ai":
            chosen[seat] = AiPolicy()
        elif how == "hold":
            chosen[seat] = HoldPolicy()
        else:
            assert not isinstance(how, str), f"unknown policy {how!r}"
            chosen[seat] = ScriptPolicy(rounds=[list(moves) for moves in how])
    return chosen


def series(
    line: Line,
    matches: int,
    seed: int,
    default: str = "ai",
    scn: Scenario | None = None,
) -> list[MatchLog]:
    """Play ``matches`` seeded matches of one line; seats it leaves out are the AI."""
    scn = scn or scenario()
    return [
        play_match(scn, match_seed(seed, index), policies_for(scn, line, default))
        for index in range(matches)
    ]


@cache
def ai_series(matches: int, seed: int) -> tuple[MatchLog, ...]:
    """Matches with the AI in every seat, played once per session and shared between tests.

    Match ``i`` has the same seed whatever ``matches`` is, so a shorter series is a prefix.
    """
    return tuple(series({}, matches, seed, default="ai"))


@dataclass(frozen=True)
class Sample:
    """One value per match, with its mean and standard error."""

    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        """The mean over matches."""
        return sum(self.values) / len(self.values)

    @property
    def sd(self) -> float:
        """The sample standard deviation."""
        n = len(self.values)
        if n < 2:
            return 0.0
        mean = self.mean
        return math.sqrt(sum((v - mean) ** 2 for v in self.values) / (n - 1))

    @property
    def se(self) -> float:
        """The standard error of the mean."""
        return self.sd / math.sqrt(len(self.values))

    def __str__(self) -> str:
        return f"{self.mean:.2f} (se {self.se:.2f}, n {len(self.values)})"


Measure = Callable[[MatchLog], float]


def sample(logs: Sequence[MatchLog], measure: Measure) -> Sample:
    """The measure taken on every match."""
    return Sample(tuple(measure(log) for log in logs))


def final(metric: str) -> Measure:
    """A metric's value when the match ended."""
    return lambda log: log.final.metrics[metric]


def after_round(metric: str, round_number: int) -> Measure:
    """A metric's value after the given round (or at the end, if the match ended earlier)."""

    def measure(log: MatchLog) -> float:
        index = min(round_number, len(log.rounds)) - 1
        return log.rounds[index].state.metrics[metric] if index >= 0 else log.start.metrics[metric]

    return measure


def change(metric: str) -> Measure:
    """A metric's change from its start to the end of the match."""
    return lambda log: log.final.metrics[metric] - log.start.metrics[metric]


def times_ordered(move: str) -> Measure:
    """How many times a move was ordered in the match."""
    return lambda log: float(
        sum(
            1
            for played in log.rounds
            for orders in played.orders.values()
            for order in orders.moves
            if order.move == move
        )
    )


def gap(a: Sample, b: Sample) -> tuple[float, float]:
    """The difference of means and its standard error (unpaired, so conservative)."""
    return a.mean - b.mean, math.sqrt(a.se**2 + b.se**2)


def clearly_above(a: Sample, b: Sample, min_gap: float = 0.0, sigmas: float = SIGMAS) -> bool:
    """True when a's mean exceeds b's by at least ``min_gap`` and by ``sigmas`` standard errors."""
    diff, err = gap(a, b)
    return diff > min_gap and diff > sigmas * err


def clearly_above_value(a: Sample, value: float, min_gap: float = 0.0) -> bool:
    """True when a's mean exceeds a fixed value by ``min_gap`` and ``SIGMAS`` standard errors."""
    diff = a.mean - value
    return diff > min_gap and diff > SIGMAS * a.se


def clearly_below_value(a: Sample, value: float, min_gap: float = 0.0) -> bool:
    """True when a's mean is below a fixed value by ``min_gap`` and ``SIGMAS`` standard errors."""
    diff = value - a.mean
    return diff > min_gap and diff > SIGMAS * a.se


def not_clearly_above(a: Sample, b: Sample, tolerance: float) -> bool:
    """True when a's mean is at most ``tolerance`` above b's (within noise)."""
    diff, err = gap(a, b)
    return diff <= tolerance + SIGMAS * err


def describe(name: str, a: Sample, b: Sample) -> str:
    """A one-line account of a comparison for assertion messages."""
    diff, err = gap(a, b)
    return f"{name}: {a} vs {b}; gap {diff:.2f} +/- {err:.2f}"
