"""Many seeded matches summed up: the figures ``levers simulate`` prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.game.deals import credibility, deal_counts
from bot.game.match import final_scores, match_seed, play_match
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
    deals: dict[str, int]
    credibility: dict[str, float]


def play_one(
    scenario: Scenario,
    seed: int,
    index: int,
    policies: Mapping[str, Policy],
    rounds: int | None = None,
) -> MatchFigures:
    """Play match ``index`` of a series seeded with ``seed`` (fresh ``policies``) and keep its
    figures."""
    log = play_match(scenario, match_seed(seed, index), policies, rounds)
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
    final = log.final
    return MatchFigures(
        table,
        top,
        dict(final.metrics),
        moves,
        final.ending or "none",
        skipped,
        deal_counts(final.deals),
        {s: credibility(scenario, final, s) for s in scenario.seat_ids},
    )


def tally(scenario: Scenario, figures: Iterable[MatchFigures]) -> dict[str, Any]:
    """The report of matches' figures, taken in the order given (match 0 first)."""
    seat_scores: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    wins = dict.fromkeys(scenario.seat_ids, 0)
    finals: dict[str, list[float]] = {m.id: [] for m in scenario.metrics}
    moves = {m.id: 0 for m in scenario.moves}
    endings: dict[str, int] = {}
    skipped: dict[str, int] = {}
    deals = deal_counts([])
    trust: dict[str, list[float]] = {s: [] for s in scenario.seat_ids}
    count = 0
    for match in figures:
        count += 1
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
    return {
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
        "deals": deals,
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
    The report has exactly the keys ``matches``, ``seats`` (score, wins, credibility),
    ``metrics``, ``moves``, ``endings``, ``skipped`` and ``deals``; the same arguments give
    the same report.
    """
    return tally(
        scenario,
        (
            play_one(scenario, seed, index, dict(policies()) if policies else {}, rounds)
            for index in range(matches)
        ),
    )
