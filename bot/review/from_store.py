"""Loading a ``MatchRecord`` from the store, through the store's own repositories.

One read transaction gives one consistent snapshot: the match and its seats, every stored round
(round 0 is the opening) with its locked orders, the submissions (who submitted, when), and the
append-only log (seat changes and moderator actions). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from bot.game.scenario import Scenario
from bot.game.state import MatchState
from bot.game.validate import load_scenario
from bot.review.build import MatchFacts, PlayedRound, TurnMeta, build_record
from bot.review.record import HolderInfo, MatchRecord, ModAction, Status
from db.models import LogEntry, Match, StoredRound, Submission
from db.repos import log as log_repo
from db.repos import matches as matches_repo
from db.repos import orders as orders_repo
from db.repos import rounds as rounds_repo
from db.repos import scenarios as scenarios_repo
from db.store import Tx

SEAT_KINDS = ("seat_taken", "seat_left", "seat_removed", "seat_substituted")
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


def _holders(match: Match, log: Sequence[LogEntry]) -> dict[str, list[HolderInfo]]:
    """Who held each seat and when, from the log's seat lines and the current holders."""
    names = {h.player: h.name for s in match.seats for h in s.holders}
    spans: dict[str, list[list[object]]] = {}  # seat -> [player, name, since, until]

    def close(seat: str, player: str, at: datetime) -> None:
        for span in spans.get(seat, []):
            if span[0] == player and span[3] is None:
                span[3] = at

    for entry in log:
        seat, data = entry.seat, entry.data
        if seat is None:
            continue
        player = str(data.get("player") or "")
        if entry.kind == "seat_taken" and player:
            name = str(data.get("name") or names.get(player, player))
            spans.setdefault(seat, []).append([player, name, entry.at, None])
        elif entry.kind in ("seat_left", "seat_removed") and player:
            close(seat, player, entry.at)
        elif entry.kind == "seat_substituted":
            for gone in data.get("removed") or []:
                close(seat, str(gone), entry.at)
            if player:  # the log line's "name" is the moderator's: take the holder's own
                spans.setdefault(seat, []).append(
                    [player, names.get(player, player), entry.at, None]
                )
    for info in match.seats:
        for holder in info.holders:
            if not any(s[0] == holder.player and s[3] is None for s in spans.get(info.seat, [])):
                spans.setdefault(info.seat, []).append(
                    [holder.player, holder.name, holder.since, None]
                )
    return {
        seat: [HolderInfo(player=str(p), name=str(n), since=s, until=u) for p, n, s, u in found]
        for seat, found in spans.items()
    }


def _held(holders: Sequence[HolderInfo], at: datetime) -> bool:
    return any(
        (h.since is None or h.since <= at) and (h.until is None or at <= h.until) for h in holders
    )


def _turns(
    stored: StoredRound,
    submissions: dict[int, Submission],
    holders: dict[str, list[HolderInfo]],
) -> dict[str, TurnMeta]:
    turns = {}
    for seat, locked in stored.orders.items():
        sub = submissions.get(locked.submission_id) if locked.submission_id else None
        turns[seat] = TurnMeta(
            source=locked.source,
            submitted_by=sub.player if sub else None,
            submitted_at=sub.submitted_at if sub else None,
            locked_at=locked.locked_at,
            held=_held(holders.get(seat, []), stored.resolved_at),
        )
    return turns


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
    )


async def load_record(
    reader: Reader, match_id: int, scenario: Scenario | None = None
) -> tuple[Scenario, MatchRecord]:
    """The scenario and the full (unredacted) record of a stored match.

    Pass ``scenario`` when the caller has it cached (it must be the match's, by hash); otherwise
    it is loaded from the stored text. Raises RecordNotFound.
    """
    async with reader.read() as tx:
        match = await matches_repo.get_match(tx, match_id, with_state=False)
        if match is None:
            raise RecordNotFound(f"there is no match {match_id}")
        body = (
            None
            if scenario is not None
            else await scenarios_repo.get_text(tx, match.scenario_sha256)
        )
        stored = await rounds_repo.all_rounds(tx, match_id)
        submissions = {s.id: s for s in await orders_repo.submission_history(tx, match_id)}
        log = await log_repo.entries(tx, match_id, kinds=(*SEAT_KINDS, *MODERATION_KINDS))
        log += await log_repo.entries(tx, match_id, kind_prefix="moderator:")
    if scenario is None:
        if body is None:
            raise RecordNotFound(f"the scenario text of match {match_id} is not in the store")
        scenario = load_scenario(body, f"match {match_id} scenario")
    log.sort(key=lambda e: e.id)
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
            turns=_turns(r, submissions, holders),
        )
        for r in rounds
    ]
    return scenario, build_record(
        scenario, match.seed, opening.state, opening.records, played, facts
    )
