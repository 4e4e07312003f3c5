"""Who is asking, as the services need to know it, and which match a command is about.

The front end only reports what Discord says (the server, the user, their role ids and whether
they have Manage Server); the services decide what that allows (``bot.services.context``):
another server's match is not found, a direct message is refused, and the moderator role set
with ``/levers settings`` is looked up there. A command's default permissions are only a hint
that server admins can change.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord.runtime import Runtime
from bot.services.errors import NotFound
from bot.services.models import Actor

WHICH = "Which match? Give its number (the `match` option), or use the command in its thread."


def actor(interaction: discord.Interaction[Any]) -> Actor:
    """The person behind an interaction, with their server, roles and Manage Server right."""
    user = interaction.user
    guild = None if interaction.guild_id is None else str(interaction.guild_id)
    roles: frozenset[str] = frozenset()
    if isinstance(user, discord.Member):
        roles = frozenset(str(r.id) for r in user.roles if not r.is_default())
    return Actor(
        str(user.id),
        user.display_name,
        moderator=guild is not None and interaction.permissions.manage_guild,
        guild_id=guild,
        roles=roles,
        front="discord",
    )


async def match_for(
    interaction: discord.Interaction[Any], runtime: Runtime, given: int | None
) -> int:
    """The match a command is about: given, the one played in this thread, or the player's.

    Only a number: whether the asker may see that match is for the service they call next.
    """
    if given is not None:
        return given
    if interaction.channel_id is not None:
        found = await runtime.threads.match_in(str(interaction.channel_id))
        if found is not None:
            return found
    who = actor(interaction)
    matches = runtime.services.matches
    mine = await matches.list_matches(who, active_only=True, player=who.player, limit=2)
    if len(mine) == 1:
        return mine[0].id
    here = [
        m
        for m in await matches.list_matches(who, active_only=True)
        if m.channel_id == str(interaction.channel_id)
    ]
    if len(here) == 1:
        return here[0].id
    raise NotFound(WHICH)


async def moderator(interaction: discord.Interaction[Any], runtime: Runtime, doing: str) -> Actor:
    """The actor, after the services confirmed they moderate this server (NotAllowed, or
    NoServer from a direct message, otherwise): for commands whose slow work only a
    moderator may have. The services check again when they change anything."""
    who = actor(interaction)
    await runtime.services.servers.require_moderator(who, doing)
    return who
