"""GAME.md's two lines of play, as tests.

"The 'maximum pressure' line of play (the US levers of the Trump years, with the coalition's
boycott) must end, on average, with Maduro stronger and the opposition weaker than at the start;
the article's recommended line must end, on average, with a better democratic and humanitarian
outcome than maximum pressure."

The US and the Guaido coalition follow the scripts in ``lines.py``; the other four seats are
played by the AI in both arms, so the rest of the world answers each line as it sees fit.
"""

from __future__ import annotations

from functools import cache

from bot.game.match import MatchLog
from tests.content.lines import MAX_PRESSURE, RECOMMENDED
from tests.content.sim import (
    clearly_above,
    clearly_above_value,
    clearly_below_value,
    describe,
    final,
    not_clearly_above,
    sample,
    scenario,
    series,
)

MATCHES = 60
SEED = 2021


@cache
def max_pressure() -> list[MatchLog]:
    """The maximum-pressure arm (played once, shared by the tests below)."""
    return series(MAX_PRESSURE, MATCHES, SEED, default="ai")


@cache
def recommended() -> list[MatchLog]:
    """The recommended arm."""
    return series(RECOMMENDED, MATCHES, SEED, default="ai")


def test_maximum_pressure_leaves_maduro_stronger() -> None:
    """Maximum pressure "must end, on average, with Maduro stronger ... than at the start":
    his camp more cohesive and his public support higher.
    """
    for metric in ("regime_cohesion", "maduro_support"):
        ended = sample(max_pressure(), final(metric))
        start = scenario().metric(metric).start
        assert clearly_above_value(ended, start, min_gap=3), f"{metric}: {ended} vs start {start}"


def test_maximum_pressure_leaves_the_opposition_weaker() -> None:
    """Maximum pressure "must end, on average, with ... the opposition weaker than at the start":
    less united, with less political space and mobilization, and Guaido's support no higher.
    """
    for metric in ("opposition_unity", "political_space", "mobilization"):
        ended = sample(max_pressure(), final(metric))
        start = scenario().metric(metric).start
        assert clearly_below_value(ended, start, min_gap=5), f"{metric}: {ended} vs start {start}"
    support = sample(max_pressure(), final("guaido_support"))
    assert support.mean <= scenario().metric("guaido_support").start, str(support)


def test_recommended_line_beats_maximum_pressure_on_democracy_and_relief() -> None:
    """The recommended line "must end, on average, with a better democratic and humanitarian
    outcome than maximum pressure": more political space, more negotiation, more opposition
    unity, better humanitarian conditions and fuel supply.
    """
    for metric in (
        "political_space",
        "negotiation",
        "opposition_unity",
        "humanitarian",
        "fuel_supply",
    ):
        better = sample(recommended(), final(metric))
        worse = sample(max_pressure(), final(metric))
        assert clearly_above(better, worse, min_gap=5), describe(metric, better, worse)
    # And it does not buy that with a stronger regime.
    cohesion_rec = sample(recommended(), final("regime_cohesion"))
    cohesion_max = sample(max_pressure(), final("regime_cohesion"))
    assert not_clearly_above(cohesion_rec, cohesion_max, tolerance=0.0), describe(
        "regime_cohesion", cohesion_rec, cohesion_max
    )


def test_the_lines_end_where_the_article_says() -> None:
    """The endings the lines reach: maximum pressure ends in an opposition collapse more often
    than the recommended line, and the recommended line reaches a negotiated electoral agreement
    more often than maximum pressure.
    """

    def share(logs: list[MatchLog], ending: str) -> float:
        return sum(log.final.ending == ending for log in logs) / len(logs)

    assert share(max_pressure(), "opposition_collapse") > share(
        recommended(), "opposition_collapse"
    )
    assert share(recommended(), "electoral_agreement") > share(
        max_pressure(), "electoral_agreement"
    )
