"""Many seeded matches summed up: the figures ``levers simulate`` prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.game.debate import Tally
from bot.game.match import debate_tally, final_scores, match_seed, play_match
from bot.game.policies import Policy, ScriptPolicy
from bot.game.scenario import Scenario


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


class _Debate:
    """Debate points and forecasts per seat over many matches."""

    def __init__(self, seats: Sequence[str]) -> None:
        self.points: dict[str, list[float]] = {s: [] for s in seats}
        self.made = dict.fromkeys(seats, 0)
        self.hit = dict.fromkeys(seats, 0)

    def add(self, tally: Tally) -> None:
        for seat, points in self.points.items():
            points.append(tally.seat_points.get(seat, 0.0))
            self.made[seat] += tally.made.get(seat, 0)
            self.hit[seat] += tally.hit.get(seat, 0)

    def report(self) -> dict[str, Any]:
        return {
            seat: {
                "points": _summary(points),
                "forecasts": {"made": self.made[seat], "hit": self.hit[seat]},
            }
            for seat, points in self.points.items()
        }


def simulate(
    scenario: Scenario,
    matches: int,
    seed: int,
    policies: Callable[[], Mapping[str, Policy]] | None = None,
    rounds: int | None = None,
    rate: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Play ``matches`` matches (match i seeded from ``seed`` and i) and report on them.

    ``policies`` builds fresh policies for each match (scripts count their skipped moves).
    ``rate`` gives every argument of a seat the rating R (-1 .. 1), as if a room were convinced
    or not. The report has exactly the keys ``matches``, ``seats``, ``metrics``, ``moves``,
    ``endings``, ``skipped`` and ``debate``; the same arguments give the same report.
    """
    seat_scores: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    wins = dict.fromkeys(scenario.seat_ids, 0)
    finals: dict[str, list[float]] = {m.id: [] for m in scenario.metrics}
    moves = {m.id: 0 for m in scenario.moves}
    endings: dict[str, int] = {}
    skipped: dict[str, int] = {}
    debate = _Debate(scenario.seat_ids)
    for index in range(matches):
        chosen = dict(policies()) if policies else {}
        log = play_match(scenario, match_seed(seed, index), chosen, rounds, rate=rate)
        debate.add(debate_tally(scenario, log))
        table, top = final_scores(scenario, log)
        for seat, value in table.items():
            seat_scores[seat].append(value)
        for seat in top:
            wins[seat] += 1
        for metric, value in log.final.metrics.items():
            finals[metric].append(value)
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
    return {
        "matches": matches,
        "seats": {s: {"score": _summary(v), "wins": wins[s]} for s, v in seat_scores.items()},
        "metrics": {
            m.id: {"start": m.start, "final": _summary(finals[m.id])} for m in scenario.metrics
        },
        "moves": moves,
        "endings": dict(sorted(endings.items())),
        "skipped": dict(sorted(skipped.items())),
        "debate": debate.report(),
    }
