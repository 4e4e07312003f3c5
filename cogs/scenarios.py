"""``/scenarios``: browse the built-in scenarios, one page each, with Previous and Next buttons."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import ids
from bot.discord.components import Given, button, router_of, view
from bot.discord.render_scenario import summary_embeds
from bot.discord.replies import respond
from bot.scenarios import builtin_ids, read_scenario


def page(index: int) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """The page showing built-in scenario number ``index`` (wrapping around), with its buttons."""
    names = builtin_ids()
    index %= len(names)
    name = names[index]
    scenario, _raw, _path = read_scenario(name)
    footer = f"Scenario {index + 1} of {len(names)} · start one with /match new scenario:{name}"
    buttons = None
    if len(names) > 1:
        buttons = view(
            [
                button(ids.scenario_page(index - 1, "p"), "Previous"),
                button(ids.scenario_page(index + 1, "n"), "Next"),
            ]
        )
    return summary_embeds(scenario, footer)[:1], buttons


class Scenarios(commands.Cog):
    """Browsing scenarios."""

    @app_commands.command(name="scenarios", description="Browse the built-in scenarios")
    async def scenarios(self, interaction: discord.Interaction[Any]) -> None:
        """Show the first built-in scenario with buttons to page through the others."""
        embeds, buttons = page(0)
        await respond(interaction, embeds=embeds, view=buttons, ephemeral=True)


async def turn_page(interaction: discord.Interaction[Any], route: ids.Route, given: Given) -> None:
    """Previous / Next: show the target page in place of the current one."""
    target = int((route.arg or "n:0").rpartition(":")[2])
    embeds, buttons = page(target)
    await interaction.response.edit_message(embeds=embeds, view=buttons)


async def setup(bot: commands.Bot) -> None:
    """Load the cog and route its buttons."""
    router_of(bot).add("page", turn_page)
    await bot.add_cog(Scenarios())


async def teardown(bot: commands.Bot) -> None:
    """Stop routing the buttons."""
    router_of(bot).remove("page")
