"""The article as tests: each of GAME.md's eleven cause-and-effect claims, shown by simulation.

Every test plays the same seeded matches under two (or more) lines that differ only in the lever
the claim is about, and compares the distributions of outcomes with ``clearly_above``: the gap of
the means must clear ``SIGMAS`` standard errors computed from the samples, plus a minimum size.
Baseline: the AI plays every seat a test does not script (issue 12: the world answers), and the
arms of a test differ only in the seat or move under test; each docstring quotes the claim and
names its baseline. The figures and the commands that produce them are in docs/balance.md.
"""

from __future__ import annotations

from bot.game.match import MatchLog
from tests.content.lines import MAX_PRESSURE_US, RECOMMENDED_US
from tests.content.sim import (
    Sample,
    after_round,
    clearly_above,
    clearly_above_value,
    clearly_below_value,
    describe,
    final,
    not_clearly_above,
    sample,
    scenario,
    series,
    times_ordered,
)

MATCHES = 60  # per arm; the held seats leave only the rules' own chance as noise


def test_claim_1_threats_and_indictments_unite_the_regime() -> None:
    """Claim 1: "Military threats and drug indictments *raise* regime cohesion: officials and the
    armed forces unify against an outside enemy or a future in prison."
    """
    both_script = [["us.military_threat", "us.drug_indictments"]] * 2 + [[]]
    threat_script = [["us.military_threat"]] * 2 + [[]]
    threats = series({"us": both_script}, MATCHES, 101)
    threat_only = series({"us": threat_script}, MATCHES, 101)
    hold = series({"us": []}, MATCHES, 101)
    # Two quarters of threats (Q1-Q2 2021), measured at mid-2021, before the ceiling of 100.
    measure = after_round("regime_cohesion", 2)
    both, alone, none = (sample(s, measure) for s in (threats, threat_only, hold))
    assert clearly_above(both, none, min_gap=5), describe(
        "cohesion, threats+indictments vs hold", both, none
    )
    assert clearly_above(alone, none, min_gap=2), describe("cohesion, threats vs hold", alone, none)
    # Together they do more than the threat alone (the siege mentality).
    assert clearly_above(both, alone, min_gap=2), describe("cohesion, both vs threats", both, alone)


def test_claim_2_broad_sanctions_hit_people_more_than_the_regime() -> None:
    """Claim 2: "Broad economic sanctions hurt the population (humanitarian conditions) far more
    than regime cohesion."
    """
    sanctions = series({"us": [["us.oil_sanctions"]]}, MATCHES, 202)
    hold = series({"us": []}, MATCHES, 202)
    # Measured at mid-2021 (after round 2): with the sanctions already in force, humanitarian
    # conditions in a world where nobody acts head for the floor of 0 by the end of the year.
    humanitarian, cohesion = after_round("humanitarian", 2), after_round("regime_cohesion", 2)
    hum_hold, hum_sanc = (sample(s, humanitarian) for s in (hold, sanctions))
    coh_hold, coh_sanc = (sample(s, cohesion) for s in (hold, sanctions))
    assert clearly_above(hum_hold, hum_sanc, min_gap=3), describe(
        "humanitarian", hum_hold, hum_sanc
    )
    people_cost = hum_hold.mean - hum_sanc.mean
    regime_cost = coh_hold.mean - coh_sanc.mean
    # "Far more": at least three times the cost to the regime (if the regime loses anything).
    assert people_cost >= 3 * max(regime_cost, 0.0), (people_cost, regime_cost)


def test_claim_3_fuel_sanctions_cut_fuel_and_mobilization() -> None:
    """Claim 3: "Fuel sanctions cut fuel supply, and with it the people's capacity to mobilize."

    The fuel sanctions are in force at the start of 2021, so the opposite choice is lifting them.
    """
    enforce = series({"us": [["us.fuel_sanctions"]]}, MATCHES, 303)
    lift = series({"us": [["us.lift_fuel_sanctions"], []]}, MATCHES, 303)
    for metric, min_gap in (("fuel_supply", 10.0), ("mobilization", 4.0)):
        lifted, enforced = sample(lift, final(metric)), sample(enforce, final(metric))
        assert clearly_above(lifted, enforced, min_gap=min_gap), describe(metric, lifted, enforced)


def test_claim_4_undercutting_talks_on_the_defensive_backfires() -> None:
    """Claim 4: "Undercutting negotiations while the opposition's team has Maduro's on the
    defensive collapses negotiation momentum and weakens the opposition."

    "On the defensive" is momentum the opposition has built (rule ``rug_pulled``): exploratory
    talks under way (``talks_stage`` 1 or more), momentum of 30 or more, and the coalition at
    the table this quarter or the last. Undercutting then also sets the talks back a stage.
    Baseline: the AI in the other seats (civil society, the allies).

    Both sides and the facilitators are at the table every round; from round 3 (Mexico) the US
    either lets the talks run or undercuts them.
    """
    talks = {
        "guaido": [["guaido.join_talks"]],
        "maduro": [["maduro.join_talks"]],
        "eu_lima": [["eu_lima.facilitate_talks"]],
    }
    undercut = series({**talks, "us": [[], [], ["us.undercut_talks"]]}, MATCHES, 404)
    let_run = series({**talks, "us": []}, MATCHES, 404)
    for metric, min_gap in (
        ("negotiation", 15.0),
        ("opposition_unity", 5.0),
        ("guaido_support", 2.0),
    ):
        ran, cut = sample(let_run, final(metric)), sample(undercut, final(metric))
        assert clearly_above(ran, cut, min_gap=min_gap), describe(metric, ran, cut)
    # Momentum collapses: it ends below where it stood when the undercutting began.
    before = sample(undercut, after_round("negotiation", 2))
    after = sample(undercut, final("negotiation"))
    assert clearly_above(before, after, min_gap=5), describe("negotiation r2 vs end", before, after)


def test_claim_5_boycotts_cost_the_opposition() -> None:
    """Claim 5: "Boycotting elections costs the opposition voice, platform, mobilization and
    political space."

    Voice is Guaido's public support, platform the opposition's unity.
    """
    boycott = series({"guaido": [["guaido.boycott_elections"]]}, MATCHES, 505)
    run = series({"guaido": [["guaido.run_in_elections"]]}, MATCHES, 505)
    for metric in ("guaido_support", "opposition_unity", "mobilization", "political_space"):
        ran, stayed_out = sample(run, final(metric)), sample(boycott, final(metric))
        assert clearly_above(ran, stayed_out, min_gap=2), describe(metric, ran, stayed_out)


def test_claim_6_recognition_and_assets_make_abstention_look_affordable() -> None:
    """Claim 6: "Recognition and the foreign assets make abstention look affordable for the
    Guaido coalition (the 'government-in-exile' mirage)."

    The coalition is played by the AI, which sees what a boycott will cost when the November
    2021 vote comes (its look-ahead counts effects tied to a scheduled event, discounted).
    Baseline: the AI in every seat but the US, which either keeps recognising Guaido every
    quarter or withdraws recognition at once (and then holds). With recognition and the assets,
    the coalition boycotts far more often -- although the boycott costs the movement just as
    much (claim 5).
    """
    kept = series({"us": [["us.recognize_guaido"]]}, 2 * MATCHES, 606)
    withdrawn = series({"us": [["us.withdraw_recognition"], []]}, 2 * MATCHES, 606)
    high = sample(kept, times_ordered("guaido.boycott_elections"))
    low = sample(withdrawn, times_ordered("guaido.boycott_elections"))
    assert clearly_above(high, low), describe("boycotts per match", high, low)
    assert high.mean >= 2 * low.mean, describe("boycotts per match: not twice as many", high, low)


def test_claim_7_broad_engagement_unites_the_opposition() -> None:
    """Claim 7: "Engaging the broad opposition and civil society raises opposition unity."

    Baseline: the AI in every other seat. The US engages civil society every round or holds;
    then, with the US engaging, the EU and the Lima Group engage the broad opposition every
    round or facilitate talks instead (only the EU's choice differs).
    """
    us_engages = {"us": [["us.engage_civil_society"]]}
    engage = series({**us_engages, "eu_lima": [["eu_lima.engage_broad_opposition"]]}, MATCHES, 707)
    us_only = series({**us_engages, "eu_lima": [["eu_lima.facilitate_talks"]]}, MATCHES, 707)
    us_engage_alone = series(us_engages, MATCHES, 707)
    us_hold = series({"us": []}, MATCHES, 707)
    one, none = (sample(s, final("opposition_unity")) for s in (us_engage_alone, us_hold))
    both, us_alone = (sample(s, final("opposition_unity")) for s in (engage, us_only))
    assert clearly_above(one, none, min_gap=3), describe("unity, US engages vs holds", one, none)
    assert clearly_above(both, us_alone, min_gap=3), describe(
        "unity, EU engages vs facilitates", both, us_alone
    )


def test_claim_8_relief_works_only_when_traded_for_openings() -> None:
    """Claim 8: "Sanctions relief traded for reciprocated democratic openings widens political
    space and relieves the population; relief with no reciprocity does not."

    Baseline: the AI in every other seat. Unconditional easing (a general licence,
    ``us.ease_oil_sanctions``, every round) against the US holding: it relieves the population
    but buys no political space. Relief traded for openings (the US offers relief, Maduro offers
    guarantees, both every round) against the same openings with no relief from the US, and
    against unconditional easing: it buys political space as well.
    """
    ease = series({"us": [["us.ease_oil_sanctions"]]}, MATCHES, 808)
    hold = series({"us": []}, MATCHES, 808)
    guarantees = {"maduro": [["maduro.electoral_guarantees"]]}
    traded = series({"us": [["us.relief_for_openings"]], **guarantees}, MATCHES, 808)
    openings_only = series({"us": [], **guarantees}, MATCHES, 808)

    def arm(logs: list[MatchLog], metric: str) -> Sample:
        return sample(logs, final(metric))

    # Unconditional easing relieves the population ...
    eased, held = arm(ease, "humanitarian"), arm(hold, "humanitarian")
    assert clearly_above(eased, held, min_gap=3), describe(
        "humanitarian, ease vs hold", eased, held
    )
    # ... but buys no political space.
    eased, held = arm(ease, "political_space"), arm(hold, "political_space")
    assert not_clearly_above(eased, held, tolerance=1.0), describe(
        "political space, ease vs hold", eased, held
    )
    # Relief traded for openings buys political space and relief beyond the openings alone,
    for metric, min_gap in (("political_space", 3.0), ("humanitarian", 3.0)):
        t, o = arm(traded, metric), arm(openings_only, metric)
        assert clearly_above(t, o, min_gap=min_gap), describe(f"{metric}, traded vs openings", t, o)
    # and far more political space than easing with nothing asked in return.
    t, e = arm(traded, "political_space"), arm(ease, "political_space")
    assert clearly_above(t, e, min_gap=5), describe("political space, traded vs eased", t, e)


def test_claim_9_coordination_multiplies_pressure_and_calms_rivalry() -> None:
    """Claim 9: "Multilateral coordination makes pressure more effective and lowers geopolitical
    tension."

    Four arms: nothing, pressure alone (US oil sanctions, EU targeted sanctions), coordination
    alone (multilateral diplomacy, coordinating with Washington), and both. The effect of pressure
    on regime cohesion is measured against the arm that differs only by the pressure.
    """
    pressure = {"us": ["us.oil_sanctions"], "eu_lima": ["eu_lima.targeted_sanctions"]}
    coord = {"us": ["us.multilateral_diplomacy"], "eu_lima": ["eu_lima.coordinate_with_us"]}

    def line(*parts: dict[str, list[str]]) -> dict[str, list[list[str]]]:
        return {seat: [[m for part in parts for m in part[seat]]] for seat in ("us", "eu_lima")}

    arms = {
        "none": series({"us": [], "eu_lima": []}, MATCHES, 909),
        "pressure": series(line(pressure), MATCHES, 909),
        "coord": series(line(coord), MATCHES, 909),
        "both": series(line(pressure, coord), MATCHES, 909),
    }
    cohesion = {name: sample(logs, final("regime_cohesion")) for name, logs in arms.items()}
    lone_effect = cohesion["none"].mean - cohesion["pressure"].mean
    joint_effect = cohesion["coord"].mean - cohesion["both"].mean
    # Coordinated pressure dents cohesion, clear of the noise, and by more than pressure alone.
    assert clearly_above(cohesion["coord"], cohesion["both"], min_gap=3), describe(
        "cohesion, coordination vs coordinated pressure", cohesion["coord"], cohesion["both"]
    )
    assert joint_effect > lone_effect + 3, (joint_effect, lone_effect)
    # It also brings the regime to the table, which lone pressure does not.
    talks_both = sample(arms["both"], final("negotiation"))
    talks_alone = sample(arms["pressure"], final("negotiation"))
    assert clearly_above(talks_both, talks_alone, min_gap=3), describe(
        "negotiation", talks_both, talks_alone
    )
    # And Venezuela stops being a chip in the great-power rivalry.
    tension_alone = sample(arms["pressure"], final("tension"))
    tension_both = sample(arms["both"], final("tension"))
    assert clearly_above(tension_alone, tension_both, min_gap=5), describe(
        "tension", tension_alone, tension_both
    )


def test_claim_10_no_rescue_and_pushy_allies_bring_both_sides_to_the_table() -> None:
    """Claim 10: "The opposition negotiates more once the hope of US intervention is gone; Maduro
    negotiates more when his own allies press him to."

    The coalition and Maduro are played by the AI; the US or the allies pull the lever.
    """
    no_rescue = series({"guaido": "ai", "us": [["us.renounce_force"]]}, MATCHES, 1010)
    rescue = series({"guaido": "ai", "us": [["us.military_threat"]]}, MATCHES, 1010)
    talks_no, talks_yes = (
        sample(s, times_ordered("guaido.join_talks")) for s in (no_rescue, rescue)
    )
    assert clearly_above(talks_no, talks_yes), describe("opposition talks", talks_no, talks_yes)
    assert talks_no.mean >= 1.5 * talks_yes.mean, describe("not 1.5x", talks_no, talks_yes)

    pressed = series({"allies": [["allies.press_negotiation"]]}, MATCHES, 1011)
    free = series({"allies": []}, MATCHES, 1011)
    m_pressed, m_free = (sample(s, times_ordered("maduro.join_talks")) for s in (pressed, free))
    assert clearly_above(m_pressed, m_free), describe("Maduro talks", m_pressed, m_free)
    assert m_pressed.mean >= 1.5 * m_free.mean, describe(
        "Maduro talks: not 1.5x", m_pressed, m_free
    )
    n_pressed, n_free = (sample(s, final("negotiation")) for s in (pressed, free))
    assert clearly_above(n_pressed, n_free, min_gap=3), describe("negotiation", n_pressed, n_free)


def test_claim_11_changing_course_costs_in_florida_then_pays() -> None:
    """Claim 11: "Changing course carries a short-term domestic cost in Florida that visible
    progress repays."

    Baseline: the AI in every other seat, so progress has to be earned. The US either changes
    course (the article's recommendations) or stays it (the levers of the Trump years). The
    verdict is judged at whichever ending comes (the midterms, or an electoral agreement
    within reach), and the claim also holds for a version of the new course that spends no
    move on Florida at all (no outreach, no TPS).
    """
    quiet = [[m for m in moves if m != "us.latino_outreach"] for moves in RECOMMENDED_US]
    quiet_change = series({"us": [[*m, "us.back_talks"] for m in quiet]}, MATCHES, 1111)
    quiet_end = sample(quiet_change, final("us_standing"))
    assert clearly_above_value(quiet_end, scenario().metric("us_standing").start), str(quiet_end)
    change = series({"us": RECOMMENDED_US}, MATCHES, 1111, default="ai")
    stay = series({"us": MAX_PRESSURE_US}, MATCHES, 1111, default="ai")
    start = scenario().metric("us_standing").start
    early_change, early_stay = (sample(s, after_round("us_standing", 2)) for s in (change, stay))
    # The short-term cost: by mid-2021 the new course stands lower than the old one and than
    # where it started.
    assert clearly_above(early_stay, early_change, min_gap=5), describe(
        "standing after Q2 2021, stay vs change", early_stay, early_change
    )
    assert clearly_below_value(early_change, start, min_gap=3), str(early_change)
    # Visible progress repays: democratic space and relief come ...
    for metric in ("political_space", "humanitarian"):
        made, kept = sample(change, final(metric)), sample(stay, final(metric))
        assert clearly_above(made, kept, min_gap=5), describe(metric, made, kept)
    # ... and by the end the standing is back above where it started, well clear of its low.
    end = sample(change, final("us_standing"))
    low = Sample(tuple(min(r.state.metrics["us_standing"] for r in log.rounds) for log in change))
    assert clearly_above_value(end, start), f"end {end} vs start {start}"
    assert clearly_above(end, low, min_gap=10), describe("end vs low point", end, low)
