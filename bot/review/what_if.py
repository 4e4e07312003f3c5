"""The debrief's *What if*: each turning point's match replayed without the move behind it.

For every turning point whose biggest cause is a move, the match is forked from the round the
move was played (``bot.game.fork``), the move dropped from that round on: "without the
indictments in round 2, regime cohesion ends 12 ± 4 lower". Seeds are added ``DEBRIEF_BATCH``
at a time, up to ``DEBRIEF_SEEDS``, until both intervals (the metric's, the seat's score's) are
clear.

The cost is bounded: forks from the same round share their as-played arm, each arm replays the
stored orders (the AI only plays rounds a fork adds beyond the stored match), and there is at
most one fork per turning point (three). A debrief costs at most 40 × 6 runs of the rest of the
match: about 0.01–0.1 s for the tutorial and 0.3–0.6 s for the default scenario on the
project's machine. Only a match the rules finished gets the section: a match stopped early has
no "rest of the match" to compare against. The fork needs the seed: a redacted record (a
running match) never gets one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.game.engine import new_match, round_rng
from bot.game.errors import GameError
from bot.game.fork import (
    Changes,
    Fork,
    Outcome,
    StoredMatch,
    check_fork,
    fork_seeds,
    interval,
    outcome,
    play_arm,
    replayed,
)
from bot.game.scenario import Scenario
from bot.review.record import MatchRecord, WhatIfInfo
from bot.review.replay import orders_of

if TYPE_CHECKING:  # the debrief builds its section with this module
    from bot.review.debrief import TurningPoint

DEBRIEF_SEEDS = 40  # the most seeds a debrief's fork is played with
DEBRIEF_BATCH = 10  # seeds are added ten at a time until the intervals are clear
# "Clear": the 95% interval's half-width is at most a point, or a quarter of the change.
CLEAR_WIDTH = 1.0
CLEAR_SHARE = 0.25


def stored_from_record(scenario: Scenario, record: MatchRecord) -> StoredMatch | None:
    """The match rebuilt from its seed and orders, or None when it cannot be (no seed, or the
    replay does not give the recorded metrics: a fork of it would not be this match's)."""
    seed = record.match.seed
    if seed is None:
        return None
    opening = new_match(scenario, round_rng(seed, 0), record.match.last_round).state
    try:
        deals = [d.to_engine() for d in record.deals]
        stored = replayed(scenario, seed, opening, [orders_of(r) for r in record.rounds], deals)
    except GameError:
        return None
    for state, played in zip(stored.states[1:], record.rounds, strict=True):
        if dict(state.metrics) != played.metrics:
            return None
    return stored


def _cause(point: TurningPoint) -> tuple[str, int] | None:
    """The move behind a turning point (its biggest cause that is a move) and its round."""
    for cause in point.causes:
        kind, _, move = cause.source.partition(":")
        if kind == "move":
            return move, cause.delayed_from or point.round
    return None


def _played_after(stored: StoredMatch, move: str, from_round: int) -> bool:
    return any(
        any(o.move == move for o in seat.moves)
        for locked in stored.orders[from_round:]
        for seat in locked.values()
    )


def _clear(values: Sequence[float]) -> bool:
    mean, width = interval(values)
    return width <= max(CLEAR_WIDTH, CLEAR_SHARE * abs(mean))


class _Arms:
    """Arms of one match's forks, grown a batch of seeds at a time (the seeds of a fork are
    the same list however many are asked for, so a longer arm extends a shorter one)."""

    def __init__(self, scenario: Scenario, stored: StoredMatch) -> None:
        self.scenario, self.stored = scenario, stored
        self.played: dict[tuple[int, frozenset[str]], list[Outcome]] = {}

    def arm(self, from_round: int, drop: frozenset[str], count: int) -> list[Outcome]:
        have = self.played.setdefault((from_round, drop), [])
        if len(have) < count:
            changes = Changes(drop=drop) if drop else None
            for seed in fork_seeds(self.stored.seed, count)[len(have) :]:
                run = play_arm(self.scenario, self.stored, from_round, seed, changes)
                have.append(outcome(self.scenario, run))
        return have[:count]

    def fork(self, from_round: int, move: str, metric: str, seat: str, most: int) -> Fork:
        """The fork without ``move``, over batches of seeds until both intervals are clear."""
        drop = frozenset({move})
        check_fork(self.scenario, self.stored, from_round, Changes(drop=drop))
        count = min(DEBRIEF_BATCH, most)
        while True:
            result = Fork(
                from_round,
                Changes(drop=drop),
                self.arm(from_round, frozenset(), count),
                self.arm(from_round, drop, count),
            )
            done = _clear(result.paired(metric=metric)) and _clear(result.paired(seat=seat))
            if done or count >= most:
                return result
            count = min(count + DEBRIEF_BATCH, most)


def what_if(
    scenario: Scenario,
    record: MatchRecord,
    points: Sequence[TurningPoint],
    seeds: int = DEBRIEF_SEEDS,
) -> list[WhatIfInfo]:
    """One fork per turning point caused by a move, for a finished match (else nothing).

    ``seeds`` is the most seeds a fork is played with (0: no forks at all).
    """
    if record.match.status != "finished" or seeds < 1:
        return []
    stored = stored_from_record(scenario, record)
    if stored is None or not stored.final.finished:
        return []
    arms = _Arms(scenario, stored)
    found: list[WhatIfInfo] = []
    for point in points:
        cause = _cause(point)
        if cause is None:
            continue
        move_id, from_round = cause
        move = scenario.move(move_id)
        result = arms.fork(from_round, move.id, point.metric, move.seat, seeds)
        metric_change, metric_width = interval(result.paired(metric=point.metric))
        score_change, score_width = interval(result.paired(seat=move.seat))
        found.append(
            WhatIfInfo(
                round=point.round,
                metric=point.metric,
                metric_name=point.name,
                move=move.id,
                move_name=move.name,
                seat=move.seat,
                seat_name=scenario.seat(move.seat).name,
                from_round=from_round,
                again=_played_after(stored, move.id, from_round),
                seeds=result.seeds,
                metric_change=round(metric_change, 3),
                metric_interval=round(metric_width, 3),
                score_change=round(score_change, 3),
                score_interval=round(score_width, 3),
            )
        )
    return found


def _change(value: float, width: float, unit: str) -> str:
    spread = f" ± {width:.1f}" if round(width, 1) else ""
    if abs(value) <= width or round(abs(value), 1) == 0:
        return f"about the same ({value:+.1f}{spread}{unit})"
    side = "higher" if value > 0 else "lower"
    return f"{abs(value):.1f}{spread}{unit} {side}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def what_if_text(item: WhatIfInfo) -> str:
    """``Without Drug indictments (United States) in round 2, Regime cohesion ends 12.0 ± 4.1
    lower, and United States' score 3.0 ± 1.2 higher (40 seeds, 95% interval).``"""
    when = f"from round {item.from_round} on" if item.again else f"in round {item.from_round}"
    return (
        f"Without {item.move_name} ({item.seat_name}) {when}, {item.metric_name} ends "
        f"{_change(item.metric_change, item.metric_interval, '')}, and "
        f"{_possessive(item.seat_name)} score "
        f"{_change(item.score_change, item.score_interval, ' points')} "
        f"({item.seeds} seeds, 95% interval)."
    )
