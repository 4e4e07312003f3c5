"""Many seeded matches summed up: the figures ``levers simulate`` prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.game.deals import credibility, deal_counts
from bot.game.match import debate_tally, final_scores, match_seed, play_match
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


def spread(values: Sequence[float]) -> dict[str, float]:
    """``{"mean", "p10", "p90"}`` of the values, rounded to 3 decimals."""
    mean = sum(values) / len(values) if values else 0.0
    return {
        "mean": round(mean, 3),
        "p10": round(_quantile(values, 0.1), 3),
        "p90": round(_quantile(values, 0.9), 3),
    }


@dataclass(frozen=True)
class MatchFigures:
    """What the report keeps of one simulated match (small, plain data: it crosses processes)."""

    scores: dict[str, float]
    winners: list[str]
    metrics: dict[str, float]
    moves: dict[str, int]
    ending: str
    skipped: dict[str, int]
    debate_points: dict[str, float]  # per seat, apart from the scores
    forecasts_made: dict[str, int]
    forecasts_hit: dict[str, int]
    outcome: float | None  # the scenario's shared outcome at the end (None: it has none)
    deals: dict[str, int]
    credibility: dict[str, float]


def play_one(
    scenario: Scenario,
    seed: int,
    index: int,
    policies: Mapping[str, Policy],
    rounds: int | None = None,
    rate: Mapping[str, float] | None = None,
) -> MatchFigures:
    """Play match ``index`` of a series seeded with ``seed`` (fresh ``policies``) and keep its
    figures; ``rate`` gives every argument of a seat the rating R (-1 .. 1)."""
    log = play_match(scenario, match_seed(seed, index), policies, rounds, rate=rate)
    debate = debate_tally(scenario, log)
    table, top = final_scores(scenario, log)
    moves: dict[str, int] = {}
    for played in log.rounds:  # the moves that ran (a conditional order may not have)
        for ran in played.state.history[played.round - 1].values():
            for move in ran:
                moves[move] = moves.get(move, 0) + 1
    skipped: dict[str, int] = {}
    for policy in policies.values():
        if isinstance(policy, ScriptPolicy):
            for move, count in policy.missed().items():
                skipped[move] = skipped.get(move, 0) + count
    return MatchFigures(
        table,
        top,
        dict(log.final.metrics),
        moves,
        log.final.ending or "none",
        skipped,
        dict(debate.seat_points),
        dict(debate.made),
        dict(debate.hit),
        outcome_score(scenario, log.final.metrics),
        deal_counts(log.final.deals),
        {s: credibility(scenario, log.final, s) for s in scenario.seat_ids},
    )


def tally(scenario: Scenario, figures: Iterable[MatchFigures]) -> dict[str, Any]:
    """The report of matches' figures, taken in the order given (match 0 first)."""
    seat_scores: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    wins = dict.fromkeys(scenario.seat_ids, 0)
    finals: dict[str, list[float]] = {m.id: [] for m in scenario.metrics}
    moves = {m.id: 0 for m in scenario.moves}
    endings: dict[str, int] = {}
    skipped: dict[str, int] = {}
    points: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    made = dict.fromkeys(scenario.seat_ids, 0)
    hit = dict.fromkeys(scenario.seat_ids, 0)
    outcomes: list[float] = []
    deals = deal_counts([])
    trust: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    count = 0
    for match in figures:
        count += 1
        for seat in scenario.seat_ids:
            points[seat].append(match.debate_points.get(seat, 0.0))
            made[seat] += match.forecasts_made.get(seat, 0)
            hit[seat] += match.forecasts_hit.get(seat, 0)
        for seat, value in match.scores.items():
            seat_scores[seat].append(value)
        for seat in match.winners:
            wins[seat] += 1
        for metric, value in match.metrics.items():
            finals[metric].append(value)
        for move, times in match.moves.items():
            moves[move] += times
        endings[match.ending] = endings.get(match.ending, 0) + 1
        for move, times in match.skipped.items():
            skipped[move] = skipped.get(move, 0) + times
        for status, times in match.deals.items():
            deals[status] += times
        for seat, value in match.credibility.items():
            trust[seat].append(value)
        if match.outcome is not None:
            outcomes.append(match.outcome)
    report: dict[str, Any] = {
        "matches": count,
        "seats": {
            s: {"score": spread(v), "wins": wins[s], "credibility": spread(trust[s])}
            for s, v in seat_scores.items()
        },
        "metrics": {
            m.id: {"start": m.start, "final": spread(finals[m.id])} for m in scenario.metrics
        },
        "moves": moves,
        "endings": dict(sorted(endings.items())),
        "skipped": dict(sorted(skipped.items())),
        "debate": {
            s: {"points": spread(points[s]), "forecasts": {"made": made[s], "hit": hit[s]}}
            for s in scenario.seat_ids
        },
        "deals": deals,
    }
    if scenario.outcome is not None:
        report["outcome"] = spread(outcomes)
    return report


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
    or not. The report has exactly the keys ``matches``, ``seats`` (score, wins, credibility),
    ``metrics``, ``moves``, ``endings``, ``skipped``, ``debate`` and ``deals``, and ``outcome``
    (the shared outcome's mean, p10 and p90) when the scenario defines one; the same arguments
    give the same report.
    """
    return tally(
        scenario,
        (
            play_one(scenario, seed, index, dict(policies()) if policies else {}, rounds, rate)
            for index in range(matches)
        ),
    )
