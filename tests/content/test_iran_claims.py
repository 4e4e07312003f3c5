"""The second built-in scenario, Iran 2013-2015: its own claims as tests, and its balance.

Each claim is the one written at the top of ``content/scenarios/iran-2013.yaml``. Every test
plays the same seeded matches under lines that differ only in the lever the claim is about; the
seats a test does not script are played by the AI (the baseline is the AI world, not an idle
one), so a claim holds only if it survives what the other five seats do about it. A difference
counts when it clears ``SIGMAS`` standard errors computed from the samples, plus a minimum size.
"""

from __future__ import annotations

from bot.game.match import MatchLog
from bot.game.scenario import Scenario
from bot.library.lint import lint
from tests.content.sim import (
    SCENARIOS,
    Line,
    after_round,
    builtin,
    clearly_above,
    clearly_below_value,
    describe,
    final,
    sample,
    series,
)

STEM = "iran-2013"
MATCHES = 60  # per arm


def iran() -> Scenario:
    """The scenario under test."""
    return builtin(STEM)


def ai_series_with(line: Line, matches: int, seed: int) -> list[MatchLog]:
    """Seeded matches of ``line``, with the AI in every seat it leaves out."""
    return series(line, matches, seed, default="ai", scn=iran())


def test_claim_a_b_a_freeze_for_relief_buys_time_and_pressure_alone_does_not() -> None:
    """Claims A and B: "sanctions brought Tehran to the table but did not stop the programme"
    and "a limited interim deal (a freeze for modest relief) lengthens breakout time and keeps
    the talks alive".

    Washington either keeps up pure pressure (enforcing sanctions, holding the six together,
    pressing on the military dimensions) or swaps the last for the offer of limited relief for a
    freeze; measured at mid-2014 (after round 4). Baseline: breakout time 20 (two or three
    months), economy 30, at the start.
    """
    pressure = [["us.enforce_sanctions", "us.consult_partners", "us.press_military_dimensions"]]
    offer = [["us.interim_offer", "us.consult_partners", "us.enforce_sanctions"]]
    squeezed = ai_series_with({"us": pressure}, MATCHES, 11)
    froze = ai_series_with({"us": offer}, MATCHES, 11)
    start = {m.id: m.start for m in iran().metrics}
    # Pressure alone squeezes the economy below where it started ...
    economy = sample(squeezed, after_round("iran_economy", 4))
    assert clearly_below_value(economy, start["iran_economy"], min_gap=3), str(economy)
    # ... but the freeze bought with relief leaves Iran much further from a bomb,
    for metric, min_gap in (("breakout_time", 8.0), ("negotiation", 5.0)):
        bought, alone = (sample(s, after_round(metric, 4)) for s in (froze, squeezed))
        assert clearly_above(bought, alone, min_gap=min_gap), describe(metric, bought, alone)
    # ... with a smaller programme.
    alone, bought = (sample(s, after_round("programme", 4)) for s in (squeezed, froze))
    assert clearly_above(alone, bought, min_gap=4), describe("programme", alone, bought)


def test_claim_c_new_sanctions_during_talks_strengthen_hardliners_and_split_the_six() -> None:
    """Claim C: "new sanctions passed during the talks strengthen Tehran's hardliners and split
    the P5+1".

    The congressional hawks pass a sanctions bill in round 1 (Q4 2013, while Geneva is under
    way) or play the same line without it. Baseline: the hardliners' sway 50 and the six powers'
    unity 65 at the start; measured after the rounds named below.
    """
    bill = [
        ["congress.new_sanctions_bill", "congress.hearings", "congress.ad_campaign"],
        ["congress.hearings", "congress.ad_campaign", "congress.open_letter"],
    ]
    no_bill = [
        ["congress.hearings", "congress.ad_campaign"],
        ["congress.hearings", "congress.ad_campaign", "congress.open_letter"],
    ]
    matches = 100  # the split of the six is a few points: more matches keep it clear of noise
    passed = ai_series_with({"congress": bill}, matches, 33)
    held = ai_series_with({"congress": no_bill}, matches, 33)
    hard_bill, hard_none = (
        sample(s, after_round("hardliner_influence", 2)) for s in (passed, held)
    )
    assert clearly_above(hard_bill, hard_none, min_gap=2), describe(
        "hardliners' sway after Q1 2014", hard_bill, hard_none
    )
    unity_none, unity_bill = (sample(s, after_round("p5_unity", 1)) for s in (held, passed))
    assert clearly_above(unity_none, unity_bill, min_gap=2), describe(
        "unity of the six after Q4 2013", unity_none, unity_bill
    )
    talks_none, talks_bill = (sample(s, after_round("negotiation", 1)) for s in (held, passed))
    assert clearly_above(talks_none, talks_bill, min_gap=3), describe(
        "negotiation after Q4 2013", talks_none, talks_bill
    )


def test_claim_d_relief_works_when_traded_and_costs_at_home_when_given_for_nothing() -> None:
    """Claim D: "relief traded for concessions builds trust and text; relief given for nothing
    costs the administration at home".

    Both arms: Washington offers relief for a freeze in round 1, then waives sanctions each
    round; Tehran freezes in round 1. Then Tehran either accepts limits each round or only
    manages its economy and sells the talks at home. Baseline: trust 12, no agreed text, 36
    senators opposed and standing 50 at the start.
    """
    us = [
        ["us.interim_offer", "us.consult_partners"],
        ["us.waive_sanctions", "us.consult_partners"],
    ]
    traded = [
        ["iran.freeze_programme", "iran.manage_economy"],
        ["iran.accept_limits", "iran.manage_economy"],
    ]
    pocketed = [
        ["iran.freeze_programme", "iran.manage_economy"],
        ["iran.manage_economy", "iran.sell_the_talks"],
    ]
    trade = ai_series_with({"us": us, "iran": traded}, MATCHES, 44)
    nothing = ai_series_with({"us": us, "iran": pocketed}, MATCHES, 44)
    for metric, min_gap in (("trust", 10.0), ("deal_text", 20.0), ("us_standing", 4.0)):
        t, n = sample(trade, final(metric)), sample(nothing, final(metric))
        assert clearly_above(t, n, min_gap=min_gap), describe(metric, t, n)
    opposed_nothing, opposed_trade = (sample(s, final("senate_opposed")) for s in (nothing, trade))
    assert clearly_above(opposed_nothing, opposed_trade, min_gap=3), describe(
        "senators opposed", opposed_nothing, opposed_trade
    )


def test_claim_e_threats_raise_the_risk_of_war_and_the_hardliners_without_buying_time() -> None:
    """Claim E: "threats of force raise the risk of war and the hardliners' sway without buying
    much time".

    Israel and Washington either add threats (a strike threat; all options on the table) to a
    line of intelligence sharing and consultation, or do not. Baseline: strike risk 35, the
    hardliners' sway 50 and breakout time 20 at the start.
    """
    threats = {
        "us": [["us.all_options", "us.consult_partners"]],
        "israel": [["israel.strike_threat", "israel.share_intelligence"]],
    }
    quiet = {"us": [["us.consult_partners"]], "israel": [["israel.share_intelligence"]]}
    threatened = ai_series_with(threats, MATCHES, 55)
    calm = ai_series_with(quiet, MATCHES, 55)
    risk_t, risk_c = (sample(s, final("strike_risk")) for s in (threatened, calm))
    assert clearly_above(risk_t, risk_c, min_gap=5), describe("strike risk", risk_t, risk_c)
    hard_t, hard_c = (sample(s, after_round("hardliner_influence", 2)) for s in (threatened, calm))
    assert clearly_above(hard_t, hard_c, min_gap=4), describe("hardliners' sway", hard_t, hard_c)
    # No time bought: breakout ends no longer -- in these rules, clearly shorter.
    out_c, out_t = (sample(s, final("breakout_time")) for s in (calm, threatened))
    assert clearly_above(out_c, out_t, min_gap=3), describe("breakout time", out_c, out_t)


def test_the_balance_lint_is_clean_and_every_seat_wins_its_share() -> None:
    """With the AI in every seat, ``levers validate --lint --matches 300 --seed 1`` has nothing
    to say, and every seat wins between half and twice its fair share of 1/6 (the lint splits a
    tie between the tied seats; docs/balance.md gives ``levers simulate``'s full wins).
    """
    path = SCENARIOS / f"{STEM}.yaml"
    raw = path.read_bytes()
    stats, found = lint(iran(), raw, matches=300, seed=1)
    assert [p.format(path.name) for p in found] == []
    fair = stats.fair_share
    shares = {seat: round(stats.win_share(seat), 3) for seat in iran().seat_ids}
    assert all(fair / 2 <= share <= 2 * fair for share in shares.values()), shares
    assert stats.endings.get("last_round", 0) > stats.matches / 2, stats.endings
