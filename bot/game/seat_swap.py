"""Seat-swap rematches: who moves to which seat, the AI's expected score per seat, and how each
player did in each seat against it.

A rematch replays a match's scenario with its seed, its players moved to other seats. Seats
differ in difficulty, so a player's score in a seat is read against the AI's **expected score
in that seat**: the mean score of the seat over ``matches`` matches with the AI in every seat
(seeds ``match_seed(seed, i)``, numbered as ``simulate`` numbers them). "+8.0" means eight
points better than the AI usually does there.

Pure: the random swap draws from its own ``random.Random`` seeded with the match's seed, never
from the global generator, so the same match gives the same swap.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.game.match import match_seed, play_match
from bot.game.scenario import Scenario
from bot.game.scoring import scores

SwapMode = Literal["rotate", "random"]
SWAP_MODES: tuple[SwapMode, ...] = ("rotate", "random")
EXPECTED_MATCHES = 40  # all-AI matches behind each seat's expected score
MAX_DRAWS = 1000  # a random derangement is found in e^1 ≈ 2.7 draws on average


def swap_seats(seats: Sequence[str], mode: SwapMode, seed: int) -> dict[str, str]:
    """Every seat mapped to the seat its players take in the rematch (a permutation).

    ``rotate``: each seat's players move to the next seat in scenario order (the last to the
    first). ``random``: a random permutation, drawn from ``seed``, in which no seat maps to
    itself. With a single seat nobody can move, and the seat maps to itself.
    """
    order = list(seats)
    if len(order) < 2:
        return {s: s for s in order}
    if mode == "rotate":
        return {s: order[(i + 1) % len(order)] for i, s in enumerate(order)}
    if mode != "random":
        raise ValueError(f"unknown swap {mode!r}: rotate or random")
    rng = random.Random(f"levers-seat-swap:{seed}")
    for _ in range(MAX_DRAWS):
        drawn = order[:]
        rng.shuffle(drawn)
        if all(a != b for a, b in zip(order, drawn, strict=True)):
            return dict(zip(order, drawn, strict=True))
    return {s: order[(i + 1) % len(order)] for i, s in enumerate(order)}  # never in practice


def expected_scores(
    scenario: Scenario, seed: int, rounds: int | None, matches: int = EXPECTED_MATCHES
) -> dict[str, float]:
    """Each seat's mean final score over ``matches`` matches with the AI in every seat."""
    totals = dict.fromkeys(scenario.seat_ids, 0.0)
    for index in range(matches):
        final = play_match(scenario, match_seed(seed, index), rounds=rounds).final
        for seat, value in scores(scenario, final).items():
            totals[seat] += value
    return {seat: round(total / max(matches, 1), 3) for seat, total in totals.items()}


@dataclass(frozen=True)
class SeatResult:
    """One player in one seat: the score, the AI's expected score there, and the gap."""

    seat: str
    score: float
    expected: float

    @property
    def relative(self) -> float:
        """How far above (or below) the AI's expected score in this seat."""
        return round(self.score - self.expected, 3)


@dataclass(frozen=True)
class PlayerSwap:
    """How one player did before the swap (``first``) and in the rematch (``second``)."""

    player: str
    name: str
    first: SeatResult | None
    second: SeatResult | None


def compare(
    first_seats: Mapping[str, Sequence[tuple[str, str]]],
    second_seats: Mapping[str, Sequence[tuple[str, str]]],
    first_scores: Mapping[str, float],
    second_scores: Mapping[str, float],
    expected: Mapping[str, float],
) -> list[PlayerSwap]:
    """Each player of either match (seat -> (player, name) holders at each match's end), with
    their results in both against the AI's expected score in the seat they held; players in
    order of their seat in the first match, then newcomers."""
    names: dict[str, str] = {}
    where: dict[str, list[str | None]] = {}
    for index, seating in enumerate((first_seats, second_seats)):
        for seat, holders in seating.items():
            for player, name in holders:
                names.setdefault(player, name)
                where.setdefault(player, [None, None])[index] = seat

    def result(seat: str | None, table: Mapping[str, float]) -> SeatResult | None:
        if seat is None or seat not in table or seat not in expected:
            return None
        return SeatResult(seat, table[seat], expected[seat])

    return [
        PlayerSwap(
            player,
            names[player],
            result(seats[0], first_scores),
            result(seats[1], second_scores),
        )
        for player, seats in where.items()
    ]
