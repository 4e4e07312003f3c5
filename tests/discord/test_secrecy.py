"""Hidden information stays hidden: a scan of every public payload before the reveal finds no
order, no argument and no secret objective; private metrics show as hidden; player text is
escaped; and nothing pings anyone unless the bot means to."""

from __future__ import annotations

from bot.game.view import sight
from bot.scenarios import default_id, read_scenario
from tests.discord import transcript as t
from tests.discord.harness import Harness


async def test_no_order_or_secret_objective_is_public_before_the_reveal(harness: Harness) -> None:
    h = harness
    scenario, _raw, _path = read_scenario(default_id())
    players = [h.user(n) for n in ("Ana", "Ben", "Cleo")]
    await h.slash(players[0], "match new", rounds=1)
    lobby = t.lobby(h)
    for player, button in zip(players, lobby.components(), strict=False):
        await h.click(player, lobby, custom_id=button["custom_id"])
    await h.click(players[0], lobby, label="Start")

    secrets = [o.text for s in scenario.seats for o in s.objectives]
    chosen: list[str] = []
    for index, player in enumerate(players):
        panel = await t.open_panel(h, player)
        mine = scenario.seat(scenario.seat_ids[index])
        assert all(o.text in panel.text() for o in mine.objectives), "the seat sees its own"
        options = t.pick_select(panel)["options"]
        assert isinstance(options, list)
        chosen.append(f"SECRET-ARGUMENT-{index}")
        await t.add_move(h, player, panel, str(options[-1]["value"]), chosen[-1])
        if index < len(players) - 1:
            await h.click(player, panel, label="Submit")

    public = "\n".join(h.public_texts())
    for token in chosen + secrets:
        assert token not in public, f"{token!r} was public before the reveal"
    briefing = t.briefing(h).text()
    for metric in scenario.metrics:
        if sight(metric, None) == "hidden":
            assert f"{metric.name}: **hidden**" in briefing

    await h.click(players[-1], panel, label="Submit")
    public = "\n".join(h.public_texts())
    assert all(token in public for token in chosen), "the reveal shows every argument"


async def test_player_text_is_escaped_and_nobody_is_pinged_by_default(harness: Harness) -> None:
    h = harness
    ana = h.user("**Ana** @everyone")
    await h.slash(ana, "match new", rounds=1)
    lobby = t.lobby(h)
    await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
    described = lobby.embeds[0]["description"]  # labels are shown literally; embeds render
    assert "\\*\\*Ana\\*\\*" in described and "@everyone" not in described
    await h.click(ana, lobby, label="Start")
    panel = await t.open_panel(h, ana)
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(
        h,
        ana,
        panel,
        str(options[0]["value"]),
        "**loud** @here <@123456789012345678> [x](http://e.vil)",
    )
    await h.click(ana, panel, label="Submit")
    reveal = "\n".join(
        e.get("description") or "" for m in h.channel_messages(t.thread_id(h)) for e in m.embeds
    )
    assert "\\*\\*loud\\*\\*" in reveal and "@here" not in reveal
    assert "<@123456789012345678>" not in reveal and "\\[x" in reveal
    for request in h.http.requests:
        mentions = request.body.get("allowed_mentions") if isinstance(request.body, dict) else None
        if mentions is not None:
            assert mentions.get("parse") == [], "never @everyone, @here or role pings"
