"""``/match``: new, status, leave, end, pause, resume, substitute, assign, captain, watchers,
remove (and, from mixins, history, log, export, verify, whatif, rematch).

Each command defers (ephemerally) before it touches the store, calls one service, renders and
replies; refusals and errors are answered by the bot's one error handler
(``bot.discord.replies.on_error``).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render_match
from bot.discord.replies import respond
from bot.discord.runtime import Runtime, runtime_of
from bot.discord.text import esc
from bot.discord.who import actor, match_for
from bot.services.errors import InvalidInput
from cogs._whatif import WhatIfCommands
from cogs.library import playable_choices
from cogs.review import ReviewCommands

Interaction = discord.Interaction[Any]
MatchNumber = app_commands.Range[int, 1, 10**12]


async def _private(interaction: Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)


async def _open(interaction: Interaction, match: int | None) -> tuple[Runtime, int]:
    """Defer privately, then find the match the command is about (named, thread's, or yours)."""
    await _private(interaction)
    runtime = runtime_of(interaction.client)
    return runtime, await match_for(interaction, runtime, match)


@app_commands.guild_only()
class MatchCommands(
    ReviewCommands,
    WhatIfCommands,
    commands.GroupCog,
    group_name="match",
    group_description="Levers matches",
):
    """Creating and running matches (reviewing them: ``ReviewCommands``, cogs/review.py;
    forks and rematches: ``WhatIfCommands``, cogs/_whatif.py)."""

    @app_commands.command(name="new", description="Open a lobby for a new match in this channel")
    @app_commands.describe(
        scenario="Which scenario (default: this server's default)",
        rounds="How many rounds (default: the scenario's)",
        deadline="Minutes the players have for their orders each round (default: none)",
        ai_fill="Empty seats played by the AI (otherwise they hold)",
        team_size="Players per seat, 1 to 10 (default 1: one player a seat)",
        debate="Minutes of open debate before each round resolves (default: none, sealed)",
    )
    @app_commands.autocomplete(scenario=playable_choices)
    async def new(
        self,
        interaction: Interaction,
        scenario: str | None = None,
        rounds: app_commands.Range[int, 1, 20] | None = None,
        deadline: app_commands.Range[int, 1, 20160] | None = None,
        ai_fill: bool = True,
        team_size: app_commands.Range[int, 1, 10] = 1,
        debate: app_commands.Range[int, 1, 10080] | None = None,
    ) -> None:
        """Create the match and post its lobby with one button per seat."""

        await _private(interaction)
        runtime = runtime_of(interaction.client)
        if interaction.guild_id is None or interaction.channel is None:
            raise InvalidInput("matches are played in a server's channel")
        who = actor(interaction)
        seconds = deadline * 60 if deadline is not None else None
        if seconds is None:
            seconds = (await runtime.services.servers.settings(who)).default_deadline_seconds
        stored = await runtime.services.catalog.start_with(who, scenario)
        match = await runtime.services.matches.create(
            actor(interaction),
            stored.sha256,
            source_id=stored.source_id,
            rounds=rounds,
            deadline_seconds=seconds,
            ai_fill=ai_fill,
            team_size=team_size,
            settings={"debate_seconds": debate * 60} if debate else None,
            guild_id=who.guild_id,
            channel_id=str(interaction.channel_id),
        )
        found = await runtime.services.scenarios.get(stored.sha256)
        embeds, view = render_match.lobby(found, match)
        channel = interaction.client.get_partial_messageable(int(match.channel_id or 0))
        posted = await channel.send(embeds=embeds, view=view or discord.utils.MISSING)
        await runtime.threads.set_lobby(match.id, str(posted.channel.id), str(posted.id))
        await respond(interaction, f"Match {match.id} is open: its lobby is in this channel.")

    @app_commands.command(name="status", description="Where a match stands")
    @app_commands.describe(match="The match number (default: this thread's, or yours)")
    async def status(self, interaction: Interaction, match: MatchNumber | None = None) -> None:
        """Phase, round, deadline, seats, and which seats have submitted (never what)."""

        runtime, match_id = await _open(interaction, match)
        who = actor(interaction)
        found = await runtime.services.matches.get(match_id, who)
        scenario = await runtime.services.scenarios.of_match(match_id, who)
        submitted: set[str] = set()
        if found.phase == "orders":
            statuses = await runtime.services.orders.status(match_id, who)
            submitted = {s.seat for s in statuses if s.submitted}
        lines = render_match.status_lines(scenario, found, submitted)
        await respond(interaction, "\n".join(lines))

    @app_commands.command(name="leave", description="Give up your seat in a match")
    @app_commands.describe(match="The match number (default: this thread's, or yours)")
    async def leave(self, interaction: Interaction, match: MatchNumber | None = None) -> None:
        """Leave; in a started match the AI (or nobody) takes over the seat."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.matches.leave(match_id, actor(interaction))
        await respond(interaction, f"You left match {match_id}.")

    @app_commands.command(name="end", description="End a match early (host or moderator)")
    @app_commands.describe(reason="Why the match ends", match="The match number")
    async def end(
        self,
        interaction: Interaction,
        reason: app_commands.Range[str, 1, 300],
        match: MatchNumber | None = None,
    ) -> None:
        """End the match now, with a reason everyone sees."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.control.end(match_id, actor(interaction), reason)
        await respond(interaction, f"Match {match_id} is over.")

    @app_commands.command(name="pause", description="Stop a match's clock (host or moderator)")
    @app_commands.describe(reason="Why (shown to everyone)", match="The match number")
    async def pause(
        self,
        interaction: Interaction,
        reason: app_commands.Range[str, 0, 300] = "",
        match: MatchNumber | None = None,
    ) -> None:
        """Pause: the deadline stops; orders can still change."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.control.pause(match_id, actor(interaction), reason)
        await respond(interaction, f"Match {match_id} is paused.")

    @app_commands.command(name="resume", description="Restart a paused match's clock")
    @app_commands.describe(match="The match number")
    async def resume(self, interaction: Interaction, match: MatchNumber | None = None) -> None:
        """Resume with the time that was left."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.control.resume(match_id, actor(interaction))
        await respond(interaction, f"Match {match_id} goes on.")

    @app_commands.command(
        name="substitute", description="Hand a seat to another player (host or moderator)"
    )
    @app_commands.describe(seat="The seat's id", player="Who plays it now (empty: the AI)")
    async def substitute(
        self,
        interaction: Interaction,
        seat: app_commands.Range[str, 1, 32],
        player: discord.Member | None = None,
        match: MatchNumber | None = None,
    ) -> None:
        """Whoever holds the seat is replaced by ``player`` (or the AI)."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.control.substitute(
            match_id,
            actor(interaction),
            seat,
            None if player is None else str(player.id),
            "" if player is None else player.display_name,
        )
        name = "the AI" if player is None else esc(player.display_name)
        await respond(interaction, f"{esc(seat)} is now played by {name}.")

    @app_commands.command(name="assign", description="Seat a player (host or moderator)")
    @app_commands.describe(seat="The seat's id", player="Who takes it")
    async def assign(
        self,
        interaction: Interaction,
        seat: app_commands.Range[str, 1, 32],
        player: discord.Member,
        match: MatchNumber | None = None,
    ) -> None:
        """The host seats a player."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.matches.assign_seat(
            match_id,
            actor(interaction),
            str(player.id),
            player.display_name,
            seat,
        )
        await respond(interaction, f"{esc(player.display_name)} now holds {esc(seat)}.")
        await _redraw_lobby(interaction, match_id)

    @app_commands.command(name="captain", description="Make a team member its captain")
    @app_commands.describe(
        player="Who locks the team's orders from now on", match="The match number"
    )
    async def captain(
        self,
        interaction: Interaction,
        player: discord.Member,
        match: MatchNumber | None = None,
    ) -> None:
        """The captain hands over to a teammate; the host or a moderator picks any captain."""

        runtime, match_id = await _open(interaction, match)
        found = await runtime.services.matches.set_captain(
            match_id, actor(interaction), str(player.id)
        )
        seat = found.seat_of(str(player.id)) or ""
        await respond(interaction, f"{esc(player.display_name)} is {esc(seat)}'s captain now.")

    @app_commands.command(name="watchers", description="Who watches a match as a spectator")
    @app_commands.describe(match="The match number (default: this thread's, or yours)")
    async def watchers(self, interaction: Interaction, match: MatchNumber | None = None) -> None:
        """The spectators, longest watching first."""

        runtime, match_id = await _open(interaction, match)
        found = await runtime.services.matches.watchers(match_id, actor(interaction))
        names = ", ".join(esc(w.name) for w in found)
        await respond(
            interaction,
            f"Match {match_id} has {len(found)} spectator(s)" + (f": {names}." if found else "."),
        )

    @app_commands.command(name="remove", description="Take a player out of a match (host)")
    @app_commands.describe(player="Who leaves their seat")
    async def remove(
        self, interaction: Interaction, player: discord.Member, match: MatchNumber | None = None
    ) -> None:
        """The host removes a player from their seat."""

        runtime, match_id = await _open(interaction, match)
        await runtime.services.matches.remove_player(match_id, actor(interaction), str(player.id))
        await respond(interaction, f"{esc(player.display_name)} left match {match_id}.")
        await _redraw_lobby(interaction, match_id)


async def _redraw_lobby(interaction: Interaction, match_id: int) -> None:
    """Show a seat change made by command on the lobby message, as a button click would."""
    runtime, who = runtime_of(interaction.client), actor(interaction)
    where = await runtime.threads.lobby_of(match_id)
    match = await runtime.services.matches.get(match_id, who)
    if where is None or match.phase != "lobby":
        return  # after Start the lobby is history; the match's thread shows the seats
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    embeds, view = render_match.lobby(scenario, match)
    channel = interaction.client.get_partial_messageable(where[0])
    await channel.get_partial_message(where[1]).edit(
        embeds=embeds, view=view or discord.utils.MISSING
    )


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(MatchCommands())
