"""The levers added in version 2 of the default scenario, each where the article speaks to it,
and the structure around them: talks in stages, contradictory moves, enough choices per seat.

Simulated comparisons put the AI in every seat but the one whose move is under test; the arms
differ only in that seat's script.
"""

from __future__ import annotations

from bot.game.engine import resolve_round, round_rng
from bot.game.legal import legal_moves
from bot.game.state import MatchState, Order, SeatOrders
from tests.content.sim import (
    after_round,
    clearly_above,
    describe,
    final,
    sample,
    scenario,
    series,
)

MATCHES = 24
CONTRADICTIONS = [
    ("guaido.boycott_elections", "guaido.run_in_elections"),
    ("maduro.walk_out", "maduro.join_talks"),
    ("maduro.walk_out", "maduro.partial_agreement"),
    ("us.lift_fuel_sanctions", "us.fuel_sanctions"),
    ("us.ease_oil_sanctions", "us.oil_sanctions"),
    ("us.renounce_force", "us.military_threat"),
    ("us.withdraw_recognition", "us.recognize_guaido"),
    ("us.undercut_talks", "us.back_talks"),
]


def start_state() -> MatchState:
    scn = scenario()
    start = {m.id: m.start for m in scn.metrics}
    return MatchState(
        round=1, last_round=scn.meta.rounds, metrics=dict(start), start=start, round_start=start
    )


def test_seats_with_few_choices_now_have_at_least_eight() -> None:
    scn = scenario()
    for seat in ("civil", "eu_lima", "allies"):
        assert len(scn.moves_of(seat)) >= 8, seat


def test_contradictory_moves_cannot_be_ordered_together() -> None:
    scn = scenario()
    for one, other in CONTRADICTIONS:
        assert other in scn.exclusions(one), (one, other)


def test_lifting_fuel_sanctions_stops_the_empty_pumps_in_the_same_round() -> None:
    """An event or rule that depends on the sanctions reads this round's lifting: "Empty pumps"
    does not fire in the quarter the fuel sanctions are lifted; "Fuel returns" does."""
    scn = scenario()
    orders = {"us": SeatOrders((Order("us.lift_fuel_sanctions"),))}
    result = resolve_round(scn, start_state(), orders, round_rng(1, 1))
    fired = {r.source for r in result.records if r.kind == "effect"}
    assert "interaction:fuel_squeeze" not in fired and "interaction:fuel_recovers" in fired


def test_talks_move_in_stages() -> None:
    """No partial agreement before exploratory talks; the electoral agreement needs stage 3."""
    scn = scenario()
    assert "maduro.partial_agreement" not in {
        m.id for m in legal_moves(scn, start_state(), "maduro")
    }
    assert (
        "talks_stage >= 3"
        in next(e for e in scn.endings if e.id == "electoral_agreement").condition
    )
    stages = scn.metric("talks_stage")
    assert (stages.min, stages.max, stages.bookkeeping) == (0, 3, True)


def test_a_partial_agreement_advances_the_talks_and_relieves_people() -> None:
    """A Mexico-style partial agreement (Maduro signs one each round it can) against Maduro
    joining the talks instead: the talks reach further and humanitarian conditions improve."""
    signs = series(
        {"maduro": [["maduro.partial_agreement", "maduro.join_talks"]]}, 2 * MATCHES, 1201
    )
    talks = series({"maduro": [["maduro.join_talks"]]}, 2 * MATCHES, 1201)
    for metric in ("talks_stage", "humanitarian"):
        a, b = sample(signs, final(metric)), sample(talks, final(metric))
        assert clearly_above(a, b, min_gap=0.5), describe(metric, a, b)


def test_civil_society_at_the_table_moves_the_talks() -> None:
    """Civil society "committed to a peaceful, political solution": at the table every round
    against documenting abuses instead, negotiation momentum ends higher. (Four times the
    usual sample: an electoral agreement ends a match early, which spreads the final momentum.)"""
    joins = series({"civil": [["civil.join_talks"]]}, 4 * MATCHES, 1202)
    other = series({"civil": [["civil.document_abuses"]]}, 4 * MATCHES, 1202)
    a, b = sample(joins, final("negotiation")), sample(other, final("negotiation"))
    assert clearly_above(a, b, min_gap=2), describe("negotiation", a, b)


def test_the_un_fund_relieves_the_population_at_the_assets_expense() -> None:
    """Frozen assets released into a UN-run fund: better humanitarian conditions, fewer assets
    in the coalition's hands, against the EU facilitating talks instead."""
    fund = series({"eu_lima": [["eu_lima.un_humanitarian_fund"]]}, 2 * MATCHES, 1203)
    own = series({"eu_lima": [["eu_lima.facilitate_talks"]]}, 2 * MATCHES, 1203)
    a, b = sample(fund, final("humanitarian")), sample(own, final("humanitarian"))
    assert clearly_above(a, b, min_gap=1), describe("humanitarian", a, b)
    # The money comes out of the assets: the same round, with and without the release.
    scn, state = scenario(), start_state()
    fund_orders = {"eu_lima": SeatOrders((Order("eu_lima.un_humanitarian_fund"),))}
    released = resolve_round(scn, state, fund_orders, round_rng(1, 1)).state
    kept = resolve_round(scn, state, {}, round_rng(1, 1)).state
    assert released.metrics["guaido_assets"] < kept.metrics["guaido_assets"]


def test_tps_pleases_florida() -> None:
    """Protected status for Venezuelans in the US: standing after Q1 2021 above holding."""
    tps = series({"us": [["us.tps_venezuelans"], []]}, MATCHES, 1204)
    hold = series({"us": []}, MATCHES, 1204)
    a, b = sample(tps, after_round("us_standing", 1)), sample(hold, after_round("us_standing", 1))
    assert clearly_above(a, b, min_gap=3), describe("standing", a, b)


def test_delistings_loosen_the_regime_and_help_the_talks() -> None:
    """The mirror of the indictments (claim 1): an exit for officials lowers cohesion and lifts
    negotiation, against indicting them."""
    delist = series({"us": [["us.delist_officials"]]}, MATCHES, 1205)
    indict = series({"us": [["us.drug_indictments"]]}, MATCHES, 1205)
    a, b = sample(indict, final("regime_cohesion")), sample(delist, final("regime_cohesion"))
    assert clearly_above(a, b, min_gap=3), describe("cohesion", a, b)
    a, b = sample(delist, final("negotiation")), sample(indict, final("negotiation"))
    assert clearly_above(a, b, min_gap=3), describe("negotiation", a, b)


def test_the_oil_licence_is_revocable() -> None:
    """Licensed, the company's oil flows every round; revoked, the flow stops."""
    scn = scenario()
    state = start_state()
    licence = {"us": SeatOrders((Order("us.chevron_licence"),))}
    state = resolve_round(scn, state, licence, round_rng(1, 1)).state
    assert state.metrics["chevron_licence"] == 100
    assert "us.revoke_licence" in {m.id for m in legal_moves(scn, state, "us")}
    revoke = {"us": SeatOrders((Order("us.revoke_licence"),))}
    state = resolve_round(scn, state, revoke, round_rng(1, 2)).state
    assert state.metrics["chevron_licence"] == 0
    assert "us.chevron_licence" in {m.id for m in legal_moves(scn, state, "us")}
