"""Search every fixed line of a seat: ``python -m tests.content.search SEAT [SEAT...]``.

A fixed line plays the same affordable, non-contradictory move set every round. Each set is
played on ``FIRST`` matches against the AI in the other seats (the AI's own play in the seat on
the same seeds is the baseline); the best ``TOP`` are re-played on ``SECOND`` matches and printed
with their mean gain, standard error and mean + 2 se. tests/content/test_seats.py checks the best
ones found (its ``FIXED_LINES``).
"""

from __future__ import annotations

import itertools
import sys
from multiprocessing import Pool

from bot.game.match import final_scores
from tests.content.sim import Sample, ai_series, scenario, series

FIRST, SECOND, TOP = 8, 60, 8


def move_sets(seat: str) -> list[tuple[str, ...]]:
    """Every affordable move set of the seat without two moves that exclude each other."""
    scn = scenario()
    budget = scn.seat(seat).budget
    found = []
    for size in range(1, budget + 1):
        for combo in itertools.combinations(scn.moves_of(seat), size):
            ids = {m.id for m in combo}
            if sum(m.cost for m in combo) > budget:
                continue
            if any(scn.exclusions(m.id) & ids for m in combo):
                continue
            found.append(tuple(sorted(ids)))
    return found


def gain(job: tuple[str, tuple[str, ...], int]) -> Sample:
    """Points the set, played every round, gains over the AI in the seat."""
    seat, moves, matches = job
    scn = scenario()
    played = series({seat: [list(moves)]}, matches, 1)
    return Sample(
        tuple(
            final_scores(scn, h)[0][seat] - final_scores(scn, a)[0][seat]
            for h, a in zip(played, ai_series(matches, 1), strict=True)
        )
    )


def main(seats: list[str]) -> None:
    """Print the best fixed lines of each seat."""
    with Pool(2) as pool:
        for seat in seats:
            sets = move_sets(seat)
            first = pool.map(gain, [(seat, s, FIRST) for s in sets], chunksize=4)
            ranked = sorted(zip(sets, first, strict=True), key=lambda x: -x[1].mean)
            best = [s for s, _g in ranked[:TOP]]
            second = pool.map(gain, [(seat, s, SECOND) for s in best])
            for moves, g in sorted(zip(best, second, strict=True), key=lambda x: -x[1].mean):
                print(f"{seat} {g.mean:6.2f} se {g.se:.2f} ub {g.mean + 2 * g.se:6.2f} {moves}")


if __name__ == "__main__":
    main(sys.argv[1:] or list(scenario().seat_ids))
