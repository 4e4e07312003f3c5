"""``/match whatif`` and ``/match rematch``: a match's forks and its seat-swap rematch.

The commands belong to the ``/match`` group (``cogs/match.py``): ``WhatIfCommands`` is a mixin of
``MatchCommands``, never added on its own. Each defers privately, calls one service (which says
who may, and runs the engine in its worker process), draws and replies. A fork's answer is
private: while a match runs only moderators may fork it, and a fork shows hidden values.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render_match
from bot.discord.render_review import chart_files
from bot.discord.render_whatif import fork_embed, rematch_text
from bot.discord.replies import respond
from bot.discord.runtime import runtime_of
from bot.discord.who import actor, match_for
from bot.review.charts import fork_chart, in_thread
from bot.services.errors import ServiceError
from bot.services.whatif import DEFAULT_SEEDS, MAX_SEEDS

Interaction = discord.Interaction[Any]
MatchNumber = app_commands.Range[int, 1, 10**12]
NameList = app_commands.Range[str, 1, 400]
CHOICES = 25


def names(text: str | None) -> list[str]:
    """``us, maduro`` -> ``["us", "maduro"]`` (commas or spaces between ids)."""
    return [] if text is None else text.replace(",", " ").split()


async def _match_of(interaction: Interaction) -> int | None:
    """The match an autocomplete is about (its ``match`` option, or the thread's, or yours)."""
    given = getattr(interaction.namespace, "match", None)
    try:
        return await match_for(
            interaction, runtime_of(interaction.client), int(given) if given else None
        )
    except (ServiceError, ValueError):
        return None


def _list_choices(current: str, known: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Choices completing the last id of a comma-separated list (the earlier ones are kept)."""
    head, _, last = current.rpartition(",")
    chosen = set(names(head))
    prefix = ", ".join(names(head))
    typed = last.strip().lower()
    found = []
    for ident, name in known:
        if ident in chosen or (typed not in ident.lower() and typed not in name.lower()):
            continue
        value = f"{prefix}, {ident}" if prefix else ident
        if len(value) <= 100:
            found.append(app_commands.Choice(name=f"{value} ({name})"[:100], value=value))
    return found[:CHOICES]


class WhatIfCommands(commands.Cog):
    """Forks and rematches: a mixin of ``MatchCommands`` (the ``/match`` group)."""

    @app_commands.command(name="whatif", description="Replay a match from a round with changes")
    @app_commands.describe(
        from_round="The round the fork starts from (its state before that round)",
        hold="Seats that give no orders from then on (ids, comma-separated)",
        ai="Seats the AI plays from then on (ids, comma-separated)",
        drop="Moves taken out from then on, whoever plays them (ids, comma-separated)",
        seeds=f"How many seeds each arm runs over, 1 to {MAX_SEEDS} (default {DEFAULT_SEEDS})",
        match="The match number (default: this thread's; see /match history)",
    )
    async def whatif(
        self,
        interaction: Interaction,
        from_round: app_commands.Range[int, 1, 20],
        hold: NameList | None = None,
        ai: NameList | None = None,
        drop: NameList | None = None,
        seeds: app_commands.Range[int, 1, MAX_SEEDS] = DEFAULT_SEEDS,
        match: MatchNumber | None = None,
    ) -> None:
        """Fork the match (host, players and moderators once it is over; moderators while it
        runs): both arms as an embed with a chart, stored with the match."""

        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime, who = runtime_of(interaction.client), actor(interaction)
        match_id = await match_for(interaction, runtime, match)
        fork = await runtime.services.whatif.fork(
            match_id,
            who,
            from_round,
            hold=names(hold),
            ai=names(ai),
            drop=names(drop),
            seeds=seeds,
        )
        scenario = await runtime.services.scenarios.of_match(match_id, who)
        label = f"match-{match_id}-fork-{fork.id}"
        chart = await in_thread(lambda: fork_chart(scenario, fork.report, label))
        await respond(
            interaction, embeds=[fork_embed(scenario, fork, chart)], files=chart_files([chart])
        )

    @whatif.autocomplete("from_round")
    async def _rounds(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The rounds a fork of the match may start from."""
        match_id = await _match_of(interaction)
        if match_id is None:
            return []
        try:
            found = await runtime_of(interaction.client).services.whatif.choices(
                match_id, actor(interaction)
            )
        except ServiceError:
            return []
        return [
            app_commands.Choice(name=f"Round {r}", value=r)
            for r in found.rounds
            if str(current or "") in str(r)
        ][:CHOICES]

    async def _scenario_names(self, interaction: Interaction, moves: bool) -> list[tuple[str, str]]:
        match_id = await _match_of(interaction)
        if match_id is None:
            return []
        try:
            scenario = await runtime_of(interaction.client).services.scenarios.of_match(
                match_id, actor(interaction)
            )
        except ServiceError:
            return []
        if moves:
            return [(m.id, m.name) for m in scenario.moves]
        return [(s.id, s.name) for s in scenario.seats]

    @whatif.autocomplete("hold")
    async def _hold_seats(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Seat ids, completing the last one typed."""
        return _list_choices(current, await self._scenario_names(interaction, False))

    @whatif.autocomplete("ai")
    async def _ai_seats(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Seat ids, completing the last one typed."""
        return _list_choices(current, await self._scenario_names(interaction, False))

    @whatif.autocomplete("drop")
    async def _moves(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Move ids, completing the last one typed."""
        return _list_choices(current, await self._scenario_names(interaction, True))

    @app_commands.command(
        name="rematch", description="Play a finished match again, its players in other seats"
    )
    @app_commands.describe(
        swap="rotate: every seat's players take the next seat · random: a random swap",
        match="The match number (default: this thread's; see /match history)",
    )
    async def rematch(
        self,
        interaction: Interaction,
        swap: Literal["rotate", "random"],
        match: MatchNumber | None = None,
    ) -> None:
        """Host or moderator: a new match of the same scenario and seed, started at once with
        the players swapped; its end compares each player's seats against the AI's."""

        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime, who = runtime_of(interaction.client), actor(interaction)
        match_id = await match_for(interaction, runtime, match)
        created, seats = await runtime.services.rematches.create(match_id, who, swap, None)
        scenario = await runtime.services.scenarios.of_match(created.id, who)
        embeds, view = render_match.lobby(scenario, created)
        channel = interaction.client.get_partial_messageable(int(created.channel_id or 0))
        posted = await channel.send(embeds=embeds, view=view or discord.utils.MISSING)
        await runtime.threads.set_lobby(created.id, str(posted.channel.id), str(posted.id))
        started = await runtime.services.matches.start(created.id, who)
        embeds, view = render_match.lobby(scenario, started)
        await posted.edit(embeds=embeds, view=view or discord.utils.MISSING)
        await respond(interaction, rematch_text(scenario, match_id, started, seats))
