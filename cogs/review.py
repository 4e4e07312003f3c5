"""``/match history``, ``log``, ``export`` and ``verify``: reviewing matches in Discord.

The commands belong to the ``/match`` group, which is one ``GroupCog`` (``cogs/match.py``):
``ReviewCommands`` is a mixin of ``MatchCommands``, never added on its own. This extension's
``setup`` routes the persistent buttons (history pages, log pages, the round picker, charts).

Every command and button defers before it reads the store or draws anything, then loads the
match record, cuts it for the asker with ``bot.review.redact.view_for`` (the one gate for
secrets: while a match runs the asker sees the public view plus their own seat's secrets, the
seat coming from the store), renders and replies ephemerally. A match of another server is
answered exactly like a match that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import ids, limits
from bot.discord.components import Given, router_of
from bot.discord.early import DEFER, THINKING_PRIVATELY
from bot.discord.render_review import (
    HISTORY_PAGE,
    HistoryQuery,
    charts_message,
    export_attachment,
    export_note,
    find_page,
    history_message,
    log_book,
    log_message,
    parse_log,
    verify_text,
)
from bot.discord.replies import respond
from bot.discord.runtime import runtime_of
from bot.discord.who import actor, match_for
from bot.game.scenario import Scenario
from bot.review.charts import render_charts
from bot.review.exports import Format, export_async
from bot.review.from_store import RecordNotFound, load_record
from bot.review.record import MatchRecord
from bot.review.redact import view_for
from bot.scenarios import builtin_ids
from bot.services.errors import InvalidInput, NotFound

Interaction = discord.Interaction[Any]
MatchNumber = app_commands.Range[int, 1, 10**12]
SCENARIO_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
NO_MATCH = "there is no match {id} in this server"
GONE = "match {id} is no longer in this server's records; /match history lists those that are"


@dataclass(frozen=True)
class Loaded:
    """A match record cut for the asker (``record.viewer`` is their seat), with its scenario."""

    scenario: Scenario
    record: MatchRecord


async def load_view(interaction: Interaction, match_id: int | None, missing: str) -> Loaded:
    """The record of a match of this server, as the asker may see it now (NotFound otherwise)."""
    if match_id is None:
        raise NotFound("that control is not one I know")
    services, who = runtime_of(interaction.client).services, actor(interaction)
    try:
        scenario = await services.scenarios.of_match(match_id, who)  # this server's only
        scenario, full = await load_record(services.ctx, match_id, scenario)
    except (NotFound, RecordNotFound):
        raise NotFound(missing.format(id=match_id)) from None
    seat, umpire = None, False
    if not full.over:
        seat, umpire = await services.matches.sight_of(match_id, who)
    return Loaded(scenario, view_for(full, scenario, seat, umpire=umpire))


def seat_named(scenario: Scenario, text: str) -> str:
    """The seat id a player typed (its id or name, in any case), or InvalidInput."""
    wanted = " ".join(text.split()).casefold()
    for seat in scenario.seats:
        if wanted in (seat.id.casefold(), seat.name.casefold()):
            return seat.id
    known = ", ".join(f"`{s.id}`" for s in scenario.seats)
    raise InvalidInput(limits.fit(f"this match has no such seat; its seats are {known}", 1800))


async def history_reply(
    interaction: Interaction, query: HistoryQuery
) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """A page of this server's matches, filtered as the query says."""
    services = runtime_of(interaction.client).services
    found = await services.matches.list_matches(
        actor(interaction),
        player=query.player,
        scenario_id=query.scenario,
        limit=HISTORY_PAGE + 1,
        offset=query.page * HISTORY_PAGE,
    )
    scenarios: dict[str, Scenario | None] = {}
    for match in found[:HISTORY_PAGE]:
        if match.scenario_sha256 not in scenarios:
            try:
                scenarios[match.scenario_sha256] = await services.scenarios.get(
                    match.scenario_sha256
                )
            except NotFound:
                scenarios[match.scenario_sha256] = None
    rows = [(m, scenarios[m.scenario_sha256]) for m in found[:HISTORY_PAGE]]
    return history_message(rows, query, len(found) > HISTORY_PAGE)


async def _private(interaction: Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)


class ReviewCommands(commands.Cog):
    """Reviewing matches: a mixin of ``MatchCommands`` (the ``/match`` group)."""

    @app_commands.command(name="history", description="This server's matches, newest first")
    @app_commands.describe(
        player="Only matches this member plays in",
        scenario="Only matches of this scenario (its id, as /scenarios shows it)",
    )
    async def history(
        self,
        interaction: Interaction,
        player: discord.User | None = None,
        scenario: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """List the server's matches, ten a page, with Newer and Older buttons."""

        await _private(interaction)
        wanted = None if scenario is None else scenario.strip().lower()
        if wanted is not None and not SCENARIO_ID.match(wanted):
            raise InvalidInput(
                "a scenario id is lower-case letters, digits, - and _ (see /scenarios)"
            )
        query = HistoryQuery(0, None if player is None else str(player.id), wanted)
        embeds, buttons = await history_reply(interaction, query)
        await respond(interaction, embeds=embeds, view=buttons)

    @history.autocomplete("scenario")
    async def _scenario_ids(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Built-in scenario ids containing what was typed."""
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=name, value=name) for name in builtin_ids() if typed in name
        ][:25]

    @app_commands.command(name="log", description="A match's timeline, a round per page")
    @app_commands.describe(
        match="The match number (default: this thread's; see /match history)",
        round="Open at this round (0: before round 1)",
        seat="Only this seat's orders and what they caused (its id or name)",
    )
    async def log(
        self,
        interaction: Interaction,
        match: MatchNumber | None = None,
        round: app_commands.Range[int, 0, 20] | None = None,
        seat: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        """Orders and arguments, events and decisions, every change with its cause, moderation."""

        await _private(interaction)
        match_id = await match_for(interaction, runtime_of(interaction.client), match)
        loaded = await load_view(interaction, match_id, NO_MATCH)
        only = None if seat is None else seat_named(loaded.scenario, seat)
        forks = await runtime_of(interaction.client).services.whatif.forks(
            match_id, actor(interaction)
        )
        book = log_book(loaded.scenario, loaded.record, only, forks)
        index = 0
        if round is not None:
            played = loaded.record.match.rounds_played
            if round > played:
                raise InvalidInput(
                    f"match {match_id} has {played} resolved round(s) so far: "
                    f"pick a round from 0 to {played}"
                )
            index = find_page(book, f"{round}.0")
        embeds, buttons = log_message(loaded.record, book, index, only)
        await respond(interaction, embeds=embeds, view=buttons)

    @app_commands.command(name="export", description="A match's record as a file")
    @app_commands.describe(
        match="The match number (default: this thread's; see /match history)",
        format="json: the whole record · markdown · html: a page with charts · csv: for grading",
    )
    async def export(
        self, interaction: Interaction, format: Format, match: MatchNumber | None = None
    ) -> None:
        """Attach the record in one format (cut for the asker while the match runs)."""

        await _private(interaction)
        match_id = await match_for(interaction, runtime_of(interaction.client), match)
        loaded = await load_view(interaction, match_id, NO_MATCH)
        exported = await export_async(loaded.scenario, loaded.record, format)
        if len(exported.data) > interaction.filesize_limit:
            raise InvalidInput(
                f"the {format} file is too large to attach here "
                f"({len(exported.data) // 1024} KiB); ask a host to run `levers export`"
            )
        note = export_note(loaded.record, format)
        await respond(interaction, note, files=[export_attachment(exported)])

    @app_commands.command(name="verify", description="Replay a match from the store (moderators)")
    @app_commands.describe(match="The match number (default: this thread's; see /match history)")
    async def verify(self, interaction: Interaction, match: MatchNumber | None = None) -> None:
        """Moderators only: re-run the match from its stored scenario, seed and orders."""

        await _private(interaction)
        runtime, who = runtime_of(interaction.client), actor(interaction)
        match_id = await match_for(interaction, runtime, match)
        try:
            found = await runtime.services.matches.get(match_id, who)
            report = await runtime.services.verify_replay(match_id, who)
        except NotFound:
            raise NotFound(NO_MATCH.format(id=match_id)) from None
        await respond(interaction, verify_text(report, found.scenario_id))


# --- the persistent buttons ---------------------------------------------------------------------


async def _edit(
    interaction: Interaction, embeds: list[discord.Embed], view: discord.ui.View | None
) -> None:
    limits.check_message(None, embeds, view)
    await interaction.edit_original_response(embeds=embeds, view=view)


async def turn_history(interaction: Interaction, route: ids.Route, given: Given) -> None:
    """Newer / Older: the page the button names, read from the store now."""
    await interaction.response.defer()
    await _edit(interaction, *await history_reply(interaction, HistoryQuery.parse(route.arg)))


async def _log_page(
    interaction: Interaction, match_id: int | None, key: str, seat: str | None
) -> None:
    loaded = await load_view(interaction, match_id, GONE)
    only = seat if seat in loaded.scenario.seat_ids else None
    assert match_id is not None  # load_view refuses a button without a match
    forks = await runtime_of(interaction.client).services.whatif.forks(match_id, actor(interaction))
    book = log_book(loaded.scenario, loaded.record, only, forks)
    await _edit(interaction, *log_message(loaded.record, book, find_page(book, key), only))


async def turn_log(interaction: Interaction, route: ids.Route, given: Given) -> None:
    """Previous / Next: the page the button names, cut for whoever clicked."""
    await interaction.response.defer()
    key, seat = parse_log(route.arg)
    await _log_page(interaction, route.match, key, seat)


async def jump_log(interaction: Interaction, route: ids.Route, given: Given) -> None:
    """The round picker: the first page of the chosen round."""
    await interaction.response.defer()
    await _log_page(interaction, route.match, given.values[0] if given.values else "s.0", route.arg)


async def show_charts(interaction: Interaction, route: ids.Route, given: Given) -> None:
    """Charts: the scores and metrics over the rounds, as the clicker may see them now."""
    await _private(interaction)
    loaded = await load_view(interaction, route.match, GONE)
    for message in charts_message(loaded.record, await render_charts(loaded.record)):
        await respond(interaction, embeds=message.embeds, files=message.files())


ROUTES = {"hist": turn_history, "log": turn_log, "logjump": jump_log, "charts": show_charts}
EARLY = {"hist": DEFER, "log": DEFER, "logjump": DEFER, "charts": THINKING_PRIVATELY}


async def setup(bot: commands.Bot) -> None:
    """Route the review buttons (the commands come with ``cogs.match``)."""
    router = router_of(bot)
    for action, handler in ROUTES.items():
        router.add(action, handler, EARLY.get(action))


async def teardown(bot: commands.Bot) -> None:
    """Stop routing the review buttons."""
    router = router_of(bot)
    for action in ROUTES:
        router.remove(action)
