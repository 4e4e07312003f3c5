"""The open debate's window in the store: opening it when the orders lock, and what it gathered.

A match plays open debate when its scenario says ``rules.debate: open``, it has a debate window
(``settings["debate_seconds"]``, set by ``/match new debate:MINUTES``) and players hold a seat
(AI-only matches keep the sealed flow). When the orders lock, the match's phase becomes
``debate``: the intentions (the orders as they locked) are stored with the window, nobody can
change orders any more, and the round resolves when the window closes, with the ratings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.game.scenario import Scenario
from bot.services.common import announce, iso
from db.codec import time_text
from db.models import LockedSeat, Match
from db.repos import debate as repo
from db.repos import log as log_repo
from db.repos import matches as matches_repo
from db.repos import timers as timers_repo
from db.store import Tx

SETTING = "debate_seconds"
MAX_SECONDS = 7 * 24 * 3600


def seconds_of(match: Match) -> int | None:
    """The match's debate window in seconds (None: no window, sealed)."""
    value = match.settings.get(SETTING)
    return int(value) if isinstance(value, int | float) and value > 0 else None


def wanted(scenario: Scenario, match: Match) -> bool:
    """Whether the round's orders go to a debate window before resolution."""
    players = any(s.controller == "players" and s.holders for s in match.seats)
    return scenario.rules.debate == "open" and seconds_of(match) is not None and players


async def open_in(
    tx: Tx,
    match: Match,
    trigger: str,
    locked: Mapping[str, LockedSeat],
    now: datetime,
    timer_id: int | None,
) -> bool:
    """In the open transaction: the match moves to its debate phase, the round's timers stop,
    the window opens with the intentions and they are announced; False when the match changed
    meanwhile (nothing written)."""
    seconds = seconds_of(match) or 0
    closes = now + timedelta(seconds=seconds)
    expect = (match.round, "orders", match.revision)
    changes = {"phase": "debate", "deadline_at": time_text(closes)}
    if not await matches_repo.compare_and_set(tx, match.id, expect, changes):
        return False
    if timer_id is not None:
        await timers_repo.finish(tx, timer_id, now)
    await timers_repo.cancel_all(tx, match.id, now)
    await repo.open_window(tx, match.id, match.round, trigger, locked, now, closes)
    data = {"trigger": trigger, "closes_at": iso(closes)}
    entry = log_repo.Entry("debate_opened", match.round, data=data)
    await log_repo.append(tx, match.id, now, [entry])
    payload = {"round": match.round, "closes_at": iso(closes)}
    await announce(tx, match, "debate_opened", f"r{match.round}:debate", now, match.round, payload)
    return True


async def gathered(
    tx: Tx, match_id: int, round: int
) -> tuple[dict[str, LockedSeat], dict[str, tuple[str, int]]] | None:
    """The round's intentions as rated in its window, and the umpire rulings by move (the
    latest per move); None when the round had no window."""
    window = await repo.window(tx, match_id, round)
    if window is None:
        return None
    given = await repo.ratings(tx, match_id, round)
    counters = await repo.counters(tx, match_id, round)
    rulings = {r.move: (r.umpire, r.value) for r in await repo.rulings(tx, match_id, round)}
    return repo.rated(window.locked, given, counters), rulings
