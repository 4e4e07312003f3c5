"""``/deal``: propose, list, talks; and the proposals' Accept, Reject and Counter buttons.

A proposal goes where only the other parties see it: the pair's private talks thread when
there is one, else the other seat's team thread, else nowhere public (they find it with
``/deal list`` and in their orders panel). The seat always comes from who clicks; the deal id in
a custom_id is checked again by the service (a party, the round being played).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.discord import limits, render_deals
from bot.discord.components import Given, router_of
from bot.discord.early import THINKING_PRIVATELY
from bot.discord.ids import Route
from bot.discord.replies import respond
from bot.discord.runtime import Runtime, runtime_of
from bot.discord.text import esc
from bot.discord.who import actor, match_for
from bot.game.deal_state import Deal, DealKind, Term
from bot.game.deals import MAX_TEXT
from bot.game.scenario import Move, Scenario
from bot.render.deals import deal_lines
from bot.services import USER_ERRORS
from bot.services.errors import InvalidInput
from bot.services.models import SYSTEM, Actor

Interaction = discord.Interaction[Any]
MatchNumber = app_commands.Range[int, 1, 10**12]
NO_PRIVATE_THREADS = (
    "This server does not let Levers open private threads (it needs **Create Private "
    "Threads** and **Send Messages in Threads** in this channel). Deals still work: propose "
    "with `/deal propose`; the other side answers from `/deal list` or its orders panel."
)


def _rounds(text: str | None, first_round: int, last_round: int) -> tuple[int, int]:
    if not text:
        return first_round, first_round
    low, _dash, high = text.strip().partition("-")
    if low.strip().isdigit() and (not high or high.strip().isdigit()):
        first, last = int(low), int(high or low)
        if first_round <= first <= last <= last_round:
            return first, last
    raise InvalidInput(
        f"rounds are a number or a span from {first_round} to {last_round}, e.g. {first_round} "
        f"or {first_round}-{last_round}"
    )


def _move(scenario: Scenario, seat: str, given: str) -> Move:
    typed = given.strip().lower()
    for move in scenario.moves_of(seat):
        if typed in (move.id.lower(), move.name.lower()):
            return move
    raise InvalidInput(f"{scenario.seat(seat).name} has no move '{given[:60]}'")


def _terms(
    scenario: Scenario,
    seat: str,
    other: str,
    give: str | None,
    get: str | None,
    span: tuple[int, int],
    avoid: str | None = None,
) -> list[Term]:
    """The terms of a deal between the seat and ``other``: what the seat gives, what it asks
    ``other`` to play, and what it asks ``other`` not to play (a promise). ``get`` may also be
    written ``not <move>`` (the counter's modal has no separate field)."""
    if other not in scenario.seat_ids:
        raise InvalidInput(f"there is no seat '{other[:40]}'")
    terms = []
    if give:
        mine, refrain = _negated(give)
        terms.append(Term(seat, _move(scenario, seat, mine).id, *span, avoid=refrain))
    if get:
        theirs, refrain = _negated(get)
        terms.append(Term(other, _move(scenario, other, theirs).id, *span, avoid=refrain))
    if avoid:
        terms.append(Term(other, _move(scenario, other, avoid).id, *span, avoid=True))
    if not any(t.seat == other for t in terms):
        raise InvalidInput(
            "ask the other seat for something: a move to play (`get`) or one not to play (`avoid`)"
        )
    return terms


def _negated(given: str) -> tuple[str, bool]:
    """``not X`` is a promise not to play X."""
    text = given.strip()
    if text.lower().startswith("not "):
        return text[4:].strip(), True
    return text, False


def _kind(text: str | None, terms: Sequence[Term] = ()) -> DealKind:
    """The kind asked for; when none is, an escrow when both sides play a move, else a promise
    (an escrow cannot hold a promise not to play)."""
    if not text or not text.strip():
        sides = {t.seat for t in terms if not t.avoid}
        plays_only = all(not t.avoid for t in terms)
        return "escrow" if len(sides) >= 2 and plays_only else "promise"
    kind = text.strip().lower()
    if kind == "escrow":
        return "escrow"
    if kind == "promise":
        return "promise"
    raise InvalidInput("a deal is a promise or an escrow")


async def _context(
    interaction: Interaction, match: int | None
) -> tuple[Runtime, int, Actor, Scenario]:
    runtime = runtime_of(interaction.client)
    match_id = await match_for(interaction, runtime, match)
    who = actor(interaction)
    return runtime, match_id, who, await runtime.services.scenarios.of_match(match_id, who)


async def _seat_choices(interaction: Interaction, current: str) -> list[Choice[str]]:
    try:
        runtime, match_id, who, scenario = await _context(interaction, interaction.namespace.match)
        mine = await runtime.services.deals.of_seat(match_id, who)
    except USER_ERRORS:
        return []
    typed = current.lower()
    seats = [s for s in (*mine.ai_seats, *mine.people_seats) if s != mine.seat]
    found = [(s, scenario.seat(s).name) for s in scenario.seat_ids if s in seats]
    return [
        Choice(name=limits.fit(f"{n} · {s}", 100), value=s)
        for s, n in found
        if typed in f"{s} {n}".lower()
    ][:25]


async def _moves(
    interaction: Interaction, current: str, own: bool, field: str = "seat"
) -> list[Choice[str]]:
    try:
        runtime, match_id, who, scenario = await _context(interaction, interaction.namespace.match)
        seat = (await runtime.services.deals.of_seat(match_id, who)).seat
    except USER_ERRORS:
        return []
    if not own:
        seat = str(getattr(interaction.namespace, field) or "")
        if seat not in scenario.seat_ids:
            return []
    typed = current.lower()
    return [
        Choice(name=limits.fit(f"{m.name} · {m.cost} AP", 100), value=m.id)
        for m in scenario.moves_of(seat)
        if typed in f"{m.id} {m.name}".lower()
    ][:25]


async def _give_choices(interaction: Interaction, current: str) -> list[Choice[str]]:
    return await _moves(interaction, current, own=True)


async def _get_choices(interaction: Interaction, current: str) -> list[Choice[str]]:
    return await _moves(interaction, current, own=False)


async def _get2_choices(interaction: Interaction, current: str) -> list[Choice[str]]:
    return await _moves(interaction, current, own=False, field="seat2")


async def deliver(
    runtime: Runtime, client: discord.Client, scenario: Scenario, match_id: int, deal: Deal
) -> list[str]:
    """Post a proposal to the other parties waiting for it, where only they see it: the
    pair's talks thread, else their team thread. Returns the seats it reached."""
    if deal.status != "proposed":
        return []
    talks = await runtime.services.deals.talk_threads(match_id, SYSTEM)
    teams = await runtime.services.team_threads.of_match(match_id)
    reached = []
    for seat in deal.parties:
        if seat in deal.accepted_by:
            continue
        pair = {deal.proposer, seat}
        thread = next((t.thread_id for t in talks if set(t.seats) == pair), None) or teams.get(seat)
        if thread is None:
            continue
        embeds, view = render_deals.proposal(scenario, match_id, deal.deadline, deal)
        channel = client.get_partial_messageable(int(thread))
        await channel.send(
            embeds=embeds, view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        reached.append(seat)
    return reached


def _told(scenario: Scenario, deal: Deal, reached: list[str]) -> str:
    lines = [esc(line) for line in deal_lines(scenario, deal)]
    if deal.status == "active":
        lines.append("✅ Every party has accepted: the deal is in force.")
    elif deal.status == "rejected":
        lines.append("❌ Rejected.")
    elif reached:
        names = ", ".join(esc(scenario.seat(s).name) for s in reached)
        lines.append(f"Sent to {names} where only they see it, with Accept, Reject and Counter.")
    else:
        lines.append(
            "The other side sees it with `/deal list` and in its orders panel (no private "
            "thread of theirs to post it in)."
        )
    return limits.fit("\n".join(lines), limits.CONTENT)


@app_commands.guild_only()
class DealCommands(commands.GroupCog, group_name="deal", group_description="Deals between seats"):
    """Proposing deals, listing them, and private talks between two seats."""

    @app_commands.command(name="propose", description="Propose a deal to another seat")
    @app_commands.describe(
        seat="The seat you deal with",
        get="The move you ask of that seat",
        kind="escrow: both moves run together or not at all; promise: each keeps its word",
        give="Your move in exchange (none: a promise asked for)",
        rounds="The rounds it covers: 3, or 3-4 (default: this round)",
        text="A short message (up to 300 characters)",
        match="The match number (default: this thread's, or yours)",
        avoid="A move that seat promises NOT to play (a promise)",
        seat2="A third party (optional): another seat in the same deal",
        get2="The move you ask of the third party",
        avoid2="A move the third party promises NOT to play",
    )
    @app_commands.choices(
        kind=[Choice(name="escrow", value="escrow"), Choice(name="promise", value="promise")]
    )
    @app_commands.autocomplete(
        seat=_seat_choices,
        give=_give_choices,
        get=_get_choices,
        avoid=_get_choices,
        seat2=_seat_choices,
        get2=_get2_choices,
        avoid2=_get2_choices,
    )
    async def propose(
        self,
        interaction: Interaction,
        seat: app_commands.Range[str, 1, 40],
        get: app_commands.Range[str, 1, 100] | None = None,
        kind: str | None = None,
        give: app_commands.Range[str, 1, 100] | None = None,
        rounds: app_commands.Range[str, 1, 5] | None = None,
        text: app_commands.Range[str, 0, MAX_TEXT] = "",
        match: MatchNumber | None = None,
        avoid: app_commands.Range[str, 1, 100] | None = None,
        seat2: app_commands.Range[str, 1, 40] | None = None,
        get2: app_commands.Range[str, 1, 100] | None = None,
        avoid2: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Propose; AI parties answer at once, people get it where only they see it. Without a
        kind: an escrow when two or more sides play a move (and none promises not to), else a
        promise. ``seat2`` makes it a deal of three."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime, match_id, who, scenario = await _context(interaction, match)
        mine = await runtime.services.deals.of_seat(match_id, who)
        span = _rounds(rounds, mine.round, mine.state.last_round)
        terms = _terms(scenario, mine.seat, seat, give, get, span, avoid)
        if seat2:  # a deal of three: what the third party plays, or promises not to
            if seat2 == seat:
                raise InvalidInput("the third party is another seat than the second")
            terms += _terms(scenario, mine.seat, seat2, None, get2, span, avoid2)
        elif get2 or avoid2:
            raise InvalidInput("name the third party (`seat2`) for `get2` or `avoid2`")
        deal = await runtime.services.deals.propose(
            match_id, who, terms, _kind(kind, terms), text, round=mine.round
        )
        reached = await deliver(runtime, interaction.client, scenario, match_id, deal)
        await respond(interaction, _told(scenario, deal, reached))

    @app_commands.command(name="list", description="Your seat's deals, and answers to offers")
    @app_commands.describe(match="The match number (default: this thread's, or yours)")
    async def list_(self, interaction: Interaction, match: MatchNumber | None = None) -> None:
        """The seat's deals (ephemeral), with Accept/Reject/Counter for each offer waiting."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime, match_id, who, scenario = await _context(interaction, match)
        mine = await runtime.services.deals.of_seat(match_id, who)
        embeds, view = render_deals.listing(
            scenario, match_id, mine.round, mine.deals, mine.waiting
        )
        await respond(interaction, embeds=embeds, view=view)

    @app_commands.command(name="talks", description="Open private talks with another seat")
    @app_commands.describe(
        seat="The seat to talk with", match="The match number (default: this thread's, or yours)"
    )
    @app_commands.autocomplete(seat=_seat_choices)
    async def talks(
        self,
        interaction: Interaction,
        seat: app_commands.Range[str, 1, 40],
        match: MatchNumber | None = None,
    ) -> None:
        """A private thread with both seats' players in it (or where it already is)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        runtime, match_id, who, scenario = await _context(interaction, match)
        room = await runtime.services.deals.talk_thread(match_id, who, seat)
        if room.thread is not None:
            await respond(
                interaction,
                f"Your talks with {esc(scenario.seat(seat).name)} are in "
                f"<#{room.thread.thread_id}>.",
            )
            return
        found = await runtime.services.matches.get(match_id, who)
        parent = await _parent(interaction.client, found.channel_id)
        if parent is None:
            await respond(interaction, NO_PRIVATE_THREADS)
            return
        names = " and ".join(scenario.seat(s).name for s in room.seats)
        try:
            thread = await parent.create_thread(
                name=limits.fit(f"Match {match_id}: talks, {names}", limits.THREAD_NAME),
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=10080,
            )
        except discord.Forbidden:
            await respond(interaction, NO_PRIVATE_THREADS)
            return
        await runtime.services.deals.set_talk_thread(match_id, who, seat, str(thread.id))
        for player in room.players:
            if player.isdigit():
                await interaction.client.http.add_user_to_thread(thread.id, int(player))
        await thread.send(
            f"**{esc(names)}**: private talks for match {match_id}. Only these seats' players "
            "see this thread. Propose with `/deal propose`: proposals between you come here.",
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await respond(interaction, f"Private talks opened: <#{thread.id}>.")


async def _parent(client: discord.Client, channel_id: str | None) -> discord.TextChannel | None:
    if channel_id is None:
        return None
    found = client.get_channel(int(channel_id)) or await client.fetch_channel(int(channel_id))
    return found if isinstance(found, discord.TextChannel) else None


def _route(route: Route) -> tuple[int, int, str]:
    if route.match is None or route.round is None or not route.arg:
        raise InvalidInput("that control names no deal")
    return route.match, route.round, route.arg


async def _answer(interaction: Interaction, route: Route, accept: bool) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, deal_id = _route(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    deal = await runtime.services.deals.answer(match_id, who, deal_id, accept, round=round_number)
    await respond(interaction, _told(scenario, deal, []))
    if isinstance(interaction.channel, discord.Thread):  # tell the others in the thread
        word = "accepted" if accept else "rejected"
        now = "it is in force" if deal.status == "active" else deal.status
        await interaction.channel.send(
            f"{esc(who.label)} {word} deal {esc(deal.id)}: {esc(now)}.",
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def accept(interaction: Interaction, route: Route, given: Given) -> None:
    """Accept a proposal."""
    await _answer(interaction, route, True)


async def reject(interaction: Interaction, route: Route, given: Given) -> None:
    """Reject a proposal."""
    await _answer(interaction, route, False)


async def counter(interaction: Interaction, route: Route, given: Given) -> None:
    """Open the counter-proposal's modal, prefilled with the deal it answers."""
    match_id, round_number, deal_id = _route(route)
    runtime = runtime_of(interaction.client)
    mine = await runtime.services.deals.of_seat(match_id, actor(interaction))
    deal = next((d for d in mine.waiting if d.id == deal_id), None)
    if deal is None or mine.round != round_number:
        raise InvalidInput(f"deal {deal_id} is not waiting for your answer")
    first = min(t.first for t in deal.terms)
    last = max(t.last for t in deal.terms)
    await interaction.response.send_modal(
        render_deals.CounterModal(match_id, round_number, deal, mine.seat, first, last)
    )


async def countered(interaction: Interaction, route: Route, given: Given) -> None:
    """The counter's modal: reject the deal and propose the new one in its place."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    match_id, round_number, deal_id = _route(route)
    runtime = runtime_of(interaction.client)
    who = actor(interaction)
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    mine = await runtime.services.deals.of_seat(match_id, who)
    old = next((d for d in mine.deals if d.id == deal_id), None)
    if old is None:
        raise InvalidInput(f"deal {deal_id} is not one of yours")
    other = next((s for s in old.parties if s != mine.seat), "")
    fields = given.fields
    span = _rounds(fields.get(render_deals.ROUNDS), mine.round, mine.state.last_round)
    terms = _terms(
        scenario,
        mine.seat,
        other,
        fields.get(render_deals.GIVE, "").strip() or None,
        fields.get(render_deals.GET, ""),
        span,
    )
    kind = _kind(fields.get(render_deals.KIND, ""), terms)
    text = fields.get(render_deals.TEXT, "")
    deal = await runtime.services.deals.counter(
        match_id, who, deal_id, terms, kind, text, round=round_number
    )
    reached = await deliver(runtime, interaction.client, scenario, match_id, deal)
    await respond(interaction, f"Deal {esc(deal_id)} countered.\n" + _told(scenario, deal, reached))


ACTIONS = {"dealyes": accept, "dealno": reject, "dealctr": counter, "dealcm": countered}
EARLY = {"dealyes": THINKING_PRIVATELY, "dealno": THINKING_PRIVATELY, "dealcm": THINKING_PRIVATELY}


async def setup(bot: commands.Bot) -> None:
    """Add ``/deal`` and route the proposals' buttons."""
    await bot.add_cog(DealCommands())
    router = router_of(bot)
    for action, handler in ACTIONS.items():
        router.add(action, handler, EARLY.get(action))


async def teardown(bot: commands.Bot) -> None:
    """Stop routing them."""
    for action in ACTIONS:
        router_of(bot).remove(action)
