"""Many seeded matches summed up: the figures ``levers simulate`` prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.game.match import final_scores, match_seed, play_match
from bot.game.policies import Policy, ScriptPolicy
from bot.game.scenario import Scenario
from bot.game.scoring import outcome_score


def _quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation (the same rule as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _summary(values: Sequence[float]) -> dict[str, float]:
    mean = sum(values) / len(values) if values else 0.0
    return {
        "mean": round(mean, 3),
        "p10": round(_quantile(values, 0.1), 3),
        "p90": round(_quantile(values, 0.9), 3),
    }


def simulate(
    scenario: Scenario,
    matches: int,
    seed: int,
    policies: Callable[[], Mapping[str, Policy]] | None = None,
    rounds: int | None = None,
) -> dict[str, Any]:
    """Play ``matches`` matches (match i seeded from ``seed`` and i) and report on them.

    ``policies`` builds fresh policies for each match (scripts count their skipped moves).
    The report has exactly the keys ``matches``, ``seats``, ``metrics``, ``moves``,
    ``endings`` and ``skipped``, and ``outcome`` (the shared outcome's mean, p10 and p90) when
    the scenario defines one; the same arguments give the same report.
    """
    seat_scores: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    wins = dict.fromkeys(scenario.seat_ids, 0)
    finals: dict[str, list[float]] = {m.id: [] for m in scenario.metrics}
    moves = {m.id: 0 for m in scenario.moves}
    endings: dict[str, int] = {}
    skipped: dict[str, int] = {}
    outcomes: list[float] = []
    for index in range(matches):
        chosen = dict(policies()) if policies else {}
        log = play_match(scenario, match_seed(seed, index), chosen, rounds)
        table, top = final_scores(scenario, log)
        for seat, value in table.items():
            seat_scores[seat].append(value)
        for seat in top:
            wins[seat] += 1
        for metric, value in log.final.metrics.items():
            finals[metric].append(value)
        outcome = outcome_score(scenario, log.final.metrics)
        if outcome is not None:
            outcomes.append(outcome)
        for played in log.rounds:
            for seat_orders in played.orders.values():
                for order in seat_orders.moves:
                    moves[order.move] += 1
        ending = log.final.ending or "none"
        endings[ending] = endings.get(ending, 0) + 1
        for policy in chosen.values():
            if isinstance(policy, ScriptPolicy):
                for move, count in policy.missed().items():
                    skipped[move] = skipped.get(move, 0) + count
    report: dict[str, Any] = {
        "matches": matches,
        "seats": {s: {"score": _summary(v), "wins": wins[s]} for s, v in seat_scores.items()},
        "metrics": {
            m.id: {"start": m.start, "final": _summary(finals[m.id])} for m in scenario.metrics
        },
        "moves": moves,
        "endings": dict(sorted(endings.items())),
        "skipped": dict(sorted(skipped.items())),
    }
    if scenario.outcome is not None:
        report["outcome"] = _summary(outcomes)
    return report
