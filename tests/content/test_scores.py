"""What the scores say about the article's two lines, over several versions of each line.

Every arm scripts one seat (the US or the Guaido coalition) and leaves the other five to the AI,
so the baseline differs from the arm only in that seat's line. Versions of each line are in
``lines.py``; every pair of versions must agree, so the story does not hang on one script.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from bot.game.match import MatchLog, final_scores
from bot.game.scoring import outcome_score
from tests.content.lines import (
    ARTICLE_GUAIDO_VERSIONS,
    CLING_GUAIDO_VERSIONS,
    MAX_PRESSURE_US_VERSIONS,
    RECOMMENDED_US_VERSIONS,
)
from tests.content.sim import (
    Sample,
    clearly_above,
    describe,
    final,
    not_clearly_above,
    sample,
    scenario,
    series,
)

MATCHES = 30  # per version
SEED = 1212
COLLAPSE_CAP = 0.10  # no US line may end in regime collapse more often than this


# Other US lines that claim 9's review tried: coordinated pressure (sanctions with multilateral
# diplomacy every quarter) and diplomacy with no sanctions at all.
OTHER_US_LINES = {
    "coordinated pressure": [["us.oil_sanctions", "us.multilateral_diplomacy"]],
    "diplomacy, no sanctions": [["us.multilateral_diplomacy", "us.engage_government"]],
}


@cache
def us_line(name: str) -> list[MatchLog]:
    """The US follows the named version of a line; the AI plays the other five seats."""
    script = {**MAX_PRESSURE_US_VERSIONS, **RECOMMENDED_US_VERSIONS, **OTHER_US_LINES}[name]
    return series({"us": script}, MATCHES, SEED)


@cache
def guaido_line(name: str) -> list[MatchLog]:
    """The coalition follows the named version of a line; the AI plays the other five seats."""
    script = {**CLING_GUAIDO_VERSIONS, **ARTICLE_GUAIDO_VERSIONS}[name]
    return series({"guaido": script}, MATCHES, SEED)


def score(seat: str, logs: Sequence[MatchLog]) -> Sample:
    """The seat's final score in every match."""
    scn = scenario()
    return Sample(tuple(final_scores(scn, log)[0][seat] for log in logs))


def share(logs: Sequence[MatchLog], ending: str) -> float:
    """The share of matches that ended in ``ending``."""
    return sum(log.final.ending == ending for log in logs) / len(logs)


def test_maximum_pressure_leaves_maduro_at_least_as_well_off() -> None:
    """ "Maduro is stronger than he's ever been": under every version of maximum pressure Maduro
    scores at least as well, and ends with his camp at least as cohesive, as under every version
    of the article's line (the article's line is never clearly better for him). Baseline: the AI
    in the five other seats; only the US line differs.
    """
    for hard_name in MAX_PRESSURE_US_VERSIONS:
        for soft_name in RECOMMENDED_US_VERSIONS:
            hard, soft = us_line(hard_name), us_line(soft_name)
            label = f"{hard_name} vs {soft_name}"
            assert not_clearly_above(score("maduro", soft), score("maduro", hard), 0.0), describe(
                f"Maduro's score, {soft_name} vs {hard_name}",
                score("maduro", soft),
                score("maduro", hard),
            )
            cohesion_hard = sample(hard, final("regime_cohesion"))
            cohesion_soft = sample(soft, final("regime_cohesion"))
            assert not_clearly_above(cohesion_soft, cohesion_hard, 0.0), describe(
                f"cohesion, {label}", cohesion_hard, cohesion_soft
            )


def test_no_us_line_topples_maduro() -> None:
    """Claim 9 does not say coordinated sanctions topple Maduro: no US line (either version of
    either line, coordinated pressure, diplomacy without sanctions) ends in regime collapse in
    more than 10% of matches with the AI elsewhere.
    """
    for name in (*MAX_PRESSURE_US_VERSIONS, *RECOMMENDED_US_VERSIONS, *OTHER_US_LINES):
        collapsed = share(us_line(name), "regime_collapse")
        assert collapsed <= COLLAPSE_CAP, (name, collapsed)


def test_the_article_line_ends_in_agreement_far_more_often() -> None:
    """Coordination "strengthens a negotiated path": every version of the article's line ends in
    an electoral agreement at least three times as often as any version of maximum pressure, and
    in at least a fifth of matches.
    """
    worst_soft = min(share(us_line(n), "electoral_agreement") for n in RECOMMENDED_US_VERSIONS)
    best_hard = max(share(us_line(n), "electoral_agreement") for n in MAX_PRESSURE_US_VERSIONS)
    assert worst_soft >= 0.2 and worst_soft >= 3 * best_hard, (worst_soft, best_hard)


def test_guaido_scores_better_running_talking_and_uniting() -> None:
    """The coalition scores clearly better following the article (run, talk, unite) than clinging
    to the assets and hoping for rescue, for every pair of versions. Baseline: the AI in the
    five other seats; only the coalition's line differs.
    """
    for cling_name in CLING_GUAIDO_VERSIONS:
        for article_name in ARTICLE_GUAIDO_VERSIONS:
            article = score("guaido", guaido_line(article_name))
            cling = score("guaido", guaido_line(cling_name))
            assert clearly_above(article, cling, min_gap=5), describe(
                f"Guaido's score, {article_name} vs {cling_name}", article, cling
            )


def outcome(logs: Sequence[MatchLog]) -> Sample:
    """Venezuela's outcome (the scenario's shared ``outcome``) at the end of every match."""
    scn = scenario()
    values = (outcome_score(scn, log.final.metrics) for log in logs)
    return Sample(tuple(v for v in values if v is not None))


def test_the_article_line_beats_maximum_pressure_on_venezuelas_outcome() -> None:
    """The shared outcome (political space, humanitarian conditions, negotiation) ends at least
    20 points higher under every version of the article's line than under every version of
    maximum pressure. Baseline: the AI in the five other seats; only the US line differs.
    """
    for soft_name in RECOMMENDED_US_VERSIONS:
        for hard_name in MAX_PRESSURE_US_VERSIONS:
            soft, hard = outcome(us_line(soft_name)), outcome(us_line(hard_name))
            assert clearly_above(soft, hard, min_gap=20), describe(
                f"outcome, {soft_name} vs {hard_name}", soft, hard
            )
