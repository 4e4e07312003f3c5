"""The timeline of a (redacted) record, a round at a time, in plain values every renderer uses.

Each entry holds the engine records stored with that round: the round's own (orders, decisions,
rules, delayed effects, the ending) and the events drawn at its end that open the next round.
So the changes listed with their causes add up exactly to the change in the state the entry
shows. The words come from the shared narrative renderer (``bot.render.narrative``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from bot.game.scenario import Scenario
from bot.game.state import Record
from bot.render.narrative import Cause, Row, causes, state_rows, story
from bot.review.record import MatchRecord, ModAction, RecordEntry, SeatTurn
from bot.review.text import round_title


@dataclass(frozen=True)
class OrderLine:
    """A seat's move in a round, with its argument."""

    seat: str
    seat_name: str
    move: str
    name: str
    cost: int
    argument: str
    rating: float | None


@dataclass(frozen=True)
class TimelineRound:
    """Everything a reviewer reads about one round (number 0: before round 1).

    ``story`` is what happened in the round; ``coming`` the events drawn at its end, which open
    the next round. ``causes`` are all the changes between the state before the entry and
    ``rows`` (the state after it), so they add up to the changes the rows show.
    """

    number: int
    label: str
    story: list[str]
    coming: list[str]
    turns: list[SeatTurn]
    orders: list[OrderLine]
    causes: list[Cause]
    rows: list[Row]
    scores: dict[str, float | None]
    moderation: list[ModAction]

    @property
    def title(self) -> str:
        """``Round 3 (Q3 2021)``, or ``Before round 1``."""
        return round_title(self.number, self.label)


def all_entries(record: MatchRecord) -> Iterator[RecordEntry]:
    """Every engine record in the order it was written."""
    yield from record.opening.records
    for played in record.rounds:
        yield from played.records


def cause_list(scenario: Scenario, records: list[Record]) -> list[Cause]:
    """Every metric change among the records, with its cause (the records are pre-redacted)."""
    return causes(scenario, records, None, everything=True)


def _orders(scenario: Scenario, turns: list[SeatTurn]) -> list[OrderLine]:
    lines = []
    for turn in turns:
        seat_name = scenario.seat(turn.seat).name
        for order in turn.orders:
            lines.append(
                OrderLine(
                    turn.seat,
                    seat_name,
                    order.move,
                    order.name,
                    order.cost,
                    order.argument,
                    order.rating,
                )
            )
    return lines


def _entry(
    scenario: Scenario,
    number: int,
    label: str,
    entries: list[RecordEntry],
    now: dict[str, float | None],
    before: dict[str, float | None],
) -> TimelineRound:
    records = [e.to_engine() for e in entries]
    return TimelineRound(
        number=number,
        label=label,
        story=story(scenario, [r for r in records if r.round == number]),
        coming=story(scenario, [r for r in records if r.round > number]),
        turns=[],
        orders=[],
        causes=cause_list(scenario, records),
        rows=state_rows(scenario, now, before),
        scores={},
        moderation=[],
    )


def timeline(scenario: Scenario, record: MatchRecord) -> list[TimelineRound]:
    """Before round 1, then every resolved round."""
    start: dict[str, float | None] = {m.id: m.start for m in record.metrics}
    opening = record.opening
    hidden = {m.id for m in record.metrics if m.hidden}
    start = {k: (None if k in hidden else v) for k, v in start.items()}
    made = [_entry(scenario, 0, "", opening.records, opening.metrics, start)]
    before = opening.metrics
    for played in record.rounds:
        entry = _entry(scenario, played.round, played.label, played.records, played.metrics, before)
        made.append(
            replace(
                entry,
                turns=played.turns,
                orders=_orders(scenario, played.turns),
                scores=played.scores,
                moderation=played.moderation,
            )
        )
        before = played.metrics
    return made
