"""Exact replay: re-run a match from its stored scenario text, seed and locked orders.

Every resolved round's state (and the engine's records) must equal what was stored, to the
byte of their canonical JSON. Unfinished matches are checked over the rounds resolved so far.
"""

from __future__ import annotations

from typing import Any

from bot.game.errors import GameError
from bot.game.match import replay
from bot.game.state import records_json
from bot.game.validate import ScenarioInvalid, load_scenario
from bot.services.context import Context, known, load_match, remember, require_moderator
from bot.services.models import Actor, ReplayReport
from db.codec import sha256_hex, state_text
from db.repos import rounds as rounds_repo
from db.repos import scenarios as scenarios_repo


def first_difference(stored: Any, replayed: Any, path: str = "") -> str:
    """Where two JSON values first differ, e.g. ``metrics.trust: stored 41.0, replayed 43.5``."""
    if isinstance(stored, dict) and isinstance(replayed, dict):
        for key in sorted(set(stored) | set(replayed)):
            if stored.get(key) != replayed.get(key):
                return first_difference(stored.get(key), replayed.get(key), f"{path}.{key}")
    if isinstance(stored, list) and isinstance(replayed, list) and len(stored) == len(replayed):
        for index, (a, b) in enumerate(zip(stored, replayed, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
    return f"{path.lstrip('.') or 'value'}: stored {stored!r:.80}, replayed {replayed!r:.80}"


async def verify(ctx: Context, match_id: int, actor: Actor) -> ReplayReport:
    """Replay the match and compare every stored round with the replay (moderators only)."""
    async with ctx.read() as tx:
        match = await load_match(tx, match_id, actor)
        await require_moderator(tx, actor, "run the replay check")
        body = await scenarios_repo.get_text(tx, match.scenario_sha256)
        stored = await rounds_repo.all_rounds(tx, match_id)
    if body is None or sha256_hex(body) != match.scenario_sha256:
        return ReplayReport(match_id, 0, 0, "the stored scenario text is missing or altered")
    try:
        scenario = known(match.scenario_sha256) or load_scenario(body, f"match {match_id}")
    except ScenarioInvalid as err:
        return ReplayReport(match_id, 0, 0, f"the stored scenario no longer loads: {err}")
    remember(match.scenario_sha256, scenario)
    if not stored:
        return ReplayReport(match_id, 0)
    given = (
        {seat: item.orders[seat].orders for seat in scenario.seat_ids if seat in item.orders}
        for item in stored[1:]
    )
    deals = stored[-1].state.deals  # every deal made, as the last stored round holds them
    results = replay(scenario, match.seed, match.last_round, given, deals)
    for index, item in enumerate(stored):
        if item.round != index:
            return ReplayReport(match_id, index, index, f"round {index} is missing")
        try:
            result = next(results)
        except GameError as err:
            return ReplayReport(match_id, index, index, f"the engine refused: {err}")
        state, records = result.state, result.records
        if state_text(state) != state_text(item.state):
            detail = first_difference(item.state.to_dict(), state.to_dict())
            return ReplayReport(match_id, index, index, f"state differs at {detail}")
        if records_json(records) != records_json(item.records):
            return ReplayReport(match_id, index, index, "the engine's records differ")
    if match.state is not None and state_text(match.state) != state_text(stored[-1].state):
        return ReplayReport(
            match_id,
            len(stored) - 1,
            None,
            "",
            ["the match's current state is not its last round's"],
        )
    return ReplayReport(match_id, len(stored) - 1)
