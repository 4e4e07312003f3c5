"""What each seat may see of the state: exact values, noisy estimates, or nothing."""

from __future__ import annotations

import random
from typing import Literal

from bot.game.scenario import Metric, Scenario
from bot.game.state import MatchState

Sight = Literal["exact", "noisy", "hidden"]


def sight(metric: Metric, seat_id: str | None) -> Sight:
    """How a seat sees a metric; ``None`` is the public (spectators and the public briefing)."""
    if metric.see == "all":
        return "exact"
    if seat_id is not None and seat_id in metric.see.exact:
        return "exact"
    if seat_id is not None and seat_id in metric.see.noisy:
        return "noisy"
    return "hidden"


def _noise_rng(seed: int, round_number: int, seat_index: int) -> random.Random:
    return random.Random((seed * 7_919 + round_number) * 131 + seat_index)


def seat_view(
    scenario: Scenario, state: MatchState, seat_id: str | None, seed: int
) -> dict[str, float | None]:
    """The metrics as the seat sees them this round (None where it cannot see).

    Noise is drawn from the match seed, the round and the seat, so a seat sees the same estimate
    every time it looks within a round, and the match still replays exactly.
    """
    seat_index = scenario.seat_ids.index(seat_id) if seat_id is not None else -1
    rng: random.Random | None = None
    view: dict[str, float | None] = {}
    for metric in scenario.metrics:
        how = sight(metric, seat_id)
        value = state.metrics[metric.id]
        if how == "exact":
            view[metric.id] = value
        elif how == "hidden" or metric.see == "all":
            view[metric.id] = None
        else:
            rng = rng or _noise_rng(seed, state.round, seat_index)
            noisy = value + rng.uniform(-metric.see.noise, metric.see.noise)
            view[metric.id] = round(min(max(noisy, metric.min), metric.max), 1)
    return view
