"""Balance and play with the AI in every seat (issue 3, part 4).

The full figures (1,000 matches) are in docs/balance.md; these tests check the same properties
on the first ``MATCHES`` of those matches (match ``i`` has the same seed in both), which is
enough for every property to show and keeps the suite fast.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest

from bot.game.legal import legal_moves
from bot.game.match import MatchLog, final_scores
from bot.game.state import MatchState
from tests.content.lines import STRONG_LINES
from tests.content.sim import Sample, ai_series, scenario, series

MATCHES = 300
SEED = 1  # the seed of the documented 1,000-match run
HUMAN_MATCHES = 60
DOMINANT = 0.95  # a move chosen in this share of the rounds it was legal dominates its seat


def ai_matches() -> tuple[MatchLog, ...]:
    """The shared all-AI series."""
    return ai_series(MATCHES, SEED)


def test_no_seat_wins_more_than_twice_or_less_than_half_its_fair_share() -> None:
    """With the AI everywhere, every seat wins between 1/12 and 1/3 of the matches (ties count
    as a win for each tied seat, as in ``levers simulate``).
    """
    scn = scenario()
    wins: Counter[str] = Counter()
    for log in ai_matches():
        wins.update(final_scores(scn, log)[1])
    fair = 1 / len(scn.seat_ids)
    shares = {seat: wins[seat] / MATCHES for seat in scn.seat_ids}
    assert all(fair / 2 <= share <= 2 * fair for share in shares.values()), shares


def _pre_states(log: MatchLog) -> Sequence[MatchState]:
    """The state each round of the match started from."""
    return [log.start, *(played.state for played in log.rounds[:-1])]


def test_every_move_is_played_and_none_dominates() -> None:
    """Every move is played in some matches, and no move is chosen whenever it is legal."""
    scn = scenario()
    legal: Counter[str] = Counter()
    chosen: Counter[str] = Counter()
    for log in ai_matches():
        for state, played in zip(_pre_states(log), log.rounds, strict=True):
            for seat in scn.seat_ids:
                legal.update(m.id for m in legal_moves(scn, state, seat))
            for orders in played.orders.values():
                chosen.update(order.move for order in orders.moves)
    never = [m.id for m in scn.moves if chosen[m.id] == 0]
    assert never == [], "never played"
    share = {m.id: chosen[m.id] / legal[m.id] for m in scn.moves}
    dominant = {m: round(s, 3) for m, s in share.items() if s >= DOMINANT}
    assert dominant == {}, "chosen (nearly) whenever legal"


def test_every_ending_fires_and_the_last_round_is_the_most_common() -> None:
    """Each end condition ends some matches; most matches run to the US midterms (round 8)."""
    endings = Counter(log.final.ending for log in ai_matches())
    for ending in scenario().endings:
        assert endings[ending.id] > 0, (ending.id, endings)
    assert endings.most_common(1)[0][0] == "last_round", endings


def _rank(log: MatchLog, seat: str) -> float:
    """The seat's finishing place (1 = top score; a tie shares the places)."""
    table, _winners = final_scores(scenario(), log)
    mine = table[seat]
    above = sum(score > mine for score in table.values())
    tied = sum(score == mine for other, score in table.items() if other != seat)
    return 1 + above + tied / 2


def _wins(log: MatchLog, seat: str) -> float:
    """1 when the seat has the top score (alone or tied), else 0."""
    return float(seat in final_scores(scenario(), log)[1])


SMALL_MARGIN = 8.0  # points: what issue 12 allows a fixed line over the adaptive AI
# Seats where version 2 already gives the AI a real choice every round: their old strong line
# no longer beats the AI clearly (issue 12 wants this of every seat; the others are not done).
REAL_CHOICE = {"allies"}


def _gain(seat: str) -> tuple[Sample, Sample, Sample, Sample]:
    """Places and points the seat's fixed line gains over the AI, match by match, and wins."""
    scn = scenario()
    human = series({seat: STRONG_LINES[seat]}, HUMAN_MATCHES, SEED, default="ai")
    ai = ai_matches()[:HUMAN_MATCHES]
    pairs = list(zip(human, ai, strict=True))
    places = Sample(tuple(_rank(a, seat) - _rank(h, seat) for h, a in pairs))
    points = Sample(
        tuple(final_scores(scn, h)[0][seat] - final_scores(scn, a)[0][seat] for h, a in pairs)
    )
    won = Sample(tuple(_wins(h, seat) for h, _a in pairs))
    ai_won = Sample(tuple(_wins(a, seat) for _h, a in pairs))
    return places, points, won, ai_won


@pytest.mark.parametrize("seat", sorted(REAL_CHOICE))
def test_no_fixed_line_beats_the_ai_by_much_where_the_seat_has_a_real_choice(seat: str) -> None:
    """Issue 12: "no fixed line repeated every round may beat the adaptive AI in a seat by more
    than a small margin". Checked for the seats in ``REAL_CHOICE`` with their old strong line:
    it gains fewer than ``SMALL_MARGIN`` points on average over the AI in the same seat.
    """
    places, points, won, ai_won = _gain(seat)
    report = f"{seat}: places gained {places}; points gained {points}; wins {won} vs {ai_won}"
    assert points.mean < SMALL_MARGIN and places.mean < 1.0, report
