"""The lobby's buttons: take or leave a seat, Start, Watch (also on each briefing).

Each parses, calls one service, renders."""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.discord import render_match
from bot.discord.components import Given, router_of
from bot.discord.early import DEFER, THINKING_PRIVATELY
from bot.discord.ids import Route
from bot.discord.runtime import runtime_of
from bot.discord.who import actor
from bot.services.errors import InvalidInput


def _match_id(route: Route) -> int:
    if route.match is None:
        raise InvalidInput("that button names no match")
    return route.match


async def _show(interaction: discord.Interaction[Any], match_id: int) -> None:
    """Redraw the lobby message the button is on."""
    runtime, who = runtime_of(interaction.client), actor(interaction)
    match = await runtime.services.matches.get(match_id, who)
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    embeds, view = render_match.lobby(scenario, match)
    await interaction.edit_original_response(embeds=embeds, view=view)


async def seat(interaction: discord.Interaction[Any], route: Route, given: Given) -> None:
    """Take the seat, or leave it when it is already yours."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    match_id, who = _match_id(route), actor(interaction)
    mine = await runtime.services.matches.seat_of(match_id, who)
    if mine == route.arg:
        await runtime.services.matches.leave(match_id, who)
    else:
        await runtime.services.matches.take_seat(match_id, who, route.arg or "")
    await _show(interaction, match_id)


async def leave(interaction: discord.Interaction[Any], route: Route, given: Given) -> None:
    """Leave whatever seat the player holds in this lobby."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    match_id = _match_id(route)
    await runtime.services.matches.leave(match_id, actor(interaction))
    await _show(interaction, match_id)


async def start(interaction: discord.Interaction[Any], route: Route, given: Given) -> None:
    """Start the match (host or moderator): empty seats go to the AI or hold; a thread opens."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    match_id = _match_id(route)
    await runtime.services.matches.start(match_id, actor(interaction))
    await _show(interaction, match_id)


async def watch(interaction: discord.Interaction[Any], route: Route, given: Given) -> None:
    """Watch the match as a spectator (on the lobby or a briefing), or stop watching."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    runtime = runtime_of(interaction.client)
    match_id = _match_id(route)
    watching = await runtime.services.matches.watch(match_id, actor(interaction))
    thread = await runtime.threads.of_match(match_id)
    if thread is not None and watching:  # they follow the match's (public) thread from now on
        await interaction.client.http.add_user_to_thread(int(thread), interaction.user.id)
    # Taking someone out of a public thread needs Manage Threads, which the bot does not ask
    # for: a spectator who stops watching leaves the thread from its menu if they wish.
    await interaction.followup.send(
        f"You watch match {match_id}: you see what the public sees. Press Watch again to stop."
        if watching
        else f"You no longer watch match {match_id}.",
        ephemeral=True,
    )


async def setup(bot: commands.Bot) -> None:
    """Route the lobby's buttons."""
    router = router_of(bot)
    router.add("seat", seat, DEFER)
    router.add("leave", leave, DEFER)
    router.add("start", start, DEFER)
    router.add("watch", watch, THINKING_PRIVATELY)


async def teardown(bot: commands.Bot) -> None:
    """Stop routing them."""
    router = router_of(bot)
    for action in ("seat", "leave", "start", "watch"):
        router.remove(action)
