"""Counterfactual forks: a stored match replayed from one round, as played and with changes.

A fork starts from the stored state before round ``from_round`` and plays to the end twice for
each seed: **as played** (every seat's locked orders while the stored match has them, the AI's
after that) and **what if** (the same with the changes: seats given another policy from
``from_round`` on, moves dropped from ``from_round`` on, whoever would have played them).

What a seed means here. The rounds before ``from_round`` are not replayed: their state is
stored. A fork seed takes the match seed's place from ``from_round`` on, for the rules' draws
(``round_rng``) and the AI's (``ai_rng`` and its noisy view of hidden metrics). The first seed
is always the match's own, so the as-played arm of a fork that changes nothing *is* the stored
match, byte for byte; the others are ``match_seed(seed, i)``, numbered as ``simulate`` numbers
its matches. Both arms run on the same seeds, so their differences are paired seed by seed.

Under another seed the state drifts from the stored one, and a locked move may no longer be
allowed (its condition, its cooldown, a ``requires``). Such moves are skipped and counted
(``ArmRun.skipped``). A stored answer to a decision that is not put to the seat in the fork is
ignored; a decision the stored orders never answered takes its default, as for a seat that did
not answer. A dropped move is taken out of the AI's choice as well; the AI does not re-plan the
points it would have spent on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.game.ai_deals import negotiate
from bot.game.deal_state import Deal
from bot.game.deals import DealRefused, reapply
from bot.game.engine import resolve_round, round_rng
from bot.game.errors import IllegalOrder
from bot.game.legal import legal_moves
from bot.game.match import MatchLog, match_seed
from bot.game.policies import AiPolicy, Entry, HoldPolicy, Policy, ScriptPolicy, entry_move
from bot.game.report import spread
from bot.game.scenario import Scenario
from bot.game.scoring import scores
from bot.game.state import MatchState, Order, SeatOrders

SeatPolicy = Literal["ai", "hold"] | tuple[tuple[Entry, ...], ...]
"""Who plays a seat in the what-if arm: the AI, nobody, or a script (move ids for the fork's
first round, its second, ...; the last list repeats)."""

MAX_SEEDS = 10_000


class ForkError(ValueError):
    """A fork that cannot be made: a round out of range, an unknown seat or move."""


@dataclass(frozen=True)
class Changes:
    """What the what-if arm does differently from round ``from_round`` on."""

    policies: Mapping[str, SeatPolicy] = field(default_factory=dict)
    drop: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StoredMatch:
    """What a fork needs of a played match: its seed, every state, every round's orders.

    ``states[r]`` is the state after round ``r`` (``states[0]``: the opening), which is the
    state before round ``r + 1``; ``orders[r - 1]`` are the orders locked for round ``r``.
    """

    seed: int
    states: tuple[MatchState, ...]
    orders: tuple[Mapping[str, SeatOrders], ...]

    @property
    def rounds_played(self) -> int:
        """How many rounds were resolved."""
        return len(self.orders)

    @property
    def final(self) -> MatchState:
        """The state after the last resolved round."""
        return self.states[-1]

    def before(self, round_number: int) -> MatchState:
        """The stored state before a round (1-based)."""
        return self.states[round_number - 1]

    def fork_rounds(self) -> range:
        """The rounds a fork may start from: every resolved round, and the open one."""
        last = self.rounds_played if self.final.finished else self.rounds_played + 1
        return range(1, last + 1)


def stored_from_log(log: MatchLog) -> StoredMatch:
    """The ``StoredMatch`` of an offline match (``bot.game.match.play_match``)."""
    states = (log.start, *(r.state for r in log.rounds))
    return StoredMatch(log.seed, states, tuple(r.orders for r in log.rounds))


def replayed(
    scenario: Scenario,
    seed: int,
    opening: MatchState,
    orders: Sequence[Mapping[str, SeatOrders]],
    deals: Sequence[Deal] = (),
) -> StoredMatch:
    """A ``StoredMatch`` rebuilt by resolving its orders again from the opening.

    For sources that keep only the orders, the deals and the metrics (a match record): the
    engine is deterministic, so the states come out as they were stored.
    """
    states = [opening]
    for number, locked in enumerate(orders, start=1):
        before = reapply(scenario, states[-1], deals) if deals else states[-1]
        states.append(resolve_round(scenario, before, locked, round_rng(seed, number)).state)
    return StoredMatch(seed, tuple(states), tuple(orders))


def fork_seeds(seed: int, count: int) -> list[int]:
    """The seeds of a fork: the match's own first, then ``match_seed(seed, i)``."""
    return [seed] + [match_seed(seed, i) for i in range(1, count)]


def check_fork(scenario: Scenario, stored: StoredMatch, from_round: int, changes: Changes) -> None:
    """Raise ForkError unless the fork can be made (with a message fit for a player)."""
    allowed = stored.fork_rounds()
    if from_round not in allowed:
        if not allowed:
            raise ForkError("the match has no round left to fork from")
        raise ForkError(
            f"round {from_round} is out of range: a fork starts from round "
            f"{allowed.start}" + (f" to {allowed.stop - 1}" if len(allowed) > 1 else "")
        )
    for seat, policy in changes.policies.items():
        if seat not in scenario.seat_ids:
            raise ForkError(
                f"there is no seat '{seat}' (the seats: {', '.join(scenario.seat_ids)})"
            )
        if isinstance(policy, tuple):
            own = {m.id for m in scenario.moves_of(seat)}
            for move in (entry_move(m) for moves in policy for m in moves):
                if move not in own:
                    raise ForkError(f"'{move}' is not a move of seat '{seat}'")
        elif policy not in ("ai", "hold"):
            raise ForkError(f"unknown policy {policy!r} for seat '{seat}': ai, hold or a script")
    known = {m.id for m in scenario.moves}
    for move in sorted(changes.drop):
        if move not in known:
            raise ForkError(f"there is no move '{move}' in {scenario.meta.id}")


def _policy(policy: SeatPolicy, from_round: int) -> Policy:
    if policy == "ai":
        return AiPolicy()
    if policy == "hold":
        return HoldPolicy()
    # Scripts count from the fork's first round; ScriptPolicy counts from the match's first.
    padding: list[Sequence[Entry]] = [()] * (from_round - 1)
    return ScriptPolicy([*padding, *policy])


def _without(orders: SeatOrders, drop: frozenset[str]) -> SeatOrders:
    if not drop or not any(o.move in drop for o in orders.moves):
        return orders
    kept = tuple(o for o in orders.moves if o.move not in drop)
    return SeatOrders(moves=kept, decisions=orders.decisions)


def _still_legal(
    scenario: Scenario, state: MatchState, seat: str, orders: SeatOrders
) -> tuple[SeatOrders, int]:
    """The stored orders that the forked state still allows, and how many moves were not."""
    legal = {m.id: m for m in legal_moves(scenario, state, seat)}
    budget = scenario.seat(seat).budget
    kept: list[Order] = []
    for order in orders.moves:
        move = legal.get(order.move)
        if move is None or move.cost > budget:
            continue
        budget -= move.cost
        kept.append(order)
    decisions = {e: o for e, o in orders.decisions.items() if state.awaiting.get(e) == seat}
    if len(kept) == len(orders.moves) and decisions == orders.decisions:
        return orders, 0  # the very same orders: a fork that changes nothing replays exactly
    return SeatOrders(moves=tuple(kept), decisions=decisions), len(orders.moves) - len(kept)


@dataclass(frozen=True)
class ArmRun:
    """One arm played to its end with one seed."""

    seed: int
    final: MatchState
    skipped: int  # stored or scripted moves the forked state no longer allowed
    rounds: int  # rounds resolved from the fork's first round to the end


def play_arm(
    scenario: Scenario,
    stored: StoredMatch,
    from_round: int,
    seed: int,
    changes: Changes | None = None,
) -> ArmRun:
    """Play the match from ``from_round`` to its end with one seed (as played without changes).

    Call ``check_fork`` first; the stored states are never changed.
    """
    changes = changes or Changes()
    policies = {seat: _policy(p, from_round) for seat, p in changes.policies.items()}
    ai = AiPolicy()
    state = stored.before(from_round)
    made = stored.states[-1].deals  # the talks as they went, made again in their rounds
    ai_seats = [s for s in scenario.seat_ids if isinstance(policies.get(s, ai), AiPolicy)]
    skipped = rounds = 0
    while not state.finished:
        rounds += 1
        if state.round <= stored.rounds_played:
            with suppress(DealRefused):  # a changed arm may have ended or moved on differently
                state = reapply(scenario, state, made) if made else state
        elif scenario.rules.ai_talks:
            state = negotiate(scenario, state, seed, ai_seats, ai.round_cache(scenario, state))
        number = state.round
        locked = stored.orders[number - 1] if number <= stored.rounds_played else None
        orders: dict[str, SeatOrders] = {}
        replaying: list[str] = []  # seats on their stored orders, which may have gone stale
        for seat in scenario.seat_ids:
            policy = policies.get(seat)
            if policy is not None:
                chosen = policy.orders(scenario, state, seat, seed)
            elif locked is None:
                chosen = ai.orders(scenario, state, seat, seed)
            elif seat in locked:
                chosen = locked[seat]
                replaying.append(seat)
            else:
                continue  # nothing was locked for the seat: it held
            orders[seat] = _without(chosen, changes.drop)
        try:
            result = resolve_round(scenario, state, orders, round_rng(seed, number))
        except IllegalOrder:
            # The engine checks every order before it draws or changes anything, so checking
            # only when it refuses costs nothing in the usual case where all are still legal.
            for seat in replaying:
                orders[seat], missed = _still_legal(scenario, state, seat, orders[seat])
                skipped += missed
            result = resolve_round(scenario, state, orders, round_rng(seed, number))
        state = result.state
    skipped += sum(
        n for p in policies.values() if isinstance(p, ScriptPolicy) for n in p.skipped.values()
    )
    return ArmRun(seed, state, skipped, rounds)


@dataclass(frozen=True)
class Outcome:
    """How one arm ended for one seed: final metrics, scores and the ending."""

    seed: int
    metrics: dict[str, float]
    scores: dict[str, float]
    ending: str
    skipped: int
    rounds: int


def outcome(scenario: Scenario, run: ArmRun) -> Outcome:
    """The figures a fork reports of one run."""
    final = run.final
    return Outcome(
        run.seed,
        dict(final.metrics),
        scores(scenario, final),
        final.ending or "none",
        run.skipped,
        run.rounds,
    )


@dataclass(frozen=True)
class Fork:
    """Both arms of a fork over every seed, paired by seed."""

    from_round: int
    changes: Changes
    as_played: list[Outcome]
    what_if: list[Outcome]

    @property
    def seeds(self) -> int:
        """How many seeds each arm was played with."""
        return len(self.as_played)

    def paired(self, metric: str | None = None, seat: str | None = None) -> list[float]:
        """Seed by seed, what-if minus as-played for one metric's final value or seat's score."""
        if metric is not None:
            return [w.metrics[metric] - a.metrics[metric] for a, w in self._pairs()]
        assert seat is not None
        return [w.scores[seat] - a.scores[seat] for a, w in self._pairs()]

    def _pairs(self) -> list[tuple[Outcome, Outcome]]:
        return list(zip(self.as_played, self.what_if, strict=True))


def outcomes(
    scenario: Scenario,
    stored: StoredMatch,
    from_round: int,
    seeds: int,
    changes: Changes | None = None,
) -> list[Outcome]:
    """One arm over the fork's ``seeds`` seeds, in seed order (call ``check_fork`` first)."""
    return [
        outcome(scenario, play_arm(scenario, stored, from_round, seed, changes))
        for seed in fork_seeds(stored.seed, seeds)
    ]


def fork(
    scenario: Scenario,
    stored: StoredMatch,
    from_round: int,
    seeds: int,
    changes: Changes,
    as_played: Sequence[Outcome] | None = None,
) -> Fork:
    """Play both arms over ``seeds`` seeds (ForkError on a bad fork).

    ``as_played``: the as-played arm of an earlier fork from the same round over the same
    seeds, which does not depend on the changes (a debrief forks several moves of one round).
    """
    if not 1 <= seeds <= MAX_SEEDS:
        raise ForkError(f"seeds must be between 1 and {MAX_SEEDS}")
    check_fork(scenario, stored, from_round, changes)
    plain = list(as_played or outcomes(scenario, stored, from_round, seeds))
    if len(plain) != seeds:
        raise ValueError("the as-played arm given was played over another number of seeds")
    changed = outcomes(scenario, stored, from_round, seeds, changes)
    return Fork(from_round, changes, plain, changed)


def _arm(scenario: Scenario, outcomes: Sequence[Outcome]) -> dict[str, Any]:
    endings: dict[str, int] = {}
    for item in outcomes:
        endings[item.ending] = endings.get(item.ending, 0) + 1
    return {
        "metrics": {m.id: spread([o.metrics[m.id] for o in outcomes]) for m in scenario.metrics},
        "scores": {s: spread([o.scores[s] for o in outcomes]) for s in scenario.seat_ids},
        "endings": dict(sorted(endings.items())),
    }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def fork_report(scenario: Scenario, result: Fork, match_id: int | None) -> dict[str, Any]:
    """The report of ``levers whatif --json``: exactly the keys ``match``, ``from_round``,
    ``seeds``, ``as_played``, ``what_if`` and ``delta`` (docs/match-record.md, "What if")."""
    return {
        "match": match_id,
        "from_round": result.from_round,
        "seeds": result.seeds,
        "as_played": _arm(scenario, result.as_played),
        "what_if": _arm(scenario, result.what_if),
        "delta": {
            "metrics": {
                m.id: round(_mean(result.paired(metric=m.id)), 3) for m in scenario.metrics
            },
            "scores": {s: round(_mean(result.paired(seat=s)), 3) for s in scenario.seat_ids},
        },
    }


def interval(values: Sequence[float]) -> tuple[float, float]:
    """The mean of paired differences and the half-width of its 95% confidence interval.

    A normal approximation (1.96 standard errors); with one value the width is 0.
    """
    n = len(values)
    mean = _mean(values)
    if n < 2:
        return mean, 0.0
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, 1.96 * math.sqrt(variance / n)
