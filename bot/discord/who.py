"""Who is asking and about which match: actors, the moderator check, finding the match.

Moderator means the Manage Server permission or the role a server sets with
``/levers settings``; it is checked here, in code (a command's default permissions are only a
hint that server admins can change).
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord.runtime import Runtime
from bot.services.errors import NotAllowed, NotFound
from bot.services.models import Actor

WHICH = "Which match? Give its number (the `match` option), or use the command in its thread."


async def is_moderator(interaction: discord.Interaction[Any], runtime: Runtime) -> bool:
    """Manage Server, or the server's moderator role."""
    if interaction.permissions.manage_guild:
        return True
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    settings = await runtime.services.servers.settings(str(interaction.guild_id))
    role = settings.moderator_role_id
    return role is not None and any(str(r.id) == role for r in interaction.user.roles)


def player(interaction: discord.Interaction[Any]) -> Actor:
    """The person behind an interaction, for actions where being a moderator does not matter."""
    return Actor(str(interaction.user.id), interaction.user.display_name)


async def actor(interaction: discord.Interaction[Any], runtime: Runtime) -> Actor:
    """The person behind an interaction, as the services know them."""
    user = interaction.user
    return Actor(str(user.id), user.display_name, await is_moderator(interaction, runtime))


async def require_moderator(
    interaction: discord.Interaction[Any], runtime: Runtime, doing: str
) -> Actor:
    """The actor, or NotAllowed unless they are a moderator."""
    who = await actor(interaction, runtime)
    if not who.moderator:
        raise NotAllowed(
            f"only a moderator (Manage Server, or the server's moderator role) may {doing}"
        )
    return who


async def match_for(
    interaction: discord.Interaction[Any], runtime: Runtime, given: int | None
) -> int:
    """The match a command is about: given, the one played in this thread, or the player's."""
    if given is not None:
        return given
    if interaction.channel_id is not None:
        found = await runtime.threads.match_in(str(interaction.channel_id))
        if found is not None:
            return found
    guild = None if interaction.guild_id is None else str(interaction.guild_id)
    mine = await runtime.services.matches.list_matches(
        guild_id=guild, active_only=True, player=str(interaction.user.id), limit=2
    )
    if len(mine) == 1:
        return mine[0].id
    here = [
        m
        for m in await runtime.services.matches.list_matches(guild_id=guild, active_only=True)
        if m.channel_id == str(interaction.channel_id)
    ]
    if len(here) == 1:
        return here[0].id
    raise NotFound(WHICH)
