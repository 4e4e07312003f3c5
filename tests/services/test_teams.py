"""Teams: a seat held by up to ``team_size`` players, its captain, and one team draft."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.game.state import SeatOrders
from bot.review.export_csv import player_rows
from bot.review.from_store import load_record
from bot.services import Actor, ManualClock, Services
from bot.services.drafts import with_move
from bot.services.errors import InvalidInput, NotAllowed, SeatTaken
from bot.services.models import SYSTEM, Authors
from tests.services.helpers import ANA, BEN, CAT, MOD, rows, tutorial_sha

DAN = Actor("400", "Dan")
EVE = Actor("500", "Eve")


async def _team_match(services: Services, size: int = 3, deadline: int | None = None) -> int:
    sha = await tutorial_sha(services)
    match = await services.matches.create(
        ANA, sha, seed=11, team_size=size, deadline_seconds=deadline, guild_id="g1"
    )
    return match.id


async def test_team_size_multiplies_the_seats_and_fills_each_team(services: Services) -> None:
    match_id = await _team_match(services, size=2)
    await services.matches.take_seat(match_id, ANA, "upstream")
    await services.matches.take_seat(match_id, BEN, "upstream")
    with pytest.raises(SeatTaken, match="team is full"):
        await services.matches.take_seat(match_id, CAT, "upstream")
    sha = await tutorial_sha(services)
    with pytest.raises(InvalidInput):
        await services.matches.create(ANA, sha, team_size=11)
    solo = await services.matches.create(ANA, sha)
    assert solo.team_size == 1 and not solo.teams
    await services.matches.take_seat(solo.id, ANA, "upstream")
    with pytest.raises(SeatTaken):
        await services.matches.take_seat(solo.id, BEN, "upstream")


async def test_the_default_scenario_seats_thirty_in_teams_of_five(services: Services) -> None:
    stored = await services.scenarios.add_builtin("venezuela-2021")
    match = await services.matches.create(ANA, stored.sha256, team_size=5)
    people = [Actor(str(1000 + i), f"P{i}") for i in range(31)]
    for i, person in enumerate(people[:30]):
        await services.matches.take_seat(match.id, person, match.seats[i // 5].seat)
    full = await services.matches.get(match.id, SYSTEM)
    assert sum(len(s.holders) for s in full.seats) == 30
    with pytest.raises(SeatTaken):
        await services.matches.take_seat(match.id, people[30], match.seats[0].seat)


async def test_captain_is_the_first_hands_over_and_passes_to_the_longest_serving(
    services: Services,
) -> None:
    match_id = await _team_match(services)
    for person in (BEN, CAT, DAN):
        await services.matches.take_seat(match_id, person, "upstream")
    match = await services.matches.get(match_id, SYSTEM)
    assert match.captain_of("upstream") == BEN.player
    with pytest.raises(NotAllowed):  # only the captain hands over (or the host, a moderator)
        await services.matches.set_captain(match_id, CAT, CAT.player)
    match = await services.matches.set_captain(match_id, BEN, DAN.player)
    assert match.captain_of("upstream") == DAN.player
    match = await services.matches.set_captain(match_id, MOD, CAT.player)
    assert match.captain_of("upstream") == CAT.player
    match = await services.matches.leave(match_id, CAT)
    assert match.captain_of("upstream") == BEN.player  # Ben joined first of those left
    kinds = [e.kind for e in await services.matches.log(match_id, SYSTEM, kinds=["captain"])]
    assert len(kinds) == 4


async def test_members_edit_one_draft_at_once_and_only_the_captain_submits(
    services: Services, db: Path
) -> None:
    match_id = await _team_match(services)
    for person in (BEN, CAT, DAN):
        await services.matches.take_seat(match_id, person, "upstream")
    await services.matches.start(match_id, ANA)
    drafts = services.drafts

    def add(move: str, argument: str) -> Callable[[str, SeatOrders], SeatOrders]:
        return lambda _seat, d: with_move(d, move, argument)

    await asyncio.gather(
        drafts.change(match_id, CAT, 1, add("upstream.talks", "talk first")),
        drafts.change(match_id, DAN, 1, add("upstream.small_turbines", "cheap")),
    )
    _seat, _round, draft = await drafts.get(match_id, BEN)
    assert {o.move for o in draft.moves} == {"upstream.talks", "upstream.small_turbines"}
    _seat, _draft, authors = await drafts.change(
        match_id, BEN, 1, add("upstream.talks", "talk first, and often")
    )
    assert authors["upstream.talks"] == Authors(CAT.player, BEN.player)
    assert authors["upstream.small_turbines"] == Authors(DAN.player, DAN.player)
    with pytest.raises(NotAllowed, match="captain"):
        await drafts.submit(match_id, CAT, 1)
    with pytest.raises(NotAllowed, match="captain"):
        await services.orders.submit(match_id, DAN, [("upstream.talks", "x")])
    done = await drafts.submit(match_id, BEN, 1)
    assert done.resolved  # the other seats are the AI's
    stored = rows(
        db,
        "SELECT move, author, argument_author FROM submission_orders ORDER BY move",
    )
    assert stored == [
        ("upstream.small_turbines", DAN.player, DAN.player),
        ("upstream.talks", CAT.player, BEN.player),
    ]


async def test_at_the_deadline_a_team_draft_locks_as_it_stands(
    services: Services, db: Path
) -> None:
    match_id = await _team_match(services, deadline=600)
    for person in (BEN, CAT):
        await services.matches.take_seat(match_id, person, "upstream")
    await services.matches.start(match_id, ANA)
    await services.drafts.change(
        match_id, CAT, 1, lambda _s, d: with_move(d, "upstream.talks", "as it stands")
    )
    outcome = await services.rounds.resolve(match_id, 1, SYSTEM, trigger="deadline")
    played = {r.source for r in outcome.records}
    assert "move:upstream.talks" in played
    locked = rows(db, "SELECT source, orders FROM locked_orders WHERE seat = 'upstream'")
    assert locked[0][0] == "players" and "as it stands" in locked[0][1]  # not the AI's


async def test_the_record_and_gradebook_credit_every_member(
    services: Services, clock: ManualClock
) -> None:
    match_id = await _team_match(services, deadline=600)
    for person in (BEN, CAT, DAN):
        await services.matches.take_seat(match_id, person, "upstream")
    await services.matches.start(match_id, ANA)
    await services.drafts.change(
        match_id, CAT, 1, lambda _s, d: with_move(d, "upstream.talks", "Cat argues")
    )
    await services.drafts.change(
        match_id, DAN, 1, lambda _s, d: with_move(d, "upstream.small_turbines", "")
    )
    await services.matches.leave(match_id, BEN)  # the captain leaves mid-round: Cat leads
    clock.advance(5)
    await services.drafts.submit(match_id, CAT, 1)
    _scenario, record = await load_record(services.store, match_id)
    holders = {h.player: h for h in record.seat("upstream").holders}
    assert holders[BEN.player].joined_round == 0 and holders[BEN.player].left_round == 1
    assert holders[BEN.player].roles == ["captain"] and holders[CAT.player].roles == ["captain"]
    assert holders[DAN.player].roles == [] and holders[DAN.player].left_round is None
    turn = next(t for t in record.rounds[0].turns if t.seat == "upstream")
    by_move = {o.move: (o.author, o.argument_author) for o in turn.orders}
    assert by_move == {
        "upstream.talks": (CAT.player, CAT.player),
        "upstream.small_turbines": (DAN.player, DAN.player),
    }
    rows_ = {r.player_id: r for r in player_rows(record) if r.ai == "no"}
    assert set(rows_) == {BEN.player, CAT.player, DAN.player}, "one row per player"
    assert rows_[CAT.player].arguments_written == 1 and rows_[DAN.player].arguments_written == 0
    assert rows_[DAN.player].moves_added == 1 and rows_[DAN.player].orders_on_time == 1
    assert rows_[CAT.player].role == "captain" and rows_[DAN.player].role == "member"
    assert rows_[BEN.player].rounds_played == 0


async def test_spectators_watch_unless_seated_and_stop_when_they_sit(services: Services) -> None:
    match_id = await _team_match(services)
    await services.matches.take_seat(match_id, BEN, "upstream")
    assert await services.matches.watch(match_id, CAT) is True
    with pytest.raises(NotAllowed):
        await services.matches.watch(match_id, BEN)
    assert [w.player for w in await services.matches.watchers(match_id, ANA)] == [CAT.player]
    await services.matches.take_seat(match_id, CAT, "downstream")
    assert await services.matches.watchers(match_id, ANA) == []
    assert await services.matches.watch(match_id, DAN) is True
    assert await services.matches.watch(match_id, DAN) is False  # pressed again: stops


async def test_a_substitute_leads_the_seat_they_take(services: Services) -> None:
    match_id = await _team_match(services)
    for person in (BEN, CAT):
        await services.matches.take_seat(match_id, person, "upstream")
    await services.matches.take_seat(match_id, DAN, "downstream")
    await services.matches.start(match_id, ANA)
    match = await services.control.substitute(match_id, ANA, "upstream", DAN.player, "Dan")
    assert match.seat("upstream").players == (DAN.player,)  # type: ignore[union-attr]
    assert match.captain_of("upstream") == DAN.player
    await services.drafts.submit(match_id, DAN, 1)  # the new captain can lock
