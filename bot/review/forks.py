"""Reading a stored match for a fork (``bot.game.fork``), through the store's repositories.

One read transaction: the match, its scenario text, and every stored round (the opening and each
resolved round's state and locked orders). Nothing here writes. Whether the reader may see the
fork is the caller's business: a fork of a running match recomputes values its players may not
see, so it is for moderators only.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.game.fork import ForkError, StoredMatch
from bot.game.scenario import Scenario
from bot.game.validate import load_scenario
from bot.review.from_store import Reader, RecordNotFound
from db.models import Phase
from db.repos import matches as matches_repo
from db.repos import rounds as rounds_repo
from db.repos import scenarios as scenarios_repo


@dataclass(frozen=True)
class ForkSource:
    """A stored match, ready to fork."""

    match_id: int
    phase: Phase
    scenario: Scenario
    stored: StoredMatch

    @property
    def running(self) -> bool:
        """True while the match is being played (its hidden values are still secret)."""
        return self.phase not in ("finished", "ended")


async def load_fork_source(reader: Reader, match_id: int) -> ForkSource:
    """The match's scenario, seed, stored states and locked orders.

    Raises RecordNotFound (no such match, or its scenario text is gone) and ForkError (nothing
    played yet, or a round missing from the store).
    """
    async with reader.read() as tx:
        match = await matches_repo.get_match(tx, match_id, with_state=False)
        if match is None:
            raise RecordNotFound(f"there is no match {match_id}")
        body = await scenarios_repo.get_text(tx, match.scenario_sha256)
        rounds = await rounds_repo.all_rounds(tx, match_id)
    if body is None:
        raise RecordNotFound(f"the scenario text of match {match_id} is not in the store")
    if not rounds:
        raise ForkError(f"match {match_id} has not started: there is nothing to fork")
    for index, item in enumerate(rounds):
        if item.round != index:
            raise ForkError(f"round {index} of match {match_id} is missing from the store")
    stored = StoredMatch(
        seed=match.seed,
        states=tuple(r.state for r in rounds),
        orders=tuple(
            {seat: locked.orders for seat, locked in r.orders.items()} for r in rounds[1:]
        ),
    )
    scenario = load_scenario(body, f"match {match_id} scenario")
    return ForkSource(match_id, match.phase, scenario, stored)
