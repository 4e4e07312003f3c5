"""Plain-text facts about a record that every human-readable export shows the same way.

Values are raw text: each renderer escapes them for its own format.
"""

from __future__ import annotations

from datetime import datetime

from bot.review.record import MatchRecord, ModAction, SeatInfo, SeatTurn

STATUS_TEXT = {
    "lobby": "in the lobby",
    "running": "being played",
    "finished": "finished",
    "ended": "ended early",
}


def when(moment: datetime | None) -> str:
    """``2021-03-04 17:05 UTC`` (empty when unknown)."""
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def match_facts(record: MatchRecord) -> list[tuple[str, str]]:
    """The header facts: scenario, status, rounds, ending, seed, times, viewer."""
    info, ref = record.match, record.scenario
    facts = [("Scenario", f"{ref.title} (id {ref.id}, version {ref.version})")]
    if ref.sha256:
        facts.append(("Scenario file SHA-256", ref.sha256))
    status = STATUS_TEXT[info.status]
    if info.end_reason:
        status += f" ({info.end_reason})"
    facts.append(("Status", status))
    facts.append(("Rounds played", f"{info.rounds_played} of {info.last_round}"))
    if record.result is not None and record.result.ending_name:
        facts.append(("Ending", record.result.ending_name))
    if info.seed is not None:
        facts.append(("Seed", str(info.seed)))
    for label, moment in (("Started", info.started_at), ("Ended", info.ended_at)):
        if moment is not None:
            facts.append((label, when(moment)))
    if record.redacted:
        who = f"the {record.seat(record.viewer).name} seat" if record.viewer else "the public"
        facts.append(("Shown as", f"{who} sees it while the match runs; secrets are hidden"))
    return facts


def title(record: MatchRecord) -> str:
    """``Tutorial: The River Dam — match 12``."""
    number = f" — match {record.match.id}" if record.match.id is not None else ""
    return f"{record.scenario.title}{number}"


def holders_text(seat: SeatInfo) -> str:
    """Who held the seat: ``Ana, Ben``, ``the AI``, or ``nobody (it held)``."""
    if seat.holders:
        names = ", ".join(h.name for h in seat.holders)
        return names + (" (then the AI)" if seat.ai else "")
    return "the AI" if seat.ai else "nobody"


def turn_note(turn: SeatTurn) -> str:
    """How a seat's orders came about, when it matters: ``missed the deadline: the AI played``."""
    if turn.on_time is False:
        return "missed the deadline: " + ("the AI played" if turn.source == "ai" else "held")
    if turn.source == "ai" and turn.on_time is None:
        return "the AI"
    return ""


def moderation_text(action: ModAction) -> str:
    """``12:05 UTC mod 123: pause (seat us)``."""
    parts = [when(action.at), action.actor or "", action.action]
    text = " ".join(p for p in parts[:2] if p)
    text = f"{text}: {action.action}" if text else action.action
    if action.seat:
        text += f" (seat {action.seat})"
    if action.detail:
        text += " " + ", ".join(f"{k}={v}" for k, v in sorted(action.detail.items()))
    return text
