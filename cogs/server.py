"""``/levers settings`` and ``/levers audit``: a server's settings and who did what (moderators).

Settings are the moderator role, the default deadline and the channels where matches may run.
Every change (like every upload, enable, disable, forced end and substitution) is in the audit
log, which ``/levers audit`` shows ten entries a page, newest first, with Newer / Older buttons.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import ids
from bot.discord import render_library as render
from bot.discord.components import Given, router_of
from bot.discord.replies import respond
from bot.discord.runtime import Runtime, runtime_of
from bot.discord.who import actor, moderator
from bot.services.models import Actor

Interaction = discord.Interaction[Any]


def _channels(
    current: tuple[str, ...],
    allow: discord.abc.Snowflake | None,
    disallow: discord.abc.Snowflake | None,
    anywhere: bool | None,
) -> list[str] | None:
    """The new list of allowed channels, or None when the command does not change it."""
    if allow is None and disallow is None and not anywhere:
        return None
    found = [] if anywhere else list(current)
    if allow is not None and str(allow.id) not in found:
        found.append(str(allow.id))
    if disallow is not None and str(disallow.id) in found:
        found.remove(str(disallow.id))
    return found


async def audit_view(
    runtime: Runtime, who: Actor, page: int
) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """Page ``page`` (from 0) of the server's audit log, newest first (moderators only)."""
    page = max(0, min(page, render.AUDIT_PAGES - 1))
    wanted = (page + 1) * render.AUDIT_PAGE
    entries = await runtime.services.servers.audit_log(who, limit=wanted + 1)
    while page and len(entries) <= page * render.AUDIT_PAGE:
        page -= 1  # the log is shorter than the page asked for
    more = len(entries) > wanted and page + 1 < render.AUDIT_PAGES
    versions = await runtime.services.catalog.versions(who)
    names = {f"library:{v.entry.id}": v.ref for v in versions if v.entry is not None}
    return render.audit_page(entries[:wanted], page, more, names)


@app_commands.guild_only()
class ServerCommands(
    commands.GroupCog, group_name="levers", group_description="Levers on this server"
):
    """Server settings and the audit log."""

    @app_commands.command(name="settings", description="Show or change this server's settings")
    @app_commands.describe(
        moderator_role="Members with this role may run any match (besides Manage Server)",
        default_deadline="Minutes for orders each round when /match new gives none (0: none)",
        allow_channel="Let matches run in this channel (once any is listed, only those)",
        disallow_channel="Take this channel off the list of allowed channels",
        any_channel="Clear the list: matches may run in any channel",
    )
    @app_commands.default_permissions(manage_guild=True)
    async def settings(
        self,
        interaction: Interaction,
        moderator_role: discord.Role | None = None,
        default_deadline: app_commands.Range[int, 0, 20160] | None = None,
        allow_channel: discord.TextChannel | None = None,
        disallow_channel: discord.TextChannel | None = None,
        any_channel: bool | None = None,
    ) -> None:
        """Moderators only (checked here: default permissions are only a hint)."""

        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime = runtime_of(interaction.client)
        who = await moderator(interaction, runtime, "change this server's settings")
        servers = runtime.services.servers
        current = await servers.settings(who)
        changes: dict[str, Any] = {}
        if moderator_role is not None:
            changes["moderator_role_id"] = str(moderator_role.id)
        if default_deadline is not None:
            changes["default_deadline_seconds"] = default_deadline * 60 or None
        allowed = _channels(current.allowed_channels, allow_channel, disallow_channel, any_channel)
        if allowed is not None:
            changes["allowed_channels"] = allowed
        if changes:
            current = await servers.update_settings(who, **changes)
        await respond(interaction, embeds=[render.settings_embed(current)])

    @app_commands.command(name="audit", description="Who did what, and when (moderators)")
    @app_commands.describe(page="Which page (1: the newest entries)")
    @app_commands.default_permissions(manage_guild=True)
    async def audit(
        self, interaction: Interaction, page: app_commands.Range[int, 1, 50] = 1
    ) -> None:
        """Uploads, enables and disables, settings, forced ends, substitutions..."""

        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime = runtime_of(interaction.client)
        embeds, buttons = await audit_view(runtime, actor(interaction), page - 1)
        await respond(interaction, embeds=embeds, view=buttons)


async def turn_audit_page(interaction: Interaction, route: ids.Route, given: Given) -> None:
    """Newer / Older: show that page in place of the current one (moderators only)."""
    runtime = runtime_of(interaction.client)
    page = int((route.arg or "n:0").rpartition(":")[2])
    embeds, buttons = await audit_view(runtime, actor(interaction), page)
    await interaction.response.edit_message(embeds=embeds, view=buttons)


async def setup(bot: commands.Bot) -> None:
    """Load the cog and route the audit log's buttons."""
    router_of(bot).add("audit", turn_audit_page)
    await bot.add_cog(ServerCommands())


async def teardown(bot: commands.Bot) -> None:
    """Stop routing the buttons."""
    router_of(bot).remove("audit")
