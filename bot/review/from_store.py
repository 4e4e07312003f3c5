"""Loading a ``MatchRecord`` from the store, through the store's own repositories.

One read transaction gives one consistent snapshot: the match and its seats, every stored round
(round 0 is the opening) with its locked orders, the submissions (who submitted, when), and the
append-only log (seat changes and moderator actions). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.game.scenario import Scenario
from bot.game.scoring import scores
from bot.game.seat_swap import SeatResult, compare
from bot.game.state import MatchState
from bot.game.validate import load_scenario
from bot.review.build import MatchFacts, PlayedRound, TurnMeta, build_record
from bot.review.record import (
    DealInfo,
    DebateEvent,
    HolderInfo,
    MatchRecord,
    ModAction,
    SeatSwapInfo,
    Status,
    SwapPlayer,
    SwapResult,
)
from db.models import DealStep, LogEntry, Match, SeatSwap, StoredRound, Submission
from db.repos import deals as deals_repo
from db.repos import debate as debate_repo
from db.repos import forks as forks_repo
from db.repos import log as log_repo
from db.repos import matches as matches_repo
from db.repos import orders as orders_repo
from db.repos import rounds as rounds_repo
from db.repos import scenarios as scenarios_repo
from db.store import Tx

DRAFT_KIND = "order_draft"  # bot.services.team_draft.KIND (review does not import services)

SEAT_KINDS = ("seat_taken", "seat_left", "seat_removed", "seat_substituted", "captain")
MODERATION_KINDS = ("paused", "resumed", "match_ended", "seat_substituted", "seat_removed")
STATUS: dict[str, Status] = {
    "lobby": "lobby",
    "orders": "running",
    "finished": "finished",
    "ended": "ended",
}


class RecordNotFound(LookupError):
    """No match has that id, or its scenario text is missing from the store."""


class Reader(Protocol):
    """Anything that opens a read transaction: ``db.store.Store`` or the services' Context."""

    def read(self) -> AbstractAsyncContextManager[Tx]:
        """A read transaction."""
        ...


class _Spans(dict[str, list["_Span"]]):
    """Each seat's spans of holders, opened and closed as the log is read."""

    def open(self, seat: str, player: str, name: str, at: datetime, round_: int) -> None:
        self.setdefault(seat, []).append(_Span(player, name, at, round_))

    def close(self, seat: str, player: str, at: datetime, round_: int) -> None:
        for span in self.get(seat, []):
            if span.player == player and span.until is None:
                span.until, span.left_round = at, round_

    def holds(self, seat: str, player: str) -> bool:
        return any(s.player == player and s.until is None for s in self.get(seat, []))


def _holders(match: Match, log: Sequence[LogEntry]) -> dict[str, list[HolderInfo]]:
    """Who held each seat and when (time and round), from the log's seat lines and the current
    holders; a team's captains have the role ``captain``."""
    names = {h.player: h.name for s in match.seats for h in s.holders}
    spans = _Spans()
    captains: set[tuple[str, str]] = {(s.seat, s.captain) for s in match.seats if s.captain}
    for entry in log:
        seat, data = entry.seat, entry.data
        player = str(data.get("player") or "")
        if seat is None:
            continue
        if entry.kind == "seat_taken" and player:
            name = str(data.get("name") or names.get(player, player))
            spans.open(seat, player, name, entry.at, entry.round)
        elif entry.kind in ("seat_left", "seat_removed") and player:
            spans.close(seat, player, entry.at, entry.round)
        elif entry.kind == "captain" and player:
            captains.add((seat, player))
        elif entry.kind == "seat_substituted":
            for gone in data.get("removed") or []:
                spans.close(seat, str(gone), entry.at, entry.round)
            if player:  # the log line's "name" is the moderator's: take the holder's own
                spans.open(seat, player, names.get(player, player), entry.at, entry.round)
    for info in match.seats:
        for holder in info.holders:
            if not spans.holds(info.seat, holder.player):
                spans.open(info.seat, holder.player, holder.name, holder.since, match.round)
    return _infos(spans, captains if match.team_size > 1 else set())


def _infos(spans: _Spans, captains: set[tuple[str, str]]) -> dict[str, list[HolderInfo]]:
    """The spans as the record's holders (``captain`` for whoever ever led a team)."""
    return {
        seat: [
            HolderInfo(
                player=s.player,
                name=s.name,
                since=s.since,
                until=s.until,
                joined_round=s.joined_round,
                left_round=s.left_round,
                roles=["captain"] if (seat, s.player) in captains else [],
            )
            for s in found
        ]
        for seat, found in spans.items()
    }


@dataclass
class _Span:
    """A player's time in a seat, as the log tells it."""

    player: str
    name: str
    since: datetime
    joined_round: int
    until: datetime | None = None
    left_round: int | None = None


def _held(holders: Sequence[HolderInfo], at: datetime) -> bool:
    return any(
        (h.since is None or h.since <= at) and (h.until is None or at <= h.until) for h in holders
    )


def _turns(
    stored: StoredRound,
    submissions: dict[int, Submission],
    holders: dict[str, list[HolderInfo]],
    drafts: dict[tuple[int, str], dict[str, tuple[str, str]]],
) -> dict[str, TurnMeta]:
    turns = {}
    for seat, locked in stored.orders.items():
        sub = submissions.get(locked.submission_id) if locked.submission_id else None
        if sub is not None:
            authors = {m: (a.author, a.argument_author) for m, a in sub.authors.items()}
        elif locked.source == "players":  # a team's draft locked as it stood at the deadline
            authors = drafts.get((stored.round, seat), {})
        else:
            authors = {}
        turns[seat] = TurnMeta(
            source=locked.source,
            submitted_by=sub.player if sub else None,
            submitted_at=sub.submitted_at if sub else None,
            locked_at=locked.locked_at,
            held=_held(holders.get(seat, []), stored.resolved_at),
            authors=authors,
        )
    return turns


def _draft_authors(lines: Sequence[LogEntry]) -> dict[tuple[int, str], dict[str, tuple[str, str]]]:
    """Who wrote what in each seat's last draft of each round: (round, seat) -> move ->
    (added by, argued by)."""
    found: dict[tuple[int, str], dict[str, tuple[str, str]]] = {}
    for entry in lines:
        if entry.seat is not None:
            raw = entry.data.get("authors", {})
            found[(entry.round, entry.seat)] = {
                str(m): (str(a[0]), str(a[1])) for m, a in raw.items()
            }
    return found


def _moderation(log: Sequence[LogEntry]) -> list[ModAction]:
    return [
        ModAction(
            at=e.at,
            round=e.round,
            actor=e.actor,
            action=e.kind.removeprefix("moderator:"),
            seat=e.seat,
            detail=dict(e.data),
        )
        for e in log
        if e.kind in MODERATION_KINDS or e.kind.startswith("moderator:")
    ]


DEBATE_KINDS = {
    "debate_rating": "rating",
    "debate_counter": "counter",
    "debate_ruling": "ruling",
    "debate_done": "done",
}


def _debate(log: Sequence[LogEntry]) -> list[DebateEvent]:
    """The debate windows' history from the log: who rated what, when, and every change."""
    found = []
    for e in log:
        kind = DEBATE_KINDS.get(e.kind)
        if kind is None:
            continue
        value = e.data.get("value")
        found.append(
            DebateEvent.model_validate(
                {
                    "at": e.at,
                    "round": e.round,
                    "kind": kind,
                    "player": e.actor,
                    "seat": e.seat,
                    "move": e.data.get("move"),
                    "rater": e.data.get("rater"),
                    "value": None if value is None else int(value),
                }
            )
        )
    return found


def _facts(
    match: Match, holders: dict[str, list[HolderInfo]], log: Sequence[LogEntry]
) -> MatchFacts:
    return MatchFacts(
        id=match.id,
        guild_id=match.guild_id,
        channel_id=match.channel_id,
        host=match.host,
        status=STATUS.get(match.phase, "running"),
        settings={
            "ai_fill": match.ai_fill,
            "teams": match.teams,
            "team_size": match.team_size,
            "deadline_seconds": match.deadline_seconds,
            **match.settings,
        },
        created_at=match.created_at,
        started_at=match.started_at,
        ended_at=match.ended_at,
        end_reason=match.end_reason,
        ended_by=match.ended_by,
        winners=list(match.winners) if match.winners is not None else None,
        scenario_sha256=match.scenario_sha256,
        holders=holders,
        ai_seats=frozenset(s.seat for s in match.seats if s.controller == "ai"),
        moderation=_moderation(log),
        debate=_debate(log),
    )


@dataclass(frozen=True)
class StoredMatch:
    """What one read transaction gives for a record: the rows, decoded, nothing built yet
    (plain values: it pickles, so the Discord bot builds the record in its render worker)."""

    match: Match
    body: bytes | None  # the scenario's text, when the caller had no scenario
    stored: list[StoredRound]
    submissions: dict[int, Submission]
    log: list[LogEntry]
    drafts: dict[tuple[int, str], dict[str, tuple[str, str]]]
    swap: SeatSwap | None
    source: Match | None
    talks: list[DealStep]


async def read_stored(
    reader: Reader, match_id: int, scenario: Scenario | None = None
) -> StoredMatch:
    """Everything ``load_record`` reads, in one read transaction (RecordNotFound)."""
    async with reader.read() as tx:
        match = await matches_repo.get_match(tx, match_id, with_state=False)
        if match is None:
            raise RecordNotFound(f"there is no match {match_id}")
        body = (
            None
            if scenario is not None
            else await scenarios_repo.get_text(tx, match.scenario_sha256)
        )
        stored = await debate_repo.with_later_ratings(
            tx, match_id, await rounds_repo.all_rounds(tx, match_id)
        )
        submissions = {s.id: s for s in await orders_repo.submission_history(tx, match_id)}
        log = await log_repo.entries(
            tx, match_id, kinds=(*SEAT_KINDS, *MODERATION_KINDS, *DEBATE_KINDS)
        )
        log += await log_repo.entries(tx, match_id, kind_prefix="moderator:")
        drafts = _draft_authors(await log_repo.entries(tx, match_id, kinds=[DRAFT_KIND]))
        swap = await forks_repo.swap_of(tx, match_id) if match.finished else None
        source = (
            None
            if swap is None
            else await matches_repo.get_match(tx, swap.source_match_id, with_state=True)
        )
        talks = await deals_repo.steps(tx, match_id)
    return StoredMatch(
        match, body, list(stored), submissions, log, drafts, swap, source, list(talks)
    )


def assemble_record(
    read: StoredMatch, scenario: Scenario | None = None
) -> tuple[Scenario, MatchRecord]:
    """The scenario and the record built from what ``read_stored`` read (CPU only, no I/O)."""
    match, stored, log = read.match, read.stored, sorted(read.log, key=lambda e: e.id)
    if scenario is None:
        if read.body is None:
            raise RecordNotFound(f"the scenario text of match {match.id} is not in the store")
        scenario = load_scenario(read.body, f"match {match.id} scenario")
    holders = _holders(match, log)
    facts = _facts(match, holders, log)
    if not stored:  # still in the lobby: nothing drawn or played yet
        values = {m.id: m.start for m in scenario.metrics}
        start = MatchState(1, match.last_round, dict(values), values, dict(values))
        return scenario, build_record(scenario, match.seed, start, (), [], facts)
    opening, rounds = stored[0], stored[1:]
    played = [
        PlayedRound(
            round=r.round,
            orders={seat: locked.orders for seat, locked in r.orders.items()},
            records=r.records,
            state=r.state,
            resolved_at=r.resolved_at,
            turns=_turns(r, read.submissions, holders, read.drafts),
        )
        for r in rounds
    ]
    record = build_record(scenario, match.seed, opening.state, opening.records, played, facts)
    swap, source = read.swap, read.source
    if swap is not None and source is not None and source.state is not None:
        info = seat_swap_info(scenario, swap, source, source.state, match, rounds[-1].state)
        record = record.model_copy(update={"seat_swap": info})
    return scenario, with_talks(record, read.talks)


async def load_record(
    reader: Reader, match_id: int, scenario: Scenario | None = None
) -> tuple[Scenario, MatchRecord]:
    """The scenario and the full (unredacted) record of a stored match.

    Pass ``scenario`` when the caller has it cached (it must be the match's, by hash); otherwise
    it is loaded from the stored text. Raises RecordNotFound.
    """
    return assemble_record(await read_stored(reader, match_id, scenario), scenario)


def _holders_at_end(match: Match) -> dict[str, list[tuple[str, str]]]:
    return {s.seat: [(h.player, h.name) for h in s.holders] for s in match.seats if s.holders}


def seat_swap_info(
    scenario: Scenario,
    swap: SeatSwap,
    source: Match,
    source_final: MatchState,
    rematch: Match,
    final: MatchState,
) -> SeatSwapInfo:
    """The comparison of a rematch that is over: each player's score in each of their seats
    against the AI's expected score there (``bot.game.seat_swap.compare``)."""
    names = {s.id: s.name for s in scenario.seats}
    found = compare(
        _holders_at_end(source),
        _holders_at_end(rematch),
        scores(scenario, source_final),
        scores(scenario, final),
        swap.expected,
    )

    def result(match_id: int, item: SeatResult | None) -> SwapResult | None:
        if item is None:
            return None
        return SwapResult(
            match=match_id,
            seat=item.seat,
            seat_name=names.get(item.seat, item.seat),
            score=item.score,
            expected=item.expected,
            relative=item.relative,
        )

    return SeatSwapInfo(
        source_match=swap.source_match_id,
        mode=swap.mode,
        seats=swap.seats,
        expected=swap.expected,
        expected_matches=swap.expected_seeds,
        players=[
            SwapPlayer(
                player=p.player,
                name=p.name,
                first=result(source.id, p.first),
                second=result(rematch.id, p.second),
            )
            for p in found
        ],
    )


def with_talks(record: MatchRecord, talks: Sequence[DealStep]) -> MatchRecord:
    """The record's deals with who proposed them and answered, and when (from the stored
    talks); a deal's settling events take their round's time."""
    if not record.deals:
        return record
    resolved = {r.round: r.resolved_at for r in record.rounds}
    return record.model_copy(update={"deals": [_timed(d, talks, resolved) for d in record.deals]})


def _timed(
    deal: DealInfo, talks: Sequence[DealStep], resolved: dict[int, datetime | None]
) -> DealInfo:
    mine = [s for s in talks if s.deal_id == deal.id]
    proposed = next((s for s in mine if s.status == "proposed"), None)
    events = []
    for event in deal.events:
        found = None
        if event.status in ("proposed", "accepted", "rejected"):
            found = next(
                (s for s in mine if s.status == event.status and s.seat == event.seat),
                None,
            ) or next((s for s in mine if s.status == event.status), None)
        elif event.status == "active":
            found = next((s for s in reversed(mine) if s.status == "accepted"), None)
        if found is not None:
            update: dict[str, object] = {"at": found.at, "player": found.player}
        else:
            update = {"at": resolved.get(event.round)}
        events.append(event.model_copy(update=update))
    return deal.model_copy(
        update={
            "events": events,
            "proposed_by": proposed.player if proposed else None,
            "replaces": proposed.replaces if proposed else None,
        }
    )
