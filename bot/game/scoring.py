"""Scores: how close each seat is to its goals, plus secret objectives and ending bonuses."""

from __future__ import annotations

from collections.abc import Mapping

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


def goal_score(scenario: Scenario, seat: Seat, metrics: Mapping[str, float]) -> float:
    """The seat's points from its goals alone, given metric values."""
    total = sum(g.weight for g in seat.goals)
    from_start = counts_from_start(scenario)
    met = sum(
        g.weight * goal_fraction(scenario.metric(g.metric), g, metrics[g.metric], from_start)
        for g in seat.goals
    )
    return scenario.scoring.goal_points * met / total


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
