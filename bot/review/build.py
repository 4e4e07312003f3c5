"""Building a ``MatchRecord`` from the engine's values: an offline ``MatchLog`` or stored rounds.

``build_record`` takes plain inputs (states, orders, records, and what is known about who
submitted when), so the offline builder here and the store loader (``from_store``) share it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.game.debate import argument_points, check_forecast, final_rating
from bot.game.engine import LAST_ROUND
from bot.game.match import MatchLog
from bot.game.scenario import Scenario
from bot.game.scoring import objectives_met, scores, winners
from bot.game.state import MatchState, Order, Record, SeatOrders
from bot.review.record import (
    CounterArgument,
    DealInfo,
    DebateEvent,
    ForecastInfo,
    GoalInfo,
    HolderInfo,
    MatchInfo,
    MatchRecord,
    MetricInfo,
    ModAction,
    ObjectiveInfo,
    Opening,
    OrderInfo,
    OrderSource,
    RatingInfo,
    RecordEntry,
    Result,
    RoundInfo,
    ScenarioRef,
    SeatInfo,
    SeatTurn,
    Status,
)


@dataclass(frozen=True)
class TurnMeta:
    """What is known about how a seat's orders for a round came about."""

    source: OrderSource
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    locked_at: datetime | None = None
    held: bool | None = None  # whether players held the seat then; from the holders when None
    authors: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # move: (added, argued)


@dataclass(frozen=True)
class PlayedRound:
    """One resolved round as the builder needs it."""

    round: int
    orders: Mapping[str, SeatOrders]
    records: Sequence[Record]
    state: MatchState
    resolved_at: datetime | None = None
    turns: Mapping[str, TurnMeta] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchFacts:
    """Facts about a match that the engine does not know (all optional offline)."""

    id: int | None = None
    guild_id: str | None = None
    channel_id: str | None = None
    host: str | None = None
    status: Status | None = None  # derived from the state when None
    settings: Mapping[str, object] = field(default_factory=dict)
    created_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    ended_by: str | None = None
    winners: Sequence[str] | None = None  # as stored; computed from the scores when None
    scenario_sha256: str | None = None
    holders: Mapping[str, Sequence[HolderInfo]] = field(default_factory=dict)
    ai_seats: frozenset[str] | None = None  # seats the AI plays; seats without holders if None
    moderation: Sequence[ModAction] = ()
    debate: Sequence[DebateEvent] = ()  # the debate windows' history, every round


def scenario_ref(scenario: Scenario, sha256: str | None = None) -> ScenarioRef:
    """The record's reference to a scenario."""
    meta = scenario.meta
    return ScenarioRef(
        id=meta.id,
        version=meta.version,
        title=meta.title,
        sha256=sha256,
        source=meta.source.strip(),
        language=meta.language,
    )


def sha256_of(raw: bytes) -> str:
    """The SHA-256 of a scenario file's exact bytes, as the store keys it."""
    return hashlib.sha256(raw).hexdigest()


def round_label(scenario: Scenario, number: int) -> str:
    """The scenario's label for a round (``Q3 2021``), or empty."""
    labels = scenario.meta.round_labels
    return labels[number - 1] if 0 < number <= len(labels) else ""


def _metrics(scenario: Scenario) -> list[MetricInfo]:
    return [
        MetricInfo(
            id=m.id,
            name=m.name,
            unit=m.unit,
            min=m.min,
            max=m.max,
            start=m.start,
            public=m.see == "all",
        )
        for m in scenario.metrics
    ]


def _seats(scenario: Scenario, facts: MatchFacts, final: MatchState | None) -> list[SeatInfo]:
    made = []
    for seat in scenario.seats:
        holders = list(facts.holders.get(seat.id, ()))
        ai = seat.id in facts.ai_seats if facts.ai_seats is not None else not holders
        met = set(objectives_met(scenario, final, seat)) if final is not None else None
        made.append(
            SeatInfo(
                id=seat.id,
                name=seat.name,
                colour=seat.colour,
                ai=ai,
                holders=holders,
                goals=[GoalInfo(**g.model_dump()) for g in seat.goals],
                objectives=[
                    ObjectiveInfo(
                        id=o.id,
                        text=o.text,
                        points=o.points,
                        met=None if met is None else o.id in met,
                    )
                    for o in seat.objectives
                ],
            )
        )
    return made


def _order(
    scenario: Scenario,
    seat: str,
    order: Order,
    hit: bool | None,
    weight: float,
    ran: frozenset[str] = frozenset(),
) -> OrderInfo:
    move = scenario.move(order.move)
    forecast = order.forecast
    return OrderInfo(
        move=order.move,
        name=move.name,
        cost=move.cost,
        argument=order.argument,
        author=order.author,
        forecast=None
        if forecast is None
        else ForecastInfo(
            metric=forecast.metric, direction=forecast.direction, horizon=forecast.horizon, hit=hit
        ),
        ratings=[RatingInfo(by=r.by, value=r.value, count=r.count) for r in order.ratings],
        rating=(r := final_rating(order, seat, weight)),
        applied=None if r is None else order.rating is not None,
        umpire=order.umpire,
        counter_arguments=[CounterArgument(by=b, text=t) for b, t in order.counter_arguments],
        points=round(argument_points(order, seat, hit, weight), 4)
        if order.ratings or hit is not None
        else None,
        conditions=list(order.conditions),
        ran=(order.move in ran) if order.conditions else None,
    )


def _authored(info: OrderInfo, team: tuple[str, str] | None) -> OrderInfo:
    """Who added the move (``author``) and who wrote its argument (``argument_author``): from
    the team's draft when recorded, else the argument's author for both."""
    if team is None:
        return info.model_copy(update={"argument_author": info.author})
    return info.model_copy(update={"author": team[0], "argument_author": team[1]})


def _turn(
    scenario: Scenario,
    seat: str,
    orders: SeatOrders,
    meta: TurnMeta | None,
    held: bool,
    hits: Mapping[str, bool | None],
    ran: frozenset[str] = frozenset(),
) -> SeatTurn:
    if meta is None:
        meta = TurnMeta(source="players" if held else "ai")
    if meta.held is not None:
        held = meta.held
    on_time = (meta.source == "players") if held else None
    return SeatTurn(
        seat=seat,
        source=meta.source,
        submitted_by=meta.submitted_by,
        submitted_at=meta.submitted_at,
        locked_at=meta.locked_at,
        on_time=on_time,
        orders=[
            _authored(
                _order(scenario, seat, o, hits.get(o.move), scenario.rules.spectator_weight, ran),
                meta.authors.get(o.move),
            )
            for o in orders.moves
        ],
        decisions=dict(sorted(orders.decisions.items())),
    )


def _hits(
    played: PlayedRound, metrics_after: Sequence[Mapping[str, float]]
) -> dict[str, bool | None]:
    """Each forecast of the round checked (None while its horizon has not resolved)."""
    return {
        o.move: check_forecast(o.forecast, played.round, metrics_after)
        for seat_orders in played.orders.values()
        for o in seat_orders.moves
        if o.forecast is not None
    }


def _round(
    scenario: Scenario,
    played: PlayedRound,
    facts: MatchFacts,
    metrics_after: Sequence[Mapping[str, float]],
) -> RoundInfo:
    hits = _hits(played, metrics_after)
    ran = frozenset(r.source[5:] for r in played.records if r.kind == "order")
    turns = [
        _turn(
            scenario,
            seat,
            played.orders.get(seat, SeatOrders()),
            played.turns.get(seat),
            bool(facts.holders.get(seat)),
            hits,
            ran,
        )
        for seat in scenario.seat_ids
    ]
    return RoundInfo(
        round=played.round,
        label=round_label(scenario, played.round),
        resolved_at=played.resolved_at,
        turns=turns,
        records=[RecordEntry.of(r) for r in played.records],
        metrics=dict(played.state.metrics),
        scores=dict(scores(scenario, played.state)),
        moderation=[m for m in facts.moderation if m.round == played.round],
        debate=[e for e in facts.debate if e.round == played.round],
    )


def _status(final: MatchState, facts: MatchFacts, rounds: int) -> Status:
    if facts.status is not None:
        return facts.status
    if final.finished:
        return "finished"
    return "running" if rounds or final.round >= 1 else "lobby"


def _ending_name(scenario: Scenario, ending: str | None) -> str | None:
    if ending is None:
        return None
    if ending == LAST_ROUND:
        return "The last round"
    return next((e.name for e in scenario.endings if e.id == ending), ending)


def build_record(
    scenario: Scenario,
    seed: int,
    start: MatchState,
    opening: Sequence[Record],
    rounds: Sequence[PlayedRound],
    facts: MatchFacts | None = None,
) -> MatchRecord:
    """The full (unredacted) record of a match from the engine's values and the facts known."""
    facts = facts or MatchFacts()
    final = rounds[-1].state if rounds else start
    status = _status(final, facts, len(rounds))
    over = status in ("finished", "ended")
    result = None
    if over:
        table = scores(scenario, final)
        result = Result(
            ending=final.ending,
            ending_name=_ending_name(scenario, final.ending),
            scores=table,
            winners=list(facts.winners) if facts.winners is not None else winners(table),
            state=final.to_dict(),
        )
    info = MatchInfo(
        id=facts.id,
        guild_id=facts.guild_id,
        channel_id=facts.channel_id,
        host=facts.host,
        status=status,
        rounds_played=len(rounds),
        last_round=start.last_round,
        seed=seed,
        settings=dict(facts.settings),
        created_at=facts.created_at,
        started_at=facts.started_at,
        ended_at=facts.ended_at,
        end_reason=facts.end_reason,
        ended_by=facts.ended_by,
    )
    played = {r.round for r in rounds}
    metrics_after = [start.metrics, *(r.state.metrics for r in rounds)]
    return MatchRecord(
        match=info,
        scenario=scenario_ref(scenario, facts.scenario_sha256),
        metrics=_metrics(scenario),
        seats=_seats(scenario, facts, final if over else None),
        opening=Opening(
            records=[RecordEntry.of(r) for r in opening],
            metrics=dict(start.metrics),
            scores=dict(scores(scenario, start)),
        ),
        rounds=[_round(scenario, r, facts, metrics_after) for r in rounds],
        moderation=[m for m in facts.moderation if m.round not in played],
        result=result,
        deals=[DealInfo.of(d) for d in final.deals],
    )


def record_from_log(
    scenario: Scenario, log: MatchLog, facts: MatchFacts | None = None
) -> MatchRecord:
    """The record of an offline match played with ``bot.game.match.play_match``."""
    rounds = [
        PlayedRound(round=r.round, orders=r.orders, records=r.records, state=r.state)
        for r in log.rounds
    ]
    return build_record(scenario, log.seed, log.start, log.opening, rounds, facts)
