"""``/levers settings``: a server's moderator role and default deadline (moderators only)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.replies import guarded, respond
from bot.discord.runtime import runtime_of
from bot.discord.text import esc
from bot.discord.who import require_moderator


@app_commands.guild_only()
class ServerCommands(
    commands.GroupCog, group_name="levers", group_description="Levers on this server"
):
    """Server settings."""

    @app_commands.command(name="settings", description="Show or change this server's settings")
    @app_commands.describe(
        moderator_role="Members with this role may run any match (besides Manage Server)",
        default_deadline="Minutes for orders each round when /match new gives none (0: none)",
    )
    @app_commands.default_permissions(manage_guild=True)
    async def settings(
        self,
        interaction: discord.Interaction[Any],
        moderator_role: discord.Role | None = None,
        default_deadline: app_commands.Range[int, 0, 20160] | None = None,
    ) -> None:
        """Moderators only (checked here: default permissions are only a hint)."""

        async def run() -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            runtime = runtime_of(interaction.client)
            who = await require_moderator(interaction, runtime, "change this server's settings")
            guild = str(interaction.guild_id)
            servers = runtime.services.servers
            changes: dict[str, Any] = {}
            if moderator_role is not None:
                changes["moderator_role_id"] = str(moderator_role.id)
            if default_deadline is not None:
                changes["default_deadline_seconds"] = default_deadline * 60 or None
            found = (
                await servers.update_settings(guild, who, **changes)
                if changes
                else await servers.settings(guild)
            )
            role = f"<@&{found.moderator_role_id}>" if found.moderator_role_id else "none"
            minutes = found.default_deadline_seconds
            deadline = f"{minutes // 60} min" if minutes else "none"
            await respond(
                interaction,
                f"Moderator role: {role} · default deadline: {esc(deadline)}",
            )

        await guarded(interaction, run)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(ServerCommands())
