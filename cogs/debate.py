"""The open debate's controls on the intentions: rate, Answer (a form), Umpire, Done.

Who rates for which seat comes from who clicks (a seat's player for that seat, anyone else as a
spectator), never from the custom_id; the round in the custom_id must be the one whose window
is open, so a late click is refused politely and nothing is counted.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.discord import render_debate
from bot.discord.components import Given, router_of
from bot.discord.early import THINKING_PRIVATELY
from bot.discord.ids import Route
from bot.discord.replies import respond
from bot.discord.runtime import runtime_of
from bot.discord.who import actor
from bot.services.errors import InvalidInput

Interaction = discord.Interaction[Any]
CLOSED = "✅ Every seat is done: the debate is closed and the round resolved. The reveal follows."


def _ids(route: Route) -> tuple[int, int, str]:
    if route.match is None or route.round is None:
        raise InvalidInput("that control names no round")
    return route.match, route.round, route.arg or ""


def _value(given: Given) -> int:
    try:
        return int(given.values[0]) if len(given.values) == 1 else 99
    except ValueError:
        return 99  # refused by the service as out of range


async def rate(interaction: Interaction, route: Route, given: Given) -> None:
    """A rating chosen in a move's select."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, move = _ids(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    done = await runtime.services.debate.rate(match_id, round_number, who, move, _value(given))
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    text = render_debate.rated_text(scenario, done.move, done.value, done.rater, done.changed)
    await respond(interaction, text)


async def counter(interaction: Interaction, route: Route, given: Given) -> None:
    """The Answer button: the counter-argument form (a modal must be the first response)."""
    match_id, round_number, move = _ids(route)
    scenario = await runtime_of(interaction.client).services.scenarios.of_match(
        match_id, actor(interaction)
    )
    found = next((m for m in scenario.moves if m.id == move), None)
    if found is None:
        raise InvalidInput("that move is not in this scenario")
    modal = render_debate.CounterModal(match_id, round_number, move, found.name)
    await interaction.response.send_modal(modal)


async def countered(interaction: Interaction, route: Route, given: Given) -> None:
    """The counter-argument form sent: stored, then posted in the match thread."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, move = _ids(route)
    text = given.fields.get(render_debate.COUNTER_FIELD, "")
    runtime = runtime_of(interaction.client)
    await runtime.services.debate.counter(match_id, round_number, actor(interaction), move, text)
    await respond(interaction, "Your counter-argument is posted in the match thread.")


async def umpire(interaction: Interaction, route: Route, given: Given) -> None:
    """The Umpire button: a moderator gets a ruling select per move of that seat."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, seat = _ids(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    await runtime.services.debate.may_umpire(match_id, who)
    debate = await runtime.services.debate.view(match_id, round_number, who)
    locked = debate.intentions.get(seat)
    if locked is None or not locked.orders.moves:
        raise InvalidInput("that seat has no moves this round")
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    text, view = render_debate.umpire_panel(scenario, match_id, round_number, locked.orders.moves)
    await interaction.followup.send(text, view=view, ephemeral=True)


async def ruling(interaction: Interaction, route: Route, given: Given) -> None:
    """A ruling chosen in the umpire's select."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, move = _ids(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    value = _value(given)
    await runtime.services.debate.umpire(match_id, round_number, who, move, value)
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    name = scenario.move(move).name
    text = f"You ruled on **{name}**: {render_debate.VALUE_TEXT.get(str(value), value)}."
    await respond(interaction, text)


async def done(interaction: Interaction, route: Route, given: Given) -> None:
    """Done: the clicker's seat has finished rating; the last seat's Done closes the window."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, _arg = _ids(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    seat, resolved = await runtime.services.debate.done(match_id, round_number, who)
    if resolved is not None:
        await respond(interaction, CLOSED)
        return
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    name = scenario.seat(seat).name
    await respond(interaction, f"{name} is done; the debate closes when every seat is.")


async def later(interaction: Interaction, route: Route, given: Given) -> None:
    """The reveal's Rate button (sealed debate): a page of rating selects, privately."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, arg = _ids(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    moves = await runtime.services.debate.later(match_id, round_number, who)
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    page = int(arg) if arg.isdigit() else 0
    text, view = render_debate.later_panel(scenario, match_id, round_number, moves, page)
    await respond(interaction, text, view=view)


async def rate_after(interaction: Interaction, route: Route, given: Given) -> None:
    """A rating chosen after a sealed round's reveal (debate points only)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, move = _ids(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    debate = runtime.services.debate
    done = await debate.rate_after(match_id, round_number, who, move, _value(given))
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    text = render_debate.rated_text(scenario, done.move, done.value, done.rater, done.changed)
    await respond(interaction, text.replace("until the debate closes", "until the next round"))


async def close(interaction: Interaction, route: Route, given: Given) -> None:
    """Close the debate early (the host or a moderator): the round resolves now."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, _arg = _ids(route)
    await runtime_of(interaction.client).services.debate.close(
        match_id, round_number, actor(interaction)
    )
    await respond(interaction, "The debate is closed and the round resolved. The reveal follows.")


# Short action names: with a 12-digit match number and the longest move id a scenario allows
# (73 characters), ``lv:m:…:r:20:ACT:MOVE`` must fit Discord's 100 characters (as ``arg`` does).
ACTIONS = {
    "rt": rate,
    "ans": counter,
    "anm": countered,
    "ump": umpire,
    "rul": ruling,
    "dne": done,
    "cls": close,
    "lat": later,
    "rta": rate_after,
}


# Every action but ``ans`` (which opens a modal after a read) answers privately at once.
EARLY = {action: THINKING_PRIVATELY for action in ACTIONS if action != "ans"}


async def setup(bot: commands.Bot) -> None:
    """Route the debate's controls."""
    router = router_of(bot)
    for action, handler in ACTIONS.items():
        router.add(action, handler, EARLY.get(action))


async def teardown(bot: commands.Bot) -> None:
    """Stop routing them."""
    for action in ACTIONS:
        router_of(bot).remove(action)
