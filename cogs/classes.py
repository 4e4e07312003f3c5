"""``/class``: new, status, compare, export: a class run of several matches at once.

A class run opens one match per group with the same scenario and seed; with a role, its members
are spread over the groups and seats (seeded, evenly) and each group's post tells its students
where they sit. Listing a role's members needs the privileged Server Members intent, which the
bot asks for only when the operator turns it on (``LEVERS_MEMBERS_INTENT=1``, docs/teachers.md).
Each command defers (ephemerally), calls the services, renders and replies; refusals go through
the bot's one error handler.
"""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render_class, render_match
from bot.discord.render_review import chart_embed, chart_files
from bot.discord.replies import respond
from bot.discord.runtime import Runtime, runtime_of
from bot.discord.text import esc
from bot.discord.who import actor
from bot.game.scenario import Scenario
from bot.review.charts import in_thread
from bot.review.classes import (
    class_chart,
    class_gradebook,
    class_html,
    class_markdown,
    compare,
    compare_lines,
    load_class,
)
from bot.review.record import MatchRecord
from bot.services.classes import MAX_GROUPS, MIN_GROUPS, ClassView
from bot.services.errors import InvalidInput, NotAllowed, NotFound, WrongPhase
from bot.services.models import Actor
from cogs.library import playable_choices

Interaction = discord.Interaction[Any]
ClassNumber = app_commands.Range[int, 1, 10**12]

NO_INTENT = (
    "Spreading a role over the groups needs Discord's **Server Members** intent, which this bot "
    "does not ask for. Whoever runs the bot can turn it on: enable *Server Members Intent* on the "
    "bot's page in the Discord developer portal, set `LEVERS_MEMBERS_INTENT=1`, and restart the "
    "bot (docs/teachers.md). Until then, run `/class new` without a role: students take their "
    "seats in the lobbies themselves."
)
NO_MEMBERS = (
    "I know no members of {role} (bots aside). If the role has members, the member list may "
    "still be loading after a restart: try again in a minute. Otherwise give the role to your "
    "students first, or run `/class new` without a role."
)


async def _private(interaction: Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)


def role_members(interaction: Interaction, role: discord.Role) -> list[tuple[str, str]]:
    """(id, display name) of the role's members from the member cache, bots left out; a clear
    refusal when the bot has no Server Members intent or knows none of them."""
    if not interaction.client.intents.members:
        raise NotAllowed(NO_INTENT)
    guild = interaction.guild
    cached = guild.get_role(role.id) if guild is not None else None
    members = [] if cached is None else [m for m in cached.members if not m.bot]
    if not members:
        raise InvalidInput(NO_MEMBERS.format(role=esc(role.name)))
    return [(str(m.id), m.display_name) for m in members]


async def _latest(runtime: Runtime, who: Actor, number: int | None) -> int:
    """The class run named, or this server's newest."""
    if number is not None:
        return number
    found = await runtime.services.classes.list_classes(who, limit=1)
    if not found:
        raise NotFound("this server has no class run yet: `/class new` opens one")
    return found[0].id


@app_commands.guild_only()
class ClassCommands(commands.GroupCog, group_name="class", group_description="Class runs"):
    """Several matches at once with the same scenario and seed, compared at the end."""

    @app_commands.command(name="new", description="Open one match per group, same scenario+seed")
    @app_commands.describe(
        groups=f"How many groups (matches), {MIN_GROUPS} to {MAX_GROUPS}",
        team_size="Players per seat, 1 to 10",
        scenario="Which scenario (default: this server's default)",
        role="Spread this role's members over the groups and seats (needs the members intent)",
        rounds="How many rounds (default: the scenario's)",
        deadline="Minutes for each round's orders (default: the server's)",
        seed="The seed every group plays (default: drawn at random)",
    )
    @app_commands.autocomplete(scenario=playable_choices)
    async def new(
        self,
        interaction: Interaction,
        groups: app_commands.Range[int, MIN_GROUPS, MAX_GROUPS],
        team_size: app_commands.Range[int, 1, 10] = 1,
        scenario: str | None = None,
        role: discord.Role | None = None,
        rounds: app_commands.Range[int, 1, 20] | None = None,
        deadline: app_commands.Range[int, 1, 20160] | None = None,
        seed: app_commands.Range[int, 0, 2**31 - 1] | None = None,
    ) -> None:
        """Create the class run, post each group's lobby, and tell the students where they sit."""

        await _private(interaction)
        runtime = runtime_of(interaction.client)
        if interaction.guild_id is None or interaction.channel is None:
            raise InvalidInput("class runs are played in a server's channel")
        who = actor(interaction)
        members = role_members(interaction, role) if role is not None else []
        seconds = deadline * 60 if deadline is not None else None
        if seconds is None:
            seconds = (await runtime.services.servers.settings(who)).default_deadline_seconds
        stored = await runtime.services.catalog.start_with(who, scenario)
        view = await runtime.services.classes.create(
            who,
            stored.sha256,
            groups=groups,
            team_size=team_size,
            seed=seed,
            rounds=rounds,
            deadline_seconds=seconds,
            source_id=stored.source_id,
            guild_id=who.guild_id,
            channel_id=str(interaction.channel_id),
            role_id=None if role is None else str(role.id),
            members=members,
        )
        found = await runtime.services.scenarios.get(stored.sha256)
        channel = interaction.client.get_partial_messageable(int(interaction.channel_id or 0))
        for group, match in enumerate(view.matches, start=1):
            embeds, buttons = render_match.lobby(found, match)
            posted = await channel.send(embeds=embeds, view=buttons or discord.utils.MISSING)
            await runtime.threads.set_lobby(match.id, str(posted.channel.id), str(posted.id))
            for text, mentions in render_class.seating_posts(view, found, group):
                await channel.send(text, allowed_mentions=mentions)
        await respond(
            interaction, render_class.created_text(view, None if role is None else role.name)
        )

    @app_commands.command(name="status", description="Where each group of a class run stands")
    @app_commands.rename(number="class")
    @app_commands.describe(number="The class run's number (default: this server's newest)")
    async def status(self, interaction: Interaction, number: ClassNumber | None = None) -> None:
        """Each group's phase, round and players (never what anyone ordered)."""

        await _private(interaction)
        runtime, who = runtime_of(interaction.client), actor(interaction)
        view = await runtime.services.classes.get(await _latest(runtime, who, number), who)
        scenario = await runtime.services.scenarios.get(view.run.scenario_sha256)
        await respond(interaction, embeds=render_class.status_embeds(view, scenario))

    @app_commands.command(name="compare", description="A finished class run's groups side by side")
    @app_commands.rename(number="class")
    @app_commands.describe(number="The class run's number (default: this server's newest)")
    async def compare(self, interaction: Interaction, number: ClassNumber | None = None) -> None:
        """Endings, policy scores, debate points, the shared outcome, the moves that differed,
        and one chart."""

        await _private(interaction)
        view, scenario, records = await _finished(interaction, number, "compared")
        found = compare(scenario, view.run, records)
        chart = await in_thread(lambda: class_chart(found))
        embeds = render_class.compare_embeds(compare_lines(found))
        await respond(interaction, embeds=[*embeds, chart_embed(chart)], files=chart_files([chart]))

    @app_commands.command(name="export", description="A finished class run's gradebook and report")
    @app_commands.rename(number="class")
    @app_commands.describe(number="The class run's number (default: this server's newest)")
    async def export(self, interaction: Interaction, number: ClassNumber | None = None) -> None:
        """Attach the gradebook (one CSV row per student across the groups) and the class report
        (Markdown and a self-contained HTML page)."""

        await _private(interaction)
        view, scenario, records = await _finished(interaction, number, "exported")
        found = compare(scenario, view.run, records)

        def files() -> list[tuple[str, bytes]]:
            stem = f"levers-class-{view.run.id}"
            return [
                (f"{stem}-gradebook.csv", class_gradebook(scenario, found, records).encode()),
                (f"{stem}.md", class_markdown(found).encode()),
                (f"{stem}.html", class_html(found).encode()),
            ]

        made = await in_thread(files)
        if sum(len(data) for _name, data in made) > interaction.filesize_limit:
            raise InvalidInput(
                "the class report is too large to attach here; ask whoever runs the bot for "
                f"`levers class --class {view.run.id}`"
            )
        await respond(
            interaction,
            f"Class run {view.run.id}: the gradebook (one row per student) and the class report.",
            files=[discord.File(io.BytesIO(data), filename=name) for name, data in made],
        )


async def _finished(
    interaction: Interaction, number: int | None, doing: str
) -> tuple[ClassView, Scenario, list[MatchRecord]]:
    """The class run (this server's), its scenario and its groups' whole records, once every
    group's match is over (WrongPhase before: a running match's record holds secrets)."""
    runtime, who = runtime_of(interaction.client), actor(interaction)
    view = await runtime.services.classes.get(await _latest(runtime, who, number), who)
    running = [str(g) for g, m in enumerate(view.matches, start=1) if not m.finished]
    if running:
        raise WrongPhase(
            f"class run {view.run.id} is {doing} once every group is over; group(s) "
            f"{', '.join(running)} are still playing (`/class status`)"
        )
    scenario = await runtime.services.scenarios.get(view.run.scenario_sha256)
    _same, records = await load_class(runtime.services.ctx, view.run, scenario)
    return view, scenario, records


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(ClassCommands())
