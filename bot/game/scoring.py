"""Scores: how close each seat is to its goals, plus secret objectives and ending bonuses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.game.env import StateEnv
from bot.game.scenario import Goal, Metric, Scenario, Seat
from bot.game.state import MatchState


def goal_fraction(metric: Metric, goal: Goal, value: float, from_start: bool = False) -> float:
    """How fully one goal is met, from 0 to 1.

    ``at_least`` counts from the bottom of the metric's range up to the target, ``at_most`` from
    the top down to it, and ``near`` falls off with the distance to the target. ``from_start``
    (``scoring.partial_from: start``) counts from the metric's start value instead, when the
    start is short of the target: holding still then earns nothing.
    """
    if goal.kind == "at_least":
        if value >= goal.target:
            return 1.0
        low = metric.start if from_start and metric.start < goal.target else metric.min
        span = goal.target - low
        return max(0.0, 1 - (goal.target - value) / span) if span > 0 else 0.0
    if goal.kind == "at_most":
        if value <= goal.target:
            return 1.0
        high = metric.start if from_start and metric.start > goal.target else metric.max
        span = high - goal.target
        return max(0.0, 1 - (value - goal.target) / span) if span > 0 else 0.0
    span = max(goal.target - metric.min, metric.max - goal.target)
    if from_start and metric.start != goal.target:
        span = abs(metric.start - goal.target)
    return max(0.0, 1 - abs(value - goal.target) / span) if span > 0 else 1.0


def counts_from_start(scenario: Scenario) -> bool:
    """Whether the scenario scores partial credit from the start values."""
    return scenario.scoring.partial_from == "start"


def goals_met(scenario: Scenario, goals: Sequence[Goal], metrics: Mapping[str, float]) -> float:
    """The weighted share of the goals met, from 0 to 1, given metric values."""
    total = sum(g.weight for g in goals)
    from_start = counts_from_start(scenario)
    met = sum(
        g.weight * goal_fraction(scenario.metric(g.metric), g, metrics[g.metric], from_start)
        for g in goals
    )
    return met / total


def goal_score(scenario: Scenario, seat: Seat, metrics: Mapping[str, float]) -> float:
    """The seat's points from its goals alone, given metric values."""
    return scenario.scoring.goal_points * goals_met(scenario, seat.goals, metrics)


def scores_seen(
    scenario: Scenario,
    table: Mapping[str, float],
    view: Mapping[str, float | None],
    viewer: str | None,
) -> dict[str, float | None]:
    """The running scores as a viewer may see them, so a scoreboard leaks no hidden metric.

    The viewer's own score is exact. Another seat's score whose goals read only public metrics
    is exact too; if its goals read a metric the viewer sees with noise, it is worked out from
    the viewer's noisy view (the same uncertainty); if they read a metric hidden from the
    viewer, it is None (hidden until the end, when the full table is shown).
    """
    public = {m.id for m in scenario.metrics if m.see == "all"}
    seen: dict[str, float | None] = {}
    for seat_id, value in table.items():
        seat = scenario.seat(seat_id)
        metrics = {g.metric for g in seat.goals}
        if seat_id == viewer or metrics <= public:
            seen[seat_id] = value
        elif any(view.get(m) is None for m in metrics):
            seen[seat_id] = None
        else:
            values = {m: float(view[m] or 0.0) for m in metrics}
            seen[seat_id] = round(goal_score(scenario, seat, values), 3)
    return seen


def visible_outcome(scenario: Scenario, view: Mapping[str, float | None]) -> float | None:
    """The shared outcome as a viewer can work it out from what they see: None when the
    scenario has none or when one of its goals reads a metric hidden from the viewer (it is
    shown at the end, as hidden metrics are). Noisy metrics give a noisy outcome."""
    if scenario.outcome is None:
        return None
    seen = {g.metric: view.get(g.metric) for g in scenario.outcome.goals}
    if any(v is None for v in seen.values()):
        return None
    return outcome_score(scenario, {k: v for k, v in seen.items() if v is not None})


def outcome_score(scenario: Scenario, metrics: Mapping[str, float]) -> float | None:
    """The shared outcome from 0 to 100 (None when the scenario defines none); no seat's score."""
    if scenario.outcome is None:
        return None
    return round(100 * goals_met(scenario, scenario.outcome.goals, metrics), 3)


def objectives_met(scenario: Scenario, state: MatchState, seat: Seat) -> list[str]:
    """Ids of the seat's secret objectives whose condition holds now."""
    env = StateEnv(state)
    return [o.id for o in seat.objectives if scenario.expr(o.condition).evaluate(env)]


def seat_score(scenario: Scenario, state: MatchState, seat_id: str) -> float:
    """The seat's score: goals, less broken promises' costs, plus objectives and the ending's
    bonus once the match is over."""
    seat = scenario.seat(seat_id)
    score = goal_score(scenario, seat, state.metrics) - state.penalties.get(seat_id, 0.0)
    if state.finished:
        points = {o.id: o.points for o in seat.objectives}
        score += sum(points[o] for o in objectives_met(scenario, state, seat))
        for ending in scenario.endings:
            if ending.id == state.ending:
                score += ending.bonus.get(seat_id, 0.0)
    return round(score, 3)


def scores(scenario: Scenario, state: MatchState) -> dict[str, float]:
    """Every seat's score, in seat order."""
    return {s.id: seat_score(scenario, state, s.id) for s in scenario.seats}


def winners(all_scores: Mapping[str, float]) -> list[str]:
    """The seats with the top score (several on a tie)."""
    if not all_scores:
        return []
    best = max(all_scores.values())
    return [seat for seat, value in all_scores.items() if value >= best - 1e-9]
