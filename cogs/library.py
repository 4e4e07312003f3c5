"""``/scenario``: this server's scenario library.

``upload`` and ``check`` (moderators) run the file through the sandbox (``bot.library``) off the
event loop; ``list``, ``show`` name what there is; ``export`` (moderators: a file holds every
seat's secret objectives) gives the exact bytes back; ``enable``, ``disable`` and ``default``
(moderators) change what ``/match new`` offers. Every command defers first and answers
ephemerally; refusals and errors are answered by the bot's one error handler
(``bot.discord.replies.on_error``).
"""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import limits
from bot.discord import render_library as render
from bot.discord.runtime import runtime_of
from bot.discord.text import esc
from bot.discord.who import actor, moderator
from bot.library import sandbox
from bot.scenarios import default_id
from bot.services.catalog import split_ref
from bot.services.errors import USER_ERRORS
from cogs._library_flow import balance_check, send, upload_file

Interaction = discord.Interaction[Any]
Choice = app_commands.Choice[str]
Name = app_commands.Range[str, 1, 100]
Matches = app_commands.Range[int, 10, sandbox.MAX_LINT_MATCHES]
CHECK_MATCHES = 300  # simulated matches of /scenario check (a few seconds for a big scenario)


async def _private(interaction: Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)


async def playable_choices(interaction: Interaction, current: str) -> list[Choice]:
    """Autocomplete for ``/match new scenario``: built-in and this server's enabled scenarios."""
    if interaction.guild_id is None:
        return []
    try:
        offers = await runtime_of(interaction.client).services.catalog.offers(
            actor(interaction), current
        )
    except USER_ERRORS:
        return []
    return [Choice(name=render.choice(v), value=v.ref) for v in offers]


async def scenario_choices(interaction: Interaction, current: str) -> list[Choice]:
    """Autocomplete for a scenario id: every id this server knows (enabled or not)."""
    if interaction.guild_id is None:
        return []
    try:
        found = await runtime_of(interaction.client).services.catalog.versions(actor(interaction))
    except USER_ERRORS:
        return []
    typed = current.strip().lower()
    titles = {v.scenario_id: v.title for v in found}
    hits = [(i, t) for i, t in titles.items() if typed in f"{i} {t}".lower()]
    return [Choice(name=limits.fit(f"{t} · {i}", 100), value=i) for i, t in hits[:25]]


async def version_choices(interaction: Interaction, current: str) -> list[Choice]:
    """Autocomplete for a version: the versions of the scenario named in the same command."""
    named = str(getattr(interaction.namespace, "scenario", "") or "")
    if interaction.guild_id is None or not named:
        return []
    catalog = runtime_of(interaction.client).services.catalog
    try:
        found = await catalog.versions(actor(interaction), split_ref(named)[0])
    except USER_ERRORS:
        return []
    hits = {v.version: v for v in found if current.strip() in v.version}  # the newest wins
    return [Choice(name=render.choice(v), value=k) for k, v in reversed(hits.items())][:25]


@app_commands.guild_only()
class LibraryCommands(
    commands.GroupCog, group_name="scenario", group_description="This server's scenario library"
):
    """Uploading, listing, exporting, enabling and checking scenarios."""

    async def cog_load(self) -> None:
        """Start the check server now, so the first upload is answered quickly."""
        await sandbox.warm_up()

    @app_commands.command(name="upload", description="Add a scenario file (moderators)")
    @app_commands.describe(file="A scenario YAML file (see levers validate)")
    async def upload(self, interaction: Interaction, file: discord.Attachment) -> None:
        """Check the file in the sandbox; store it as a new version, or list every problem."""

        await _private(interaction)
        runtime = runtime_of(interaction.client)
        who = await moderator(interaction, runtime, "upload scenarios")
        await upload_file(interaction, runtime, who, file)

    @app_commands.command(name="list", description="Built-in scenarios and this server's")
    async def list_(self, interaction: Interaction) -> None:
        """Every scenario and version this server can see, with its status."""

        await _private(interaction)
        catalog = runtime_of(interaction.client).services.catalog
        found = await catalog.versions(actor(interaction))
        await send(interaction, render.library_embeds(found, default_id()))

    @app_commands.command(name="show", description="A scenario's seats, levers, goals, versions")
    @app_commands.describe(scenario="The scenario's id", version="Which version (default: current)")
    @app_commands.autocomplete(scenario=scenario_choices, version=version_choices)
    async def show(
        self, interaction: Interaction, scenario: Name, version: Name | None = None
    ) -> None:
        """Seats with their levers and goals, the source and author, and who loaded each version."""

        await _private(interaction)
        services = runtime_of(interaction.client).services
        chosen = await services.catalog.find(actor(interaction), scenario, version)
        parsed = await services.catalog.scenario(chosen)
        every = await services.catalog.versions(actor(interaction), chosen.scenario_id)
        await send(interaction, render.show_embeds(chosen, parsed, every))

    @app_commands.command(name="export", description="The exact scenario file (moderators)")
    @app_commands.describe(scenario="The scenario's id", version="Which version (default: current)")
    @app_commands.autocomplete(scenario=scenario_choices, version=version_choices)
    async def export(
        self, interaction: Interaction, scenario: Name, version: Name | None = None
    ) -> None:
        """The file byte for byte (moderators: it holds every seat's secret objectives)."""

        await _private(interaction)
        runtime = runtime_of(interaction.client)
        await moderator(interaction, runtime, "export scenario files")
        catalog = runtime.services.catalog
        chosen = await catalog.find(actor(interaction), scenario, version)
        raw = await catalog.text(chosen)
        name = f"{chosen.scenario_id}-{chosen.version}.yaml"
        text = f"`{chosen.ref}` version {esc(chosen.version)}, exactly as loaded."
        await send(interaction, [], [discord.File(io.BytesIO(raw), filename=name)], text)

    async def _switch(
        self, interaction: Interaction, scenario: str, version: str | None, enabled: bool
    ) -> None:
        await _private(interaction)
        runtime = runtime_of(interaction.client)
        doing = "enable scenarios" if enabled else "disable scenarios"
        who = await moderator(interaction, runtime, doing)
        catalog = runtime.services.catalog
        done = await catalog.set_enabled(who, scenario, version, enabled)
        await send(interaction, [], content=render.changed(done))

    @app_commands.command(name="disable", description="Stop offering a scenario (moderators)")
    @app_commands.describe(scenario="The scenario's id", version="One version (default: all)")
    @app_commands.autocomplete(scenario=scenario_choices, version=version_choices)
    async def disable(
        self, interaction: Interaction, scenario: Name, version: Name | None = None
    ) -> None:
        """New matches can no longer use it; running matches are not affected."""
        await self._switch(interaction, scenario, version, False)

    @app_commands.command(name="enable", description="Offer a scenario again (moderators)")
    @app_commands.describe(scenario="The scenario's id", version="One version (default: newest)")
    @app_commands.autocomplete(scenario=scenario_choices, version=version_choices)
    async def enable(
        self, interaction: Interaction, scenario: Name, version: Name | None = None
    ) -> None:
        """New matches may use it again."""
        await self._switch(interaction, scenario, version, True)

    @app_commands.command(name="default", description="What /match new plays (moderators)")
    @app_commands.describe(scenario="The scenario's id", version="Which version (default: current)")
    @app_commands.autocomplete(scenario=scenario_choices, version=version_choices)
    async def default(
        self, interaction: Interaction, scenario: Name, version: Name | None = None
    ) -> None:
        """Make a version the server's default (a built-in one joins the library first)."""

        await _private(interaction)
        runtime = runtime_of(interaction.client)
        who = await moderator(interaction, runtime, "choose the default scenario")
        catalog = runtime.services.catalog
        entry = await catalog.set_default(who, scenario, version)
        await send(interaction, [], content=render.changed([entry]))

    @app_commands.command(name="check", description="Simulate matches for balance (moderators)")
    @app_commands.describe(
        scenario="The scenario's id",
        version="Which version (default: current)",
        matches=f"How many simulated matches (default {CHECK_MATCHES})",
    )
    @app_commands.autocomplete(scenario=scenario_choices, version=version_choices)
    async def check(
        self,
        interaction: Interaction,
        scenario: Name,
        version: Name | None = None,
        matches: Matches = CHECK_MATCHES,
    ) -> None:
        """Win shares, endings, the lint's warnings and a chart, from AI-only matches."""

        await _private(interaction)
        runtime = runtime_of(interaction.client)
        who = await moderator(interaction, runtime, "run balance checks")
        chosen = await runtime.services.catalog.find(actor(interaction), scenario, version)
        await balance_check(interaction, runtime, who, chosen, matches)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(LibraryCommands())
