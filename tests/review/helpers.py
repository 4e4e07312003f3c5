"""Matches the review tests share: played once per test session, never changed (records are
immutable pydantic models)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from bot.game.match import MatchLog, play_match
from bot.game.policies import Policy
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, SeatOrders
from bot.review.build import MatchFacts, record_from_log
from bot.review.record import HolderInfo, MatchRecord
from bot.scenarios import read_scenario

HOSTILE = (
    "**bold** _it_ [link](https://evil.example/x) <script>alert(1)</script>\n# head | =SUM(A1)"
)


@cache
def scenario(name: str = "tutorial") -> Scenario:
    """A built-in scenario, loaded once."""
    return read_scenario(name)[0]


class Arguing:
    """Plays one given move each round (while legal) with a given argument."""

    def __init__(self, move: str, argument: str) -> None:
        self.move = move
        self.argument = argument

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """The move with its argument, when it is legal this round."""
        from bot.game.legal import legal_moves

        legal = {m.id for m in legal_moves(scenario, state, seat_id)}
        if self.move not in legal:
            return SeatOrders()
        return SeatOrders(moves=(Order(self.move, self.argument),))


@cache
def tutorial_log(seed: int = 7) -> MatchLog:
    """An all-AI tutorial match."""
    return play_match(scenario(), seed)


@cache
def tutorial_record(seed: int = 7) -> MatchRecord:
    """The record of ``tutorial_log``."""
    return record_from_log(scenario(), tutorial_log(seed))


def players_log(seed: int = 3, policies: Mapping[str, Policy] | None = None) -> MatchLog:
    """A tutorial match whose downstream seat writes a hostile argument every round."""
    chosen = policies or {"downstream": Arguing("downstream.irrigate", HOSTILE)}
    return play_match(scenario(), seed, chosen)


@cache
def players_record(seed: int = 3) -> MatchRecord:
    """``players_log`` with Ana holding downstream (the others are the AI)."""
    facts = MatchFacts(holders={"downstream": [HolderInfo(player="111", name="Ana")]})
    return record_from_log(scenario(), players_log(seed), facts)


def running(record: MatchRecord, log: MatchLog, rounds: int) -> MatchRecord:
    """The same match as it stood after ``rounds`` rounds (still running)."""
    cut = MatchLog(log.seed, log.start, log.opening, log.rounds[:rounds])
    holders = {s.id: s.holders for s in record.seats if s.holders}
    return record_from_log(scenario(), cut, MatchFacts(holders=holders))


@cache
def html_of(which: str) -> str:
    """The HTML export of ``tutorial_record`` or ``players_record``, drawn once."""
    from bot.review.export_html import to_html

    return to_html(scenario(), tutorial_record() if which == "tutorial" else players_record())
