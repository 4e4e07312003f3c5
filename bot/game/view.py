"""What each seat may see of the state (exact values, noisy estimates, or nothing) and of the
moves (another seat's covert moves stay hidden until exposed)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Literal

from bot.game.rng import seeded
from bot.game.scenario import Metric, Scenario
from bot.game.state import MatchState, Record

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


def noise_rng(seed: int, round_number: int, seat_index: int) -> random.Random:
    """The generator of one seat's noisy estimates in one round."""
    return seeded((seed * 7_919 + round_number) * 131 + seat_index)


_noise_rng = noise_rng


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


COVERT = "covert"  # the source a hidden covert move's records show in its place


def secret_moves(
    scenario: Scenario, exposed: Iterable[str], viewer: str | None, *, over: bool = False
) -> frozenset[str]:
    """The covert moves ``viewer`` (a seat, or None for the public) may not see yet.

    A seat always sees its own covert moves; nobody's stay hidden once exposed or once the
    match is over (the debrief shows everything).
    """
    if over:
        return frozenset()
    found = scenario.memo("covert_moves")
    if "all" not in found:
        found["all"] = frozenset(m.id for m in scenario.moves if m.covert)
    covert: frozenset[str] = found["all"]
    if not covert:
        return covert
    shown = set(exposed)
    return frozenset(m for m in covert if m not in shown and scenario.move(m).seat != viewer)


def hide_covert(records: Iterable[Record], secret: frozenset[str]) -> list[Record]:
    """The records with the secret moves' orders dropped and their effects' source hidden."""
    if not secret:
        return list(records)
    kept: list[Record] = []
    for rec in records:
        if rec.source.startswith("move:") and rec.source[5:] in secret:
            if rec.kind == "order":
                continue
            rec = rec._replace(source=COVERT, seat=None)
        kept.append(rec)
    return kept
