"""Forks (``/match whatif``) and seat-swap rematches (``/match rematch``) in the services.

Who may fork: once a match is over, its host, players and moderators; while it runs, its
moderators only (a fork shows hidden values). The fork's report is the pure engine's, made in the
worker process; it is stored with the match and listed to those who may see it.
"""

from __future__ import annotations

import pytest

from bot.game.fork import Changes, StoredMatch, fork, fork_report
from bot.review.from_store import load_record
from bot.services import Services
from bot.services.errors import InvalidInput, NotAllowed, WrongPhase
from bot.services.models import Actor, Match
from bot.services.whatif import RematchService
from tests.services.helpers import ANA, BEN, CAT, MOD, tutorial_sha

HOST = Actor(ANA.player, "Ana", guild_id="g1", front="discord")
PLAYER = Actor(BEN.player, "Ben", guild_id="g1", front="discord")
STRANGER = Actor(CAT.player, "Cat", guild_id="g1", front="discord")
MODERATOR = Actor(MOD.player, "Mo", moderator=True, guild_id="g1", front="discord")


async def _match(
    services: Services, rounds: int, play: int, downstream: Actor | None = None
) -> Match:
    """A tutorial match hosted by Ana with Ben upstream (and ``downstream`` there), ``play``
    rounds resolved."""
    sha = await tutorial_sha(services)
    match = await services.matches.create(
        HOST, sha, seed=7, rounds=rounds, guild_id="g1", channel_id="c1"
    )
    await services.matches.take_seat(match.id, PLAYER, "upstream")
    if downstream is not None:
        await services.matches.take_seat(match.id, downstream, "downstream")
    await services.matches.start(match.id, HOST)
    for number in range(1, play + 1):
        await services.rounds.resolve(match.id, number, HOST)
    return await services.matches.get(match.id, HOST)


async def _stored(services: Services, match_id: int) -> StoredMatch:
    rounds = await services.rounds.history(match_id, HOST)
    return StoredMatch(
        seed=(await services.matches.get(match_id, HOST)).seed,
        states=tuple(r.state for r in rounds),
        orders=tuple({s: o.orders for s, o in r.orders.items()} for r in rounds[1:]),
    )


async def test_a_player_forks_a_finished_match_and_gets_the_engines_report(
    services: Services,
) -> None:
    match = await _match(services, rounds=3, play=3)
    assert match.phase == "finished"
    made = await services.whatif.fork(match.id, PLAYER, 2, hold=["downstream"], seeds=6)
    scenario = await services.scenarios.of_match(match.id, HOST)
    expected = fork_report(
        scenario,
        fork(
            scenario,
            await _stored(services, match.id),
            2,
            6,
            Changes(policies={"downstream": "hold"}),
        ),
        match.id,
    )
    assert made.report == expected, "the worker's report is the pure engine's"
    assert list((await services.whatif.choices(match.id, PLAYER)).rounds) == [1, 2, 3]
    assert (made.from_round, made.seeds, made.while_running) == (2, 6, False)
    assert made.changes == {"hold": ["downstream"], "ai": [], "drop": []}
    again = await services.whatif.fork(match.id, HOST, 2, hold=["downstream"], seeds=6)
    assert again.report == made.report and again.id != made.id, "the same fork, the same answer"
    listed = await services.whatif.forks(match.id, STRANGER)
    assert [f.id for f in listed] == [made.id, again.id], "a finished match's forks are public"


async def test_a_running_match_is_forked_by_moderators_only(services: Services) -> None:
    match = await _match(services, rounds=3, play=1)
    for who in (PLAYER, HOST, STRANGER):
        with pytest.raises(NotAllowed, match="only a moderator"):
            await services.whatif.fork(match.id, who, 1)
    assert list((await services.whatif.choices(match.id, PLAYER)).rounds) == [1, 2]
    made = await services.whatif.fork(match.id, MODERATOR, 2, seeds=3)
    assert made.while_running and made.from_round == 2, "the open round may be forked"
    assert await services.whatif.forks(match.id, PLAYER) == [], "hidden from players"
    assert [f.id for f in await services.whatif.forks(match.id, MODERATOR)] == [made.id]
    await services.control.end(match.id, HOST, "the bell rang")
    assert [f.id for f in await services.whatif.forks(match.id, PLAYER)] == [made.id]


async def test_bad_forks_are_refused_with_reasons(services: Services) -> None:
    match = await _match(services, rounds=2, play=2)
    with pytest.raises(InvalidInput, match="round 3 is out of range"):
        await services.whatif.fork(match.id, PLAYER, 3)
    with pytest.raises(InvalidInput, match="no seat 'nobody'"):
        await services.whatif.fork(match.id, PLAYER, 1, hold=["nobody"])
    with pytest.raises(InvalidInput, match=r"no move 'upstream\.fly'"):
        await services.whatif.fork(match.id, PLAYER, 1, drop=["upstream.fly"])
    with pytest.raises(InvalidInput, match="both hold"):
        await services.whatif.fork(match.id, PLAYER, 1, hold=["upstream"], ai=["upstream"])
    with pytest.raises(InvalidInput, match="seeds"):
        await services.whatif.fork(match.id, PLAYER, 1, seeds=0)
    with pytest.raises(NotAllowed, match="host, its players and moderators"):
        await services.whatif.fork(match.id, STRANGER, 1)
    lobby = await services.matches.create(HOST, match.scenario_sha256, guild_id="g1")
    with pytest.raises(WrongPhase, match="not started"):
        await services.whatif.fork(lobby.id, MODERATOR, 1)
    assert await services.whatif.forks(match.id, MODERATOR) == [], "nothing stored"


async def test_a_rematch_swaps_seats_and_compares_them_at_its_end(services: Services) -> None:
    first = await _match(services, rounds=2, play=0)
    with pytest.raises(WrongPhase, match="not over"):
        await services.rematches.create(first.id, HOST, "rotate", None)
    for number in (1, 2):
        await services.rounds.resolve(first.id, number, HOST)
    with pytest.raises(NotAllowed, match="host or a moderator"):
        await services.rematches.create(first.id, PLAYER, "rotate", None)
    with pytest.raises(InvalidInput, match="rotate or random"):
        await services.rematches.create(first.id, HOST, "shuffle", None)

    second, swap = await services.rematches.create(first.id, HOST, "rotate", None)
    assert swap.seats == {
        "upstream": "downstream",
        "downstream": "council",
        "council": "upstream",
    }, "rotate: each seat's players take the next seat"
    assert second.phase == "lobby" and second.seed == first.seed
    assert second.seat_of(PLAYER.player) == "downstream", "Ben moved to the other seat"
    assert second.channel_id == first.channel_id and second.last_round == first.last_round
    assert set(swap.expected) == {"upstream", "downstream", "council"} and swap.expected_seeds > 0
    await services.matches.start(second.id, HOST)
    _scenario, running = await load_record(services.ctx, second.id)
    assert running.seat_swap is None, "the comparison comes at the end"
    for number in (1, 2):
        await services.rounds.resolve(second.id, number, HOST)
    _scenario, record = await load_record(services.ctx, second.id)
    info = record.seat_swap
    assert info is not None and info.source_match == first.id and info.mode == "rotate"
    ben = next(p for p in info.players if p.player == PLAYER.player)
    assert ben.first is not None and ben.second is not None
    assert (ben.first.seat, ben.second.seat) == ("upstream", "downstream")
    assert ben.first.match == first.id and ben.second.match == second.id
    assert ben.second.score == record.result.scores["downstream"] if record.result else False
    assert ben.second.relative == round(ben.second.score - swap.expected["downstream"], 3)
    assert '"seat_swap"' in record.to_json()


async def test_a_random_swap_moves_everyone_and_is_seeded(services: Services) -> None:
    first = await _match(services, rounds=1, play=0, downstream=STRANGER)
    await services.rounds.resolve(first.id, 1, HOST)
    one, swap = await services.rematches.create(first.id, MODERATOR, "random", None)
    two, again = await services.rematches.create(first.id, MODERATOR, "random", None)
    assert swap.seats == again.seats, "the same match gives the same random swap"
    assert all(a != b for a, b in swap.seats.items()), "nobody keeps their seat"
    assert one.seat_of(PLAYER.player) == swap.seats["upstream"]
    assert two.seat_of(STRANGER.player) == swap.seats["downstream"]
    assert isinstance(services.rematches, RematchService)
