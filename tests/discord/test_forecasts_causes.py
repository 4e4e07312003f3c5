"""Transcripts: a forecast typed by a player in the argument form and checked in the reveal
(issue 13 §1); the reveal's All causes button; the causes a seat sees privately (issue 12 §4)."""

from __future__ import annotations

import re

from bot.game.view import hide_covert, secret_moves
from bot.render.narrative import causes
from bot.scenarios import read_scenario
from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.fake.payloads import FakeUser
from tests.discord.harness import Harness

DIPLOMACY = "us.multilateral_diplomacy"


async def _us_match(h: Harness, ana: FakeUser, rounds: int = 2) -> None:
    """Ana hosts the default scenario and plays the United States; the AI plays the rest."""
    await h.slash(ana, "match new", rounds=rounds, deadline=30)
    lobby = t.lobby(h)
    await h.click(ana, lobby, label="United States")
    await h.click(ana, lobby, label="Start")


def _causes_in_reveal(h: Harness, round_number: int) -> str:
    """The reveal's "why the numbers moved" embeds of one round."""
    return "\n".join(
        e.get("description") or ""
        for m in h.channel_messages(t.thread_id(h))
        for e in m.embeds
        if f"Round {round_number}" in (e.get("title") or "")
        and "why the numbers moved" in (e.get("title") or "")
    )


async def test_a_forecast_typed_in_the_argument_form_is_shown_and_checked_in_the_reveal(
    harness: Harness,
) -> None:
    h = harness
    scenario = read_scenario("venezuela-2021")[0]
    ana = h.user("Ana")
    await _us_match(h, ana)
    panel = await t.open_panel(h, ana)
    select = t.pick_select(panel)
    opened = await h.choose(ana, panel, str(select["custom_id"]), [DIPLOMACY])
    labels = [row.get("label") for row in opened.modal["components"]]
    assert labels[1:] == ["Forecast (optional): which metric?", "Forecast: which way, and by when?"]
    metrics = opened.modal["components"][1]["component"]["options"]
    offered = [o["value"] for o in metrics]
    assert "coordination" in offered and "regime_cohesion" in offered  # seen as an estimate
    assert not {m.id for m in scenario.metrics if m.bookkeeping} & set(offered)

    half = await h.submit(ana, opened, {"argument": "x", "forecast_metric": "coordination"})
    assert "needs both a metric and which way" in half.text  # refused, nothing added
    opened = await h.choose(ana, panel, str(select["custom_id"]), [DIPLOMACY])
    argued = "Partners who act together are harder to ignore."
    values = {"argument": argued, "forecast_metric": "coordination", "forecast_way": "up:0"}
    t.accepted(await h.submit(ana, opened, values))
    assert "forecast: International coordination ↑ up this round" in panel.text()

    later = {"argument": "Talks need time.", "forecast_metric": "negotiation"}
    opened = await h.choose(ana, panel, str(t.pick_select(panel)["custom_id"]), ["us.back_talks"])
    t.accepted(await h.submit(ana, opened, later | {"forecast_way": "up:1"}))

    t.accepted(await h.click(ana, panel, label="Submit"))
    thread = t.thread_id(h)
    reveal = "\n".join(m.text() for m in h.channel_messages(thread))
    assert argued in reveal
    assert (
        "• United States, Multilateral diplomacy: forecast: International coordination ↑ up "
        "this round: ✅ came true"
    ) in reveal
    talks = "forecast: Negotiation momentum ↑ up by the end of next round"
    assert f"• United States, Back the talks: {talks}: ⏳ checked next round" in reveal
    assert "Regime cohesion" not in _causes_in_reveal(h, 1)  # hidden from the public

    # Round 2: Orders first shows Ana what moved the metrics only her seat sees (issue 12 §4).
    shown = await h.click(ana, t.briefing(h), label="Orders")
    assert shown.ephemeral and len(shown.messages) == 2
    private = shown.messages[0].text()
    assert "What moved your metrics in Round 1 (Q1 2021)" in private
    cohesion = next(line for line in private.splitlines() if "**Regime cohesion**" in line)
    head, _, why = cohesion.partition("(your estimate): ")
    assert "≈" in head and why and ("↑" in why or "↓" in why)
    assert not re.search(r"[+-]\d+\.\d", why), f"an exact amount leaked: {cohesion}"
    assert "Only your seat sees this" in private
    seen = len(h.channel_messages(thread))
    await t.play_first_move(h, ana, "Round two.")
    second = "\n".join(m.text() for m in h.channel_messages(thread)[seen:])
    checked = f"• United States, Back the talks (made last round): {talks}: "
    assert checked + "✅ came true" in second or checked + "❌ missed" in second


async def test_the_reveal_s_all_causes_button_lists_every_public_cause_to_the_clicker(
    harness: Harness,
) -> None:
    h = harness
    scenario = read_scenario("venezuela-2021")[0]
    ana, ben = h.user("Ana"), h.user("Ben")
    await _us_match(h, ana)
    await t.play_first_move(h, ana, "One move.")
    thread = t.thread_id(h)
    short = _causes_in_reveal(h, 1).splitlines()
    assert 0 < len(short) <= 25, "the reveal keeps to about 25 lines of causes"
    [message] = [m for m in h.channel_messages(thread) if "why the numbers moved" in m.text()]
    # a sealed round's reveal also offers "Rate the arguments" (the later ratings, issue 13)
    labels = [c.get("label") for c in message.components()]
    assert labels[:1] == ["All causes"]  # (Rate the arguments is on the reveal's last message)

    shown = await h.click(ben, message, label="All causes")  # anyone on the server may ask
    assert shown.ephemeral
    full = shown.text
    result = await h.runtime.services.rounds.get(1, 1, SYSTEM)
    public = causes(
        scenario,
        hide_covert(result.records_of(1), secret_moves(scenario, result.state.exposed, None)),
        None,
    )
    listed = [line for line in full.splitlines() if line.startswith("• ")]
    assert len(listed) == len(public) > len(short), "one line a cause, every one of them"
    assert "every cause" in full
    assert "Regime cohesion" not in full, "the public list leaves out hidden metrics"
    assert full.count("**") >= 2 * len(short), "grouped by metric, net change first"
