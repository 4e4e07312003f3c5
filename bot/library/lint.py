"""The balance lint: warnings a scenario earns in many seeded matches with the AI in every seat.

Pure: no clock, no global random, no I/O. The same scenario, match count and seed always give
the same statistics and the same warnings, so an author can rerun ``levers validate --lint``
after a change and compare. Each warning is a ``Problem`` with severity ``"warning"``, the field
path of the thing it is about (``seats[2]``, ``moves[7]``, ``endings[1]``, ``metrics[3]``,
``events[4]``, ``interactions[0]``) and, when the file's text is given, its line.

What is flagged (thresholds below):

- a seat that wins far more or far less than its fair share (1 / number of seats; a tie splits
  the win between the tied seats);
- a move that is never legal, legal but never chosen, or chosen every time it was legal while
  its seat had other legal moves (it may dominate them);
- an ending that never ends a match; an event that never happens; an interaction (a rule about
  moves or a threshold) that never fires;
- a metric that spends most rounds at its minimum or maximum, or never changes at all.

The AI plays every seat, so this is how the rules play for the built-in AI, not for people: read
the warnings as questions to look into, not verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.game.legal import legal_by_seat
from bot.game.match import MatchLog, final_scores, match_seed, play_match
from bot.game.scenario import Scenario
from bot.game.state import Record, SeatOrders
from bot.game.validate import Problem, path_text
from bot.game.yaml_safe import load_yaml

# A seat's win share is "far" from fair when it is above HIGH_FACTOR times the fair share (capped
# halfway between fair and 1, so two-seat games can still be flagged) or below LOW_FACTOR times it.
HIGH_FACTOR = 2.0
LOW_FACTOR = 1 / 3
# A metric is "stuck" when it sits at one of its bounds after at least this share of rounds.
STUCK_SHARE = 0.5
# "Always chosen" needs at least this many rounds in which the seat had a real choice.
MIN_CHOICES = 10
DEFAULT_MATCHES = 200

Path = tuple[str | int, ...]
LineOf = Callable[[Sequence[str | int]], int | None]


@dataclass
class MoveCount:
    """How often a move was available and taken, over all simulated rounds."""

    legal: int = 0  # rounds in which the move was legal for its seat
    chosen: int = 0  # rounds in which the AI ordered it
    contested: int = 0  # legal rounds in which the seat had at least one other legal move
    chosen_contested: int = 0  # ...and the AI ordered this one


@dataclass
class MetricCount:
    """How often a metric sat at its bounds after a round, and in how many matches it moved."""

    at_min: int = 0
    at_max: int = 0
    matches_changed: int = 0


@dataclass
class BalanceStats:
    """What many seeded matches with the AI in every seat did; plain data (``to_dict``)."""

    matches: int
    seed: int
    rounds: int = 0  # rounds resolved over all matches
    wins: dict[str, float] = field(default_factory=dict)  # seat -> wins, ties split
    moves: dict[str, MoveCount] = field(default_factory=dict)
    metrics: dict[str, MetricCount] = field(default_factory=dict)
    endings: dict[str, int] = field(default_factory=dict)  # ending id (or "last_round") -> count
    events: dict[str, int] = field(default_factory=dict)  # event id -> times it happened
    interactions: dict[str, int] = field(default_factory=dict)  # id -> matches it fired in

    def win_share(self, seat: str) -> float:
        """The share of matches the seat won (0..1), ties split between the tied seats."""
        return self.wins.get(seat, 0.0) / self.matches if self.matches else 0.0

    @property
    def fair_share(self) -> float:
        """The share each seat would win if the game were even: 1 / number of seats."""
        return 1 / len(self.wins) if self.wins else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_dict`` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BalanceStats:
        """Rebuild stats written by ``to_dict``."""
        values = dict(data)
        values["moves"] = {k: MoveCount(**v) for k, v in data["moves"].items()}
        values["metrics"] = {k: MetricCount(**v) for k, v in data["metrics"].items()}
        return cls(**values)


def _events_in(records: Sequence[Record], counts: dict[str, int]) -> None:
    for record in records:
        if record.kind == "event":
            event_id = record.source.removeprefix("event:")
            counts[event_id] = counts.get(event_id, 0) + 1


def _count_match(scenario: Scenario, log: MatchLog, stats: BalanceStats) -> list[str]:
    """Add one match's choices, bounds, endings, events and rules to the totals; return its
    winners (``collect`` adds the wins, in match order, so that the float sums are the same
    however the matches were spread over processes)."""
    _table, top = final_scores(scenario, log)
    _events_in(log.opening, stats.events)
    before = log.start
    changed: set[str] = set()
    for played in log.rounds:
        legal_now = legal_by_seat(scenario, before)
        for seat in scenario.seat_ids:
            legal = [m.id for m in legal_now[seat]]
            chosen = {o.move for o in played.orders.get(seat, SeatOrders()).moves}
            for move_id in legal:
                count = stats.moves[move_id]
                count.legal += 1
                if len(legal) > 1:
                    count.contested += 1
                    count.chosen_contested += move_id in chosen
            for move_id in chosen:
                stats.moves[move_id].chosen += 1
        _events_in(played.records, stats.events)
        for metric in scenario.metrics:
            value = played.state.metrics[metric.id]
            stats.metrics[metric.id].at_min += value <= metric.min
            stats.metrics[metric.id].at_max += value >= metric.max
            if value != metric.start:
                changed.add(metric.id)
        before = played.state
        stats.rounds += 1
    for metric_id in changed:
        stats.metrics[metric_id].matches_changed += 1
    ending = log.final.ending or "last_round"
    stats.endings[ending] = stats.endings.get(ending, 0) + 1
    for rule_id in log.final.interactions_fired:
        stats.interactions[rule_id] = stats.interactions.get(rule_id, 0) + 1
    return top


@dataclass
class LintPart:
    """The counts of a contiguous run of the lint's matches, and each match's winners."""

    stats: BalanceStats
    winners: list[list[str]] = field(default_factory=list)

    def extend(self, later: LintPart) -> None:
        """Add the counts of the matches that come right after these (dicts keep the order
        in which keys first appeared, as one run over all the matches would)."""
        mine, theirs = self.stats, later.stats
        mine.rounds += theirs.rounds
        for move_id, count in theirs.moves.items():
            into = mine.moves[move_id]
            into.legal += count.legal
            into.chosen += count.chosen
            into.contested += count.contested
            into.chosen_contested += count.chosen_contested
        for metric_id, metric in theirs.metrics.items():
            into_metric = mine.metrics[metric_id]
            into_metric.at_min += metric.at_min
            into_metric.at_max += metric.at_max
            into_metric.matches_changed += metric.matches_changed
        for name in ("endings", "events", "interactions"):
            totals: dict[str, int] = getattr(mine, name)
            for key, value in getattr(theirs, name).items():
                totals[key] = totals.get(key, 0) + value
        self.winners.extend(later.winners)


def _empty(scenario: Scenario, matches: int, seed: int) -> BalanceStats:
    return BalanceStats(
        matches=matches,
        seed=seed,
        wins=dict.fromkeys(scenario.seat_ids, 0.0),
        moves={m.id: MoveCount() for m in scenario.moves},
        metrics={m.id: MetricCount() for m in scenario.metrics},
    )


def collect_part(scenario: Scenario, indices: range, seed: int) -> LintPart:
    """The lint's counts over the matches ``indices`` (of the series seeded ``seed``)."""
    part = LintPart(_empty(scenario, len(indices), seed))
    for index in indices:
        log = play_match(scenario, match_seed(seed, index))
        part.winners.append(_count_match(scenario, log, part.stats))
    return part


# Runs ``collect_part`` over contiguous ranges (in other processes) and returns the parts in order.
PartsRunner = Callable[[Scenario, list[range], int], list[LintPart]]


def collect(
    scenario: Scenario,
    matches: int = DEFAULT_MATCHES,
    seed: int = 0,
    *,
    spread: tuple[int, PartsRunner] | None = None,
) -> BalanceStats:
    """Play ``matches`` seeded matches with the AI in every seat and count what happened.

    ``spread`` (a count of processes and a runner) plays contiguous runs of the matches apart
    and adds them up in order: the same statistics, to the byte, as one run.
    """
    if matches < 1:
        raise ValueError("the lint needs at least one match")
    if spread is None or spread[0] <= 1 or matches < 2 * spread[0]:
        parts = [collect_part(scenario, range(matches), seed)]
    else:
        count = spread[0]
        size, extra = divmod(matches, count)
        bounds = [i * size + min(i, extra) for i in range(count + 1)]
        ranges = [range(bounds[i], bounds[i + 1]) for i in range(count)]
        parts = spread[1](scenario, ranges, seed)
    total = LintPart(_empty(scenario, matches, seed))
    for part in parts:
        total.extend(part)
    stats = total.stats
    for top in total.winners:
        for seat in top:
            stats.wins[seat] += 1 / len(top)
    stats.wins = {seat: round(value, 6) for seat, value in stats.wins.items()}
    return stats


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _seat_warnings(scenario: Scenario, stats: BalanceStats) -> list[tuple[Path, str]]:
    fair = stats.fair_share
    high = min(fair * HIGH_FACTOR, (1 + fair) / 2)
    found: list[tuple[Path, str]] = []
    for index, seat in enumerate(scenario.seats):
        share = stats.win_share(seat.id)
        where = f"of {stats.matches} simulated matches; a fair share is {_pct(fair)}"
        if len(scenario.seats) > 1 and share > high:
            found.append((("seats", index), f"wins {_pct(share)} {where}: it may be too strong"))
        elif len(scenario.seats) > 1 and share < fair * LOW_FACTOR:
            found.append((("seats", index), f"wins {_pct(share)} {where}: it may be too weak"))
    return found


def _move_warnings(scenario: Scenario, stats: BalanceStats) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    runs = f"in {stats.matches} simulated matches"
    for index, move in enumerate(scenario.moves):
        count = stats.moves[move.id]
        path: Path = ("moves", index)
        if count.legal == 0:
            found.append((path, f"never legal {runs}: check its cost, condition and requires"))
        elif count.chosen == 0:
            found.append((path, f"legal in {count.legal} rounds but never chosen by the AI {runs}"))
        elif count.contested >= MIN_CHOICES and count.chosen_contested == count.contested:
            found.append(
                (
                    path,
                    f"chosen every time it was legal ({count.contested} of {count.contested} "
                    f"rounds with other legal moves) {runs}: it may dominate the seat's "
                    "other moves",
                )
            )
    return found


def _metric_warnings(scenario: Scenario, stats: BalanceStats) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for index, metric in enumerate(scenario.metrics):
        count = stats.metrics[metric.id]
        path: Path = ("metrics", index)
        if count.matches_changed == 0:
            found.append((path, f"never changed in {stats.matches} simulated matches"))
            continue
        sides = (("minimum", count.at_min, metric.min), ("maximum", count.at_max, metric.max))
        for side, rounds, bound in sides:
            if stats.rounds and rounds / stats.rounds >= STUCK_SHARE:
                found.append(
                    (
                        path,
                        f"at its {side} ({bound:g}) after {_pct(rounds / stats.rounds)} of "
                        f"{stats.rounds} simulated rounds: effects may be too strong or the "
                        "range too narrow",
                    )
                )
    return found


def _never_warnings(scenario: Scenario, stats: BalanceStats) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    runs = f"in {stats.matches} simulated matches"
    for index, ending in enumerate(scenario.endings):
        if not stats.endings.get(ending.id):
            found.append((("endings", index), f"never ended a match {runs}"))
    for index, event in enumerate(scenario.events):
        if not stats.events.get(event.id):
            found.append((("events", index), f"never happened {runs}"))
    for index, rule in enumerate(scenario.interactions):
        if not stats.interactions.get(rule.id):
            found.append((("interactions", index), f"never fired {runs}"))
    return found


def warnings(
    scenario: Scenario, stats: BalanceStats, line_of: LineOf | None = None
) -> list[Problem]:
    """The lint's warnings for these statistics; with ``line_of``, with lines and in file order."""
    found = [
        *_seat_warnings(scenario, stats),
        *_metric_warnings(scenario, stats),
        *_move_warnings(scenario, stats),
        *_never_warnings(scenario, stats),
    ]
    problems = [
        Problem(path_text(path), message, line_of(path) if line_of else None, "warning")
        for path, message in found
    ]
    # File order when lines are known (a stable sort keeps section order for equal lines).
    return sorted(problems, key=lambda p: p.line or 0) if line_of else problems


def lint(
    scenario: Scenario,
    raw: bytes | str | None = None,
    matches: int = DEFAULT_MATCHES,
    seed: int = 0,
    *,
    spread: tuple[int, PartsRunner] | None = None,
) -> tuple[BalanceStats, list[Problem]]:
    """Simulate and return the statistics and the warnings (with lines when ``raw`` is given).

    ``raw`` must be the text the scenario was loaded from; it is parsed again only for lines.
    ``spread``: as for ``collect``.
    """
    stats = collect(scenario, matches, seed, spread=spread)
    line_of = load_yaml(raw).line_of if raw is not None else None
    return stats, warnings(scenario, stats, line_of)
