"""Scripted lines of play for the default scenario, shared by the tests and docs/balance.md.

Each script lists the moves for rounds 1..8 (Q1 2021 .. Q4 2022); a move that is illegal when
its turn comes (a cooldown, an election that has passed) is skipped by ``ScriptPolicy``.
"""

from __future__ import annotations

from tests.content.sim import Line

# "Maximum pressure": the US levers of the Trump years, with the coalition's boycott.
MAX_PRESSURE_US = [
    ["us.recognize_guaido", "us.fuel_sanctions", "us.military_threat"],
    ["us.oil_sanctions", "us.drug_indictments", "us.push_boycott"],
    ["us.undercut_talks", "us.military_threat", "us.bluster"],
    ["us.push_boycott", "us.oil_sanctions", "us.drug_indictments"],
    ["us.recognize_guaido", "us.military_threat", "us.undercut_talks"],
    ["us.oil_sanctions", "us.bluster", "us.drug_indictments"],
    ["us.fuel_sanctions", "us.military_threat", "us.undercut_talks"],
    ["us.recognize_guaido", "us.bluster", "us.oil_sanctions"],
]
MAX_PRESSURE_GUAIDO = [
    ["guaido.boycott_elections", "guaido.appeal_intervention", "guaido.assembly_continuity"],
    ["guaido.boycott_elections", "guaido.fund_exile_government", "guaido.appeal_intervention"],
    ["guaido.boycott_elections", "guaido.assembly_continuity", "guaido.call_protests"],
    ["guaido.boycott_elections", "guaido.appeal_intervention", "guaido.fund_exile_government"],
    ["guaido.boycott_elections", "guaido.call_protests", "guaido.assembly_continuity"],
    ["guaido.fund_exile_government", "guaido.appeal_intervention", "guaido.call_protests"],
]

# The article's recommendations: lift the fuel sanctions at once, widen engagement, engage the
# government with democracy as the goal, relief for openings, multilateral diplomacy, take the
# allies' interests into account, drop the military option; the coalition takes part and talks.
RECOMMENDED_US = [
    ["us.lift_fuel_sanctions", "us.multilateral_diplomacy", "us.engage_civil_society"],
    ["us.renounce_force", "us.engage_government", "us.relief_for_openings"],
    ["us.back_talks", "us.relief_for_openings", "us.multilateral_diplomacy"],
    ["us.engage_allies", "us.relief_for_openings", "us.engage_civil_society"],
    ["us.renounce_force", "us.relief_for_openings", "us.latino_outreach"],
    ["us.back_talks", "us.relief_for_openings", "us.multilateral_diplomacy"],
    ["us.engage_allies", "us.relief_for_openings", "us.latino_outreach"],
    ["us.renounce_force", "us.relief_for_openings", "us.latino_outreach"],
]
RECOMMENDED_GUAIDO = [
    ["guaido.unity_platform", "guaido.join_talks", "guaido.run_in_elections"],
    ["guaido.run_in_elections", "guaido.join_talks", "guaido.unity_platform"],
    ["guaido.run_in_elections", "guaido.join_talks", "guaido.unity_platform"],
    ["guaido.run_in_elections", "guaido.join_talks", "guaido.unity_platform"],
    ["guaido.run_in_elections", "guaido.join_talks", "guaido.unity_platform"],
    ["guaido.join_talks", "guaido.unity_platform", "guaido.call_protests"],
]

MAX_PRESSURE: Line = {"us": MAX_PRESSURE_US, "guaido": MAX_PRESSURE_GUAIDO}
RECOMMENDED: Line = {"us": RECOMMENDED_US, "guaido": RECOMMENDED_GUAIDO}

# A strong line per seat: what a player who reads the rules can do against the AI in the other
# five seats (tests/content/test_balance.py shows each one finishes higher than the AI would).
STRONG_LINES: dict[str, list[list[str]]] = {
    # Trade relief for openings every quarter, take the use of force off the table, and tell
    # Florida about the progress.
    "us": [
        ["us.relief_for_openings", "us.renounce_force", "us.latino_outreach"],
        ["us.relief_for_openings", "us.latino_outreach", "us.multilateral_diplomacy"],
    ],
    # Divide the opposition, clear the streets and keep the officers close.
    "maduro": [["maduro.coopt_opposition", "maduro.repress_protests", "maduro.rally_military"]],
    # Hold on to the assets while rebuilding unity and keeping supporters on the street.
    "guaido": [["guaido.assembly_continuity", "guaido.call_protests", "guaido.unity_platform"]],
    # Relief and unity every quarter, no co-optation; press for a deal once the vote is past.
    "civil": [
        ["civil.humanitarian_relief", "civil.unify_platform", "civil.refuse_cooptation"],
        ["civil.humanitarian_relief", "civil.unify_platform", "civil.refuse_cooptation"],
        ["civil.humanitarian_relief", "civil.unify_platform", "civil.mobilize_sectors"],
    ],
    # Keep the talks facilitated and observers on offer, above all for the November 2021 vote.
    "eu_lima": [["eu_lima.facilitate_talks", "eu_lima.election_observers"]],
    # Push Maduro to a deal, keep the UN from meddling, and cut exposure.
    "allies": [["allies.press_negotiation", "allies.un_shield", "allies.scale_back"]],
}

# Several versions of each line, so that what the scores say does not hang on one script.
# Maximum pressure, sanctions first: the economic levers every quarter, recognition renewed.
MAX_PRESSURE_US_SANCTIONS = [
    ["us.oil_sanctions", "us.fuel_sanctions", "us.recognize_guaido"],
    ["us.oil_sanctions", "us.push_boycott", "us.bluster"],
]
# Maximum pressure, threats first: force, indictments and undercutting the talks.
MAX_PRESSURE_US_THREATS = [
    ["us.military_threat", "us.drug_indictments", "us.bluster"],
    ["us.military_threat", "us.undercut_talks", "us.drug_indictments"],
]
# The article's line with the new levers: fuel relief at once, TPS, an end to the mirage,
# delistings and a revocable licence as chips, relief traded for openings.
RECOMMENDED_US_LEVERS = [
    ["us.lift_fuel_sanctions", "us.tps_venezuelans", "us.multilateral_diplomacy"],
    ["us.withdraw_recognition", "us.engage_government", "us.relief_for_openings"],
    ["us.renounce_force", "us.delist_officials", "us.relief_for_openings"],
    ["us.back_talks", "us.relief_for_openings", "us.chevron_licence"],
    ["us.multilateral_diplomacy", "us.relief_for_openings", "us.engage_civil_society"],
]
# The article's line, diplomacy first: coordinate, engage everyone, back the talks.
RECOMMENDED_US_DIPLOMACY = [
    ["us.multilateral_diplomacy", "us.engage_civil_society", "us.lift_fuel_sanctions"],
    ["us.renounce_force", "us.engage_allies", "us.back_talks"],
    ["us.multilateral_diplomacy", "us.relief_for_openings", "us.back_talks"],
]
MAX_PRESSURE_US_VERSIONS = {
    "trump years": MAX_PRESSURE_US,
    "sanctions first": MAX_PRESSURE_US_SANCTIONS,
    "threats first": MAX_PRESSURE_US_THREATS,
}
RECOMMENDED_US_VERSIONS = {
    "article": RECOMMENDED_US,
    "new levers": RECOMMENDED_US_LEVERS,
    "diplomacy first": RECOMMENDED_US_DIPLOMACY,
}

# The coalition: cling to the assets and wait for a rescue, or run, talk and unite.
CLING_GUAIDO_VERSIONS = {
    "boycott years": MAX_PRESSURE_GUAIDO,
    "assets first": [
        ["guaido.assembly_continuity", "guaido.fund_exile_government", "guaido.appeal_intervention"]
    ],
    "boycott and wait": [
        ["guaido.boycott_elections", "guaido.appeal_intervention", "guaido.assembly_continuity"]
    ],
}
ARTICLE_GUAIDO_VERSIONS = {
    "article": RECOMMENDED_GUAIDO,
    "talk and unite": [["guaido.join_talks", "guaido.unity_platform", "guaido.run_in_elections"]],
    "run and march": [
        ["guaido.run_in_elections", "guaido.unity_platform", "guaido.call_protests"],
        ["guaido.run_in_elections", "guaido.join_talks", "guaido.call_protests"],
    ],
}
