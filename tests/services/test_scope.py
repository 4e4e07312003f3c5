"""Who may do what is decided in the services: server scoping and moderator rights.

A Discord actor of another server gets *not found* for a match that exists (exactly as for one
that does not), a Discord actor without a server (a direct message) is refused, and nothing
changes either way. The table below names every service method that takes a match id; a method
added later without a row fails ``test_every_match_method_is_in_the_table``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.game.deal_state import Term
from bot.services import Services
from bot.services.drafts import DraftService
from bot.services.errors import ClassNotFound, MatchNotFound, NoServer, NotAllowed
from bot.services.models import SYSTEM, Actor
from tests.services.helpers import BEN, rows, started

HOME, AWAY = "g1", "g2"
AWAY_MOD = Actor("900", "Mo", moderator=True, guild_id=AWAY, front="discord")
AWAY_BEN = Actor(BEN.player, "Ben", guild_id=AWAY, front="discord")  # same person, other server
IN_DM = Actor(BEN.player, "Ben", front="discord")

Call = Callable[[Services, DraftService, int, Actor], Awaitable[Any]]
EXCHANGE = [Term("upstream", "upstream.talks", 1, 1), Term("downstream", "downstream.talks", 1, 1)]
CALLS: dict[str, Call] = {
    "matches.get": lambda s, d, m, a: s.matches.get(m, a),
    "matches.seat_of": lambda s, d, m, a: s.matches.seat_of(m, a),
    "matches.sight_of": lambda s, d, m, a: s.matches.sight_of(m, a),
    "matches.log": lambda s, d, m, a: s.matches.log(m, a),
    "matches.take_seat": lambda s, d, m, a: s.matches.take_seat(m, a, "downstream"),
    "matches.leave": lambda s, d, m, a: s.matches.leave(m, a),
    "matches.assign_seat": lambda s, d, m, a: s.matches.assign_seat(m, a, "7", "Zed", "upstream"),
    "matches.remove_player": lambda s, d, m, a: s.matches.remove_player(m, a, BEN.player),
    "matches.set_captain": lambda s, d, m, a: s.matches.set_captain(m, a, BEN.player),
    "matches.watch": lambda s, d, m, a: s.matches.watch(m, a),
    "matches.watchers": lambda s, d, m, a: s.matches.watchers(m, a),
    "matches.start": lambda s, d, m, a: s.matches.start(m, a),
    "orders.submit": lambda s, d, m, a: s.orders.submit(m, a, [("upstream.talks", "x")]),
    "orders.withdraw": lambda s, d, m, a: s.orders.withdraw(m, a),
    "orders.mine": lambda s, d, m, a: s.orders.mine(m, a),
    "orders.options": lambda s, d, m, a: s.orders.options(m, a),
    "orders.status": lambda s, d, m, a: s.orders.status(m, a),
    "orders.all_submitted": lambda s, d, m, a: s.orders.all_submitted(m, a),
    "rounds.resolve": lambda s, d, m, a: s.rounds.resolve(m, 1, a),
    "rounds.resolve_if_ready": lambda s, d, m, a: s.rounds.resolve_if_ready(m, a),
    "rounds.resolve_submitted": lambda s, d, m, a: s.rounds.resolve_submitted(m, 1, a),
    "rounds.get": lambda s, d, m, a: s.rounds.get(m, 0, a),
    "rounds.history": lambda s, d, m, a: s.rounds.history(m, a),
    "rounds.intentions": lambda s, d, m, a: s.rounds.intentions(m, a),
    "rounds.causes_seen": lambda s, d, m, a: s.rounds.causes_seen(m, a),
    "control.pause": lambda s, d, m, a: s.control.pause(m, a, "why"),
    "control.resume": lambda s, d, m, a: s.control.resume(m, a),
    "control.end": lambda s, d, m, a: s.control.end(m, a, "why"),
    "control.substitute": lambda s, d, m, a: s.control.substitute(m, a, "upstream", None),
    "control.note": lambda s, d, m, a: s.control.note(m, a, "warning"),
    "scenarios.of_match": lambda s, d, m, a: s.scenarios.of_match(m, a),
    "drafts.panel": lambda s, d, m, a: d.panel(m, a),
    "drafts.get": lambda s, d, m, a: d.get(m, a),
    "drafts.change": lambda s, d, m, a: d.change(m, a, 1, lambda _seat, draft: draft),
    "drafts.submit": lambda s, d, m, a: d.submit(m, a, 1),
    "verify_replay": lambda s, d, m, a: s.verify_replay(m, a),
    "whatif.fork": lambda s, d, m, a: s.whatif.fork(m, a, 1, seeds=1),
    "whatif.forks": lambda s, d, m, a: s.whatif.forks(m, a),
    "whatif.choices": lambda s, d, m, a: s.whatif.choices(m, a),
    "rematches.create": lambda s, d, m, a: s.rematches.create(m, a, "rotate", None),
    "debate.view": lambda s, d, m, a: s.debate.view(m, 1, a),
    "debate.rate": lambda s, d, m, a: s.debate.rate(m, 1, a, "upstream.talks", 1),
    "debate.counter": lambda s, d, m, a: s.debate.counter(m, 1, a, "upstream.talks", "x"),
    "debate.may_umpire": lambda s, d, m, a: s.debate.may_umpire(m, a),
    "debate.umpire": lambda s, d, m, a: s.debate.umpire(m, 1, a, "upstream.talks", 1),
    "debate.done": lambda s, d, m, a: s.debate.done(m, 1, a),
    "debate.close": lambda s, d, m, a: s.debate.close(m, 1, a),
    "debate.points": lambda s, d, m, a: s.debate.points(m, a),
    "debate.had_window": lambda s, d, m, a: s.debate.had_window(m, 1, a),
    "debate.later": lambda s, d, m, a: s.debate.later(m, 1, a),
    "debate.rate_after": lambda s, d, m, a: s.debate.rate_after(m, 1, a, "upstream.talks", 1),
    "deals.of_seat": lambda s, d, m, a: s.deals.of_seat(m, a),
    "deals.propose": lambda s, d, m, a: s.deals.propose(m, a, EXCHANGE, "escrow"),
    "deals.answer": lambda s, d, m, a: s.deals.answer(m, a, "d1", True),
    "deals.counter": lambda s, d, m, a: s.deals.counter(m, a, "d1", EXCHANGE, "escrow"),
    "deals.at_stake": lambda s, d, m, a: s.deals.at_stake(m, a, ["upstream.talks"]),
    "deals.open_round": lambda s, d, m, a: s.deals.open_round(m, a),
    "deals.steps": lambda s, d, m, a: s.deals.steps(m, a),
    "deals.talk_thread": lambda s, d, m, a: s.deals.talk_thread(m, a, "downstream"),
    "deals.set_talk_thread": lambda s, d, m, a: s.deals.set_talk_thread(m, a, "downstream", "1"),
    "deals.talk_threads": lambda s, d, m, a: s.deals.talk_threads(m, a),
    "deals.current": lambda s, d, m, a: s.deals.current(m, a, "d1"),
}


def _match_methods(services: Services) -> set[str]:
    """Every public service method with a ``match_id`` parameter."""
    found = set()
    groups: dict[str, object] = {
        "matches": services.matches,
        "orders": services.orders,
        "rounds": services.rounds,
        "control": services.control,
        "scenarios": services.scenarios,
        "timers": services.timers,
        "outbox": services.outbox,
        "drafts": services.drafts,
        "whatif": services.whatif,
        "rematches": services.rematches,
        "debate": services.debate,
        "deals": services.deals,
    }
    for group, obj in groups.items():
        for name, fn in inspect.getmembers(obj, inspect.ismethod):
            if not name.startswith("_") and "match_id" in inspect.signature(fn).parameters:
                found.add(f"{group}.{name}")
    if "match_id" in inspect.signature(services.verify_replay).parameters:
        found.add("verify_replay")
    return found


# What the bot itself reads and writes about any match (deadlines, the outbox): not reachable
# from a player's request, so not scoped by server.
# ``rounds.open_debate`` and ``rounds.resolve_window`` act as the bot (SYSTEM) once a scoped
# use case (a submit, a deadline, the last Done) has decided the window opens or closes.
SYSTEM_ONLY = {
    "timers.pending_for",
    "outbox.of_match",
    "outbox.deliver",
    "outbox.pending",
    "rounds.open_debate",
    "rounds.resolve_window",
}


def test_every_match_method_is_in_the_table(services: Services) -> None:
    missing = _match_methods(services) - set(CALLS) - SYSTEM_ONLY
    assert not missing, f"add these to CALLS (and scope them by server): {sorted(missing)}"


def _snapshot(db: Path) -> list[object]:
    tables = (
        "matches",
        "seat_holders",
        "match_log",
        "submissions",
        "outbox",
        "timers",
        "match_forks",
        "seat_swaps",
        "debate_ratings",
        "debate_counters",
        "debate_rulings",
        "debate_done",
        "deal_events",
        "talk_threads",
    )
    return [rows(db, f"SELECT * FROM {t} ORDER BY 1") for t in tables]


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_another_servers_match_is_not_found_and_unchanged(
    services: Services, db: Path, name: str
) -> None:
    match = await started(services, {"upstream": BEN}, guild=HOME)
    before = _snapshot(db)
    drafts = services.drafts
    with pytest.raises(MatchNotFound) as seen:
        await CALLS[name](services, drafts, match.id, AWAY_MOD)
    with pytest.raises(MatchNotFound) as missing:
        await CALLS[name](services, drafts, 999, AWAY_MOD)
    assert seen.value.message == missing.value.message.replace("999", str(match.id))
    with pytest.raises(MatchNotFound):
        await CALLS[name](services, drafts, match.id, AWAY_BEN)
    with pytest.raises(NoServer):
        await CALLS[name](services, drafts, match.id, IN_DM)
    assert _snapshot(db) == before


async def test_the_moderator_role_counts_only_on_its_own_server(services: Services) -> None:
    match = await started(services, {"upstream": BEN}, guild=HOME)
    await services.servers.update_settings(replace(SYSTEM, guild_id=HOME), moderator_role_id="55")
    await services.servers.update_settings(replace(SYSTEM, guild_id=AWAY), moderator_role_id="55")
    role_here = Actor("7", "Ro", guild_id=HOME, roles=frozenset({"55"}), front="discord")
    plain_here = Actor("8", "Pa", guild_id=HOME, roles=frozenset({"66"}), front="discord")
    with pytest.raises(NotAllowed):
        await services.control.pause(match.id, plain_here)
    assert (await services.control.pause(match.id, role_here)).paused
    with pytest.raises(NotAllowed):
        await services.servers.audit_log(plain_here)
    assert await services.servers.audit_log(role_here)


async def test_a_discord_match_belongs_to_the_server_it_was_created_from(
    services: Services,
) -> None:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    host = Actor("7", "Ro", guild_id=HOME, front="discord")
    made = await services.matches.create(host, sha, guild_id=AWAY, channel_id="c")
    assert made.guild_id == HOME
    with pytest.raises(NoServer):
        await services.matches.create(IN_DM, sha)
    assert [m.id for m in await services.matches.list_matches(AWAY_MOD, guild_id=HOME)] == []


# Every class-run method that takes a class id (a class run is scoped like its matches).
CLASS_CALLS: dict[str, Callable[[Services, int, Actor], Awaitable[Any]]] = {
    "classes.get": lambda s, c, a: s.classes.get(c, a),
}


def test_every_class_method_is_in_the_table(services: Services) -> None:
    found = {
        f"classes.{name}"
        for name, fn in inspect.getmembers(services.classes, inspect.ismethod)
        if not name.startswith("_") and "class_id" in inspect.signature(fn).parameters
    }
    assert found == set(CLASS_CALLS), "add a row for every class-run method taking a class id"


def _class_snapshot(db: Path) -> list[object]:
    tables = ("classes", "class_matches", "matches", "seat_holders", "match_log")
    return [rows(db, f"SELECT * FROM {t} ORDER BY 1") for t in tables]


@pytest.mark.parametrize("name", sorted(CLASS_CALLS))
async def test_another_servers_class_run_is_not_found_and_unchanged(
    services: Services, db: Path, name: str
) -> None:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    host = Actor("7", "Ro", guild_id=HOME, front="discord")
    made = await services.classes.create(host, sha, groups=2, channel_id="c1")
    before = _class_snapshot(db)
    with pytest.raises(ClassNotFound) as seen:
        await CLASS_CALLS[name](services, made.run.id, AWAY_MOD)
    with pytest.raises(ClassNotFound) as missing:
        await CLASS_CALLS[name](services, 999, AWAY_MOD)
    assert seen.value.message == missing.value.message.replace("999", str(made.run.id))
    with pytest.raises(ClassNotFound):
        await CLASS_CALLS[name](services, made.run.id, AWAY_BEN)
    with pytest.raises(NoServer):
        await CLASS_CALLS[name](services, made.run.id, IN_DM)
    assert _class_snapshot(db) == before
    assert (await CLASS_CALLS[name](services, made.run.id, host)) is not None


async def test_class_runs_are_listed_and_created_on_their_own_server_only(
    services: Services,
) -> None:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    host = Actor("7", "Ro", guild_id=HOME, front="discord")
    made = await services.classes.create(host, sha, groups=2, guild_id=AWAY, channel_id="c1")
    assert made.run.guild_id == HOME and {m.guild_id for m in made.matches} == {HOME}
    assert await services.classes.list_classes(AWAY_MOD) == []
    assert [c.id for c in await services.classes.list_classes(host)] == [made.run.id]
    with pytest.raises(NoServer):
        await services.classes.create(IN_DM, sha, groups=2)
    with pytest.raises(NoServer):
        await services.classes.list_classes(IN_DM)
