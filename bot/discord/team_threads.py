"""Each team's private thread: opened when a match played in teams starts, with the team's
members in it; members who join later are added, members who leave are removed.

Private threads are invisible to everyone else in the server (spectators included) except its
members and moderators with Manage Threads. The announcer calls these after the commit that
started the match or changed a team (``match_started``, ``team_member``).
"""

from __future__ import annotations

import discord

from bot.discord import limits
from bot.discord.text import esc
from bot.services import Services
from bot.services.models import SYSTEM, Match


async def open_team_threads(client: discord.Client, services: Services, match: Match) -> None:
    """Open a private thread for every held seat that has none yet, with its members in it."""
    if match.team_size == 1 or match.channel_id is None:
        return
    known = await services.team_threads.of_match(match.id)
    channel_id = int(match.channel_id)
    channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        return  # a thread cannot hold threads: the team plays from its panels alone
    scenario = await services.scenarios.of_match(match.id, SYSTEM)
    for info in match.seats:
        if not info.holders or info.seat in known:
            continue
        name = scenario.seat(info.seat).name
        thread = await channel.create_thread(
            name=limits.fit(f"Match {match.id}: {name} team", limits.THREAD_NAME),
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=10080,
        )
        await services.team_threads.set(match.id, info.seat, str(thread.id))
        for holder in info.holders:
            if holder.player.isdigit():
                await client.http.add_user_to_thread(thread.id, int(holder.player))
        members = ", ".join(esc(h.name) for h in info.holders)
        await thread.send(
            f"**{esc(name)}**: this thread is for the team only ({members}). Build your orders "
            "together with **Orders** on each briefing; the captain submits them.",
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def change_member(
    client: discord.Client, services: Services, match_id: int, seat: str, player: str, joined: bool
) -> None:
    """Add a member who joined to their team's thread, or remove one who left."""
    thread = (await services.team_threads.of_match(match_id)).get(seat)
    if thread is None or not player.isdigit():
        return
    if joined:
        await client.http.add_user_to_thread(int(thread), int(player))
    else:
        await client.http.remove_user_from_thread(int(thread), int(player))
