"""Every seat worth playing, and none played best by rote (issue 12, section 4).

"No fixed line repeated every round may beat the adaptive AI in a seat by more than a small
margin ... Playing the US must matter about as much as playing any other seat."

Baseline for both: the AI in the other five seats, on the same seeds as the shared all-AI series
(match ``i`` of every arm has the same seed), so a difference is the seat's play alone.

The fixed lines tried per seat (``FIXED_LINES``) are the best move sets found by an exhaustive
search over every affordable, non-contradictory set of a seat's moves repeated every round
(``python -m tests.content.search SEAT``: 8 matches a set, the best re-played on 60). The lines
that won before repeated moves gave less, and the docs' old "strong lines", are replayed by
``python -m tests.content.figures seats`` (``RETIRED_LINES``), not here.
"""

from __future__ import annotations

from functools import cache

import pytest

from bot.game.match import MatchLog, final_scores
from tests.content.lines import STRONG_LINES
from tests.content.sim import Sample, ai_series, scenario, series

MATCHES = 60
SEED = 1  # the all-AI series of test_balance.py: its first MATCHES matches are shared
SMALL_MARGIN = 8.0  # points: the most a fixed line may gain over the AI, upper bound included
CONFIDENCE = 2.0  # standard errors added to the mean gain before it is held to SMALL_MARGIN

FIXED_LINES: dict[str, list[list[str]]] = {
    # Per seat, the best line of the search on the current rules (60 matches, seed 1); the test
    # replays these. The runners-up are within a point of them (docs/balance.md).
    "us": [["us.chevron_licence", "us.lift_fuel_sanctions", "us.renounce_force"]],
    "maduro": [["maduro.blame_sanctions", "maduro.coopt_opposition", "maduro.repress_protests"]],
    "guaido": [["guaido.call_protests", "guaido.join_talks", "guaido.unity_platform"]],
    "civil": [["civil.humanitarian_relief", "civil.join_talks", "civil.unify_platform"]],
    "eu_lima": [["eu_lima.election_observers", "eu_lima.un_humanitarian_fund"]],
    "allies": [["allies.guarantee_deal", "allies.press_negotiation", "allies.scale_back"]],
}
# The best lines before issue 12's third pass made repeated moves give less (they beat the AI by
# 7 to 12 points then); ``python -m tests.content.figures seats`` replays them with the docs'
# old "strong lines" (``lines.STRONG_LINES``). Not replayed by the test, to keep its CPU time.
RETIRED_LINES: dict[str, list[list[str]]] = {
    "us": [["us.relief_for_openings", "us.renounce_force", "us.latino_outreach"]],
    "maduro": [
        ["maduro.coopt_opposition", "maduro.own_terms_elections", "maduro.repress_protests"]
    ],
    "guaido": [["guaido.assembly_continuity", "guaido.call_protests", "guaido.unity_platform"]],
    "civil": [["civil.humanitarian_relief", "civil.join_talks", "civil.refuse_cooptation"]],
    "eu_lima": [["eu_lima.election_observers", "eu_lima.icc_referral"]],
    "allies": [["allies.press_negotiation", "allies.quiet_credit", "allies.scale_back"]],
}


def ai_matches() -> tuple[MatchLog, ...]:
    """The AI in every seat (shared with test_balance.py)."""
    return ai_series(300, SEED)[:MATCHES]


def _score(log: MatchLog, seat: str) -> float:
    return final_scores(scenario(), log)[0][seat]


@cache
def _gain_over_ai(seat: str, line: tuple[tuple[str, ...], ...]) -> Sample:
    """Points the line gains over the AI in the seat, match by match (paired by seed)."""
    played = series({seat: line}, MATCHES, SEED, default="ai")
    return Sample(
        tuple(_score(h, seat) - _score(a, seat) for h, a in zip(played, ai_matches(), strict=True))
    )


@cache
def _gain_over_idle(seat: str) -> Sample:
    """Points the AI in the seat gains over the same seat holding (no moves), match by match."""
    held = series({seat: "hold"}, MATCHES, SEED, default="ai")
    return Sample(
        tuple(_score(a, seat) - _score(h, seat) for a, h in zip(ai_matches(), held, strict=True))
    )


def _lines(seat: str) -> list[tuple[tuple[str, ...], ...]]:
    return [(tuple(line),) for line in FIXED_LINES[seat]]


def retired_lines(seat: str) -> list[tuple[tuple[str, ...], ...]]:
    """The lines that beat the AI before the third pass, and the docs' old strong lines."""
    old = [(tuple(line),) for line in RETIRED_LINES[seat]]
    strong = tuple(tuple(moves) for moves in STRONG_LINES[seat])
    return [line for line in dict.fromkeys([*old, strong]) if line not in _lines(seat)]


# Every seat meets the rule since issue 12's third pass (repeated moves give less; see the
# rules' comments in the scenario and docs/balance.md).
PASSING = ["us", "maduro", "guaido", "civil", "eu_lima", "allies"]


@pytest.mark.parametrize("seat", PASSING)
def test_no_fixed_line_beats_the_ai_by_more_than_a_small_margin(seat: str) -> None:
    """Issue 12: "No fixed line repeated every round may beat the adaptive AI in a seat by more
    than a small margin": for each line tried, the mean gain over the AI plus ``CONFIDENCE``
    standard errors stays under ``SMALL_MARGIN`` points.
    """
    gains = {line: _gain_over_ai(seat, line) for line in _lines(seat)}
    report = "; ".join(f"{line}: {gain}" for line, gain in gains.items())
    assert all(g.mean + CONFIDENCE * g.se < SMALL_MARGIN for g in gains.values()), report


US_SHARE = 2 / 3  # the US's gain from being played, as a share of the other seats' mean gain


def test_playing_the_us_matters_about_as_much_as_playing_another_seat() -> None:
    """Issue 12: "Playing the US must matter about as much as playing any other seat." The AI's
    gain over an idle US (no moves), less ``CONFIDENCE`` standard errors, is at least
    ``US_SHARE`` of the other five seats' mean gain over their idle selves (paired by seed).
    """
    gains = {seat: _gain_over_idle(seat) for seat in scenario().seat_ids}
    others = [g.mean for seat, g in gains.items() if seat != "us"]
    needed = US_SHARE * sum(others) / len(others)
    us = gains["us"]
    report = "; ".join(f"{seat}: {gain}" for seat, gain in gains.items())
    assert us.mean - CONFIDENCE * us.se >= needed, f"US needs {needed:.2f}; {report}"
