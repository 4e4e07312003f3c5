"""Resolving rounds: orders locked (AI or hold for the missing), once, as the engine says."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.policies import AiPolicy
from bot.game.state import SeatOrders, canonical_json, records_json
from bot.services import Actor, Services
from bot.services.errors import NotAllowed, RoundClosed
from bot.services.models import SYSTEM
from bot.services.rounds import Debate
from tests.services.helpers import ANA, BEN, CAT, ai_moves, refused, rows, started


async def test_a_round_resolves_exactly_as_the_engine_with_the_locked_orders(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    scenario = await services.scenarios.of_match(match.id, SYSTEM)
    moves = ai_moves(scenario, match, "upstream")
    await services.orders.submit(match.id, BEN, moves)
    outcome = await services.rounds.resolve(match.id, 1, SYSTEM, trigger="test")
    assert outcome.orders["upstream"].source == "players"
    assert outcome.orders["downstream"].source == "ai"  # missed it: ai_fill
    assert outcome.orders["council"].source == "ai"
    opening = new_match(scenario, round_rng(match.seed, 0))
    expected = resolve_round(
        scenario,
        opening.state,
        {seat: locked.orders for seat, locked in outcome.orders.items()},
        round_rng(match.seed, 1),
    )
    assert canonical_json(outcome.state.to_dict()) == canonical_json(expected.state.to_dict())
    ai = AiPolicy().orders(scenario, opening.state, "council", match.seed)
    council = outcome.orders["council"].orders
    assert [(o.move, o.argument, o.forecast) for o in council.moves] == [
        (o.move, o.argument, o.forecast) for o in ai.moves
    ]
    # The AI seat that stood in for "downstream" rated the council's arguments (points only:
    # no debate window ran, so no rating acts on the numbers).
    assert all([r.by for r in o.ratings] == ["downstream"] for o in council.moves)
    assert all(o.rating is None for o in council.moves)
    upstream = outcome.orders["upstream"].orders.moves
    assert all(o.author == BEN.player for o in upstream)
    now = await services.matches.get(match.id, SYSTEM)
    assert (now.round, now.phase) == (2, "orders")
    assert rows(db, "SELECT status FROM submissions") == [("locked",)]
    assert rows(db, "SELECT count(*) FROM locked_orders WHERE round = 1") == [(3,)]


async def test_the_stored_round_is_the_result_encoded_once_in_the_worker(
    services: Services, db: Path
) -> None:
    """The resolution encodes the state and records in its thread (``rounds.encode``): what is
    stored (the round's row, the match's state, the log's hash) is that result, byte for byte."""
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    outcome = await services.rounds.resolve(match.id, 1, SYSTEM, trigger="test")
    text = canonical_json(outcome.state.to_dict())
    digest = hashlib.sha256(text.encode()).hexdigest()
    stored = rows(
        db,
        "SELECT state, state_sha256, records FROM rounds WHERE match_id = ? AND round = 1",
        (match.id,),
    )
    assert stored == [(text, digest, records_json(outcome.records))]
    assert rows(db, "SELECT state FROM matches WHERE id = ?", (match.id,)) == [(text,)]
    logged = rows(
        db, "SELECT data FROM match_log WHERE match_id = ? AND kind = 'round_resolved'", (match.id,)
    )
    assert [json.loads(d)["state_sha256"] for (d,) in logged] == [digest]


async def test_missing_seats_hold_without_ai_fill(services: Services) -> None:
    match = await started(services, {"upstream": BEN}, ai_fill=False)
    outcome = await services.rounds.resolve(match.id, 1, SYSTEM)
    assert {s: o.source for s, o in outcome.orders.items()} == {
        "upstream": "hold",
        "downstream": "hold",
        "council": "hold",
    }
    assert all(o.orders == SeatOrders() for o in outcome.orders.values())


async def test_resolving_twice_changes_nothing_and_returns_the_stored_result(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    first = await services.rounds.resolve(match.id, 1, SYSTEM)
    before = rows(db, "SELECT count(*) FROM match_log")
    again = await services.rounds.resolve(match.id, 1, SYSTEM)
    assert again.already_resolved and not first.already_resolved
    assert again.state == first.state and again.records == first.records
    assert rows(db, "SELECT count(*) FROM match_log") == before
    assert rows(db, "SELECT count(*) FROM outbox WHERE kind = 'round_resolved'") == [(1,)]
    with pytest.raises(RoundClosed):
        await services.rounds.resolve(match.id, 3, SYSTEM)


async def test_only_the_host_or_a_moderator_may_close_a_round_early(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN})
    with pytest.raises(NotAllowed):
        await services.rounds.resolve(match.id, 1, actor=BEN)
    outcome = await services.rounds.resolve(match.id, 1, actor=ANA, trigger="host")
    assert outcome.trigger == "host"


async def test_resolve_if_ready_waits_for_every_seat_held_by_players(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    await services.orders.submit(match.id, BEN, [("upstream.talks", "")])
    assert await services.rounds.resolve_if_ready(match.id, BEN, 1) is None
    await services.orders.submit(match.id, CAT, [("downstream.talks", "")])
    outcome = await services.rounds.resolve_if_ready(match.id, BEN, 1)
    assert outcome is not None and outcome.trigger == "all_submitted"


async def test_the_last_round_finishes_the_match_with_scores_and_announcements(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN})
    for number in range(1, match.last_round + 1):
        outcome = await services.rounds.resolve(match.id, number, SYSTEM)
    assert outcome.finished and outcome.winners
    final = await services.matches.get(match.id, SYSTEM)
    assert (final.phase, final.round, final.ending) == ("finished", 4, outcome.ending)
    assert final.winners == outcome.winners
    kinds = [(a.kind, a.round) for a in await services.outbox.pending()]
    assert kinds[0] == ("match_started", 1)
    assert kinds[-2:] == [("round_resolved", 4), ("match_ended", 4)]
    history = await services.rounds.history(match.id, SYSTEM)
    assert [h.round for h in history] == [0, 1, 2, 3, 4]
    assert (await services.verify_replay(match.id, SYSTEM)).ok


async def test_a_resolved_round_and_the_log_cannot_be_rewritten(
    services: Services, db: Path
) -> None:
    match = await started(services, {"upstream": BEN})
    await services.rounds.resolve(match.id, 1, SYSTEM)
    for sql in (
        "UPDATE rounds SET state = '{}'",
        "DELETE FROM locked_orders",
        "UPDATE match_log SET kind = 'x'",
        "DELETE FROM match_log",
    ):
        assert refused(db, sql), sql
    assert rows(db, "SELECT count(*) FROM locked_orders")[0][0] > 0
    assert (await services.verify_replay(match.id, SYSTEM)).ok


async def test_engine_records_and_locked_orders_are_in_the_log(services: Services) -> None:
    match = await started(services, {"upstream": Actor("7", "Zed")})
    await services.rounds.resolve(match.id, 1, SYSTEM)
    log = await services.matches.log(match.id, SYSTEM)
    kinds = {e.kind for e in log}
    assert {"match_started", "orders_locked", "round_resolved", "engine:order"} <= kinds
    effects = [e for e in log if e.kind == "engine:effect"]
    assert effects and all("metric" in e.data and "after" in e.data for e in effects)


async def test_the_intentions_are_the_host_s_to_post_and_a_debate_acts_when_open(
    services: Services,
) -> None:
    match = await started(services, {"upstream": BEN, "downstream": CAT})
    with pytest.raises(NotAllowed):
        await services.rounds.intentions(match.id, BEN)
    intentions = await services.rounds.intentions(match.id, ANA)
    assert intentions["council"].moves  # the AI's orders, as they would lock now
    council = intentions["council"].moves[0].move
    debate = Debate(open=True, ratings={"upstream": {council: 2}, "downstream": {council: 2}})
    outcome = await services.rounds.resolve(match.id, 1, ANA, trigger="test", debate=debate)
    rated = next(o for o in outcome.orders["council"].orders.moves if o.move == council)
    assert {r.by for r in rated.ratings} == {"upstream", "downstream"}
    assert rated.rating == 1.0  # open: r acted (the tutorial's bound decides by how much)
