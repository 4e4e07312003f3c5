"""Every scenario under content/scenarios loads through the validator, and the default scenario
keeps the ids that the rest of Levers (and issue 3) rely on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.game.legal import legal_moves
from bot.game.state import MatchState
from bot.game.validate import load_scenario_report
from tests.content.sim import SCENARIOS, scenario

SEATS = ["us", "maduro", "guaido", "civil", "eu_lima", "allies"]
METRICS = [
    "regime_cohesion",
    "maduro_support",
    "guaido_support",
    "unaligned",
    "opposition_unity",
    "humanitarian",
    "fuel_supply",
    "mobilization",
    "political_space",
    "negotiation",
    "coordination",
    "us_standing",
    "guaido_assets",
    "tension",
]
MOVES = {
    "us": [
        "recognize_guaido",
        "oil_sanctions",
        "fuel_sanctions",
        "lift_fuel_sanctions",
        "military_threat",
        "drug_indictments",
        "undercut_talks",
        "back_talks",
        "push_boycott",
        "engage_civil_society",
        "engage_government",
        "relief_for_openings",
        "multilateral_diplomacy",
        "engage_allies",
        "renounce_force",
        "bluster",
        "latino_outreach",
        "ease_oil_sanctions",
        "chevron_licence",
        "tps_venezuelans",
        "withdraw_recognition",
        "delist_officials",
    ],
    "maduro": [
        "coopt_opposition",
        "own_terms_elections",
        "join_talks",
        "walk_out",
        "electoral_guarantees",
        "repress_protests",
        "rally_military",
        "seek_lifeline",
        "blame_sanctions",
        "partial_agreement",
    ],
    "guaido": [
        "boycott_elections",
        "run_in_elections",
        "assembly_continuity",
        "fund_exile_government",
        "join_talks",
        "call_protests",
        "appeal_intervention",
        "unity_platform",
    ],
    "civil": [
        "humanitarian_relief",
        "unify_platform",
        "mobilize_sectors",
        "local_elections",
        "document_abuses",
        "refuse_cooptation",
        "join_talks",
    ],
    "eu_lima": [
        "engage_broad_opposition",
        "targeted_sanctions",
        "facilitate_talks",
        "fund_relief",
        "election_observers",
        "coordinate_with_us",
        "icc_referral",
        "un_humanitarian_fund",
    ],
    "allies": [
        "economic_lifeline",
        "security_support",
        "un_shield",
        "press_negotiation",
        "demand_relief",
        "scale_back",
    ],
}
CONTRACT_MOVES = [f"{seat}.{move}" for seat, moves in MOVES.items() for move in moves]
# Moves the real situation of early 2021 forbids in round 1 (each must say so in its
# description). A partial agreement needs exploratory talks first (talks in stages).
FORBIDDEN_IN_ROUND_1: dict[str, str] = {
    "maduro.partial_agreement": "Possible once exploratory talks have begun",
}


def scenario_files() -> list[Path]:
    """Every scenario file shipped with Levers."""
    return sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.name)
def test_every_scenario_file_validates(path: Path) -> None:
    """Each file loads through the validator (a ScenarioInvalid would fail the test)."""
    loaded, _warnings = load_scenario_report(path.read_bytes(), path.name)
    assert loaded.meta.id == path.stem, "a built-in scenario's id is its file name"


def test_default_scenario_has_no_warnings() -> None:
    """The default scenario loads without a single warning."""
    path = SCENARIOS / "venezuela-2021.yaml"
    _loaded, warnings = load_scenario_report(path.read_bytes(), path.name)
    assert [w.format(path.name) for w in warnings] == []


def test_default_scenario_metadata() -> None:
    """Eight quarterly rounds from Q1 2021 to Q4 2022, under the contracted id."""
    meta = scenario().meta
    assert meta.title == "Venezuela 2021: After Maximum Pressure"
    assert meta.rounds == 8
    assert meta.round_labels[0] == "Q1 2021" and meta.round_labels[-1] == "Q4 2022"


def test_contract_seats_and_metrics_exist() -> None:
    """The contract seats and metrics exist; every contract metric runs 0..100."""
    scn = scenario()
    assert [s for s in SEATS if s not in scn.seat_ids] == []
    ids = {m.id for m in scn.metrics}
    assert [m for m in METRICS if m not in ids] == []
    for metric_id in METRICS:
        metric = scn.metric(metric_id)
        assert (metric.min, metric.max) == (0.0, 100.0), metric.id


def test_support_shares_start_near_the_polls_and_sum_to_100() -> None:
    """Maduro under 15%, Guaido about 25%, the rest for no one; the shares balance on unaligned."""
    scn = scenario()
    maduro, guaido, unaligned = (
        scn.metric(m) for m in ("maduro_support", "guaido_support", "unaligned")
    )
    assert maduro.start < 15 and 20 <= guaido.start <= 30
    assert maduro.start + guaido.start + unaligned.start == 100
    assert maduro.balance == "unaligned" and guaido.balance == "unaligned"


def test_contract_moves_exist() -> None:
    """Every contract move id exists and belongs to its seat."""
    scn = scenario()
    ids = {m.id for m in scn.moves}
    assert [m for m in CONTRACT_MOVES if m not in ids] == []


def test_contract_moves_are_legal_in_round_1() -> None:
    """Every contract move can be ordered in round 1 unless documented as forbidden."""
    scn = scenario()
    start = {m.id: m.start for m in scn.metrics}
    state = MatchState(
        round=1, last_round=scn.meta.rounds, metrics=dict(start), start=start, round_start=start
    )
    legal = {m.id for seat in SEATS for m in legal_moves(scn, state, seat)}
    illegal = [m for m in CONTRACT_MOVES if m not in legal and m not in FORBIDDEN_IN_ROUND_1]
    assert illegal == []
    for move_id, reason in FORBIDDEN_IN_ROUND_1.items():
        assert reason in scn.move(move_id).description, move_id


def test_every_move_is_fully_written() -> None:
    """Each move has its real-world description, a prompt, the AI's argument, a consequence text
    (and a miss text where chance is involved) and a debrief note.
    """
    for move in scenario().moves:
        assert move.argument, move.id
        assert move.prompt != "Why will this work?", move.id
        assert move.debrief, move.id
        if any(e.chance < 1 for e in move.effects):
            assert move.text_miss, move.id
