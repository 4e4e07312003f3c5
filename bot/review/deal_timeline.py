"""Deals' timelines in plain text, for the exports (each escapes the text its own way)."""

from __future__ import annotations

from bot.review.record import DealEventInfo, DealInfo, MatchRecord


def _name(record: MatchRecord, seat_id: str | None) -> str:
    if seat_id is None:
        return ""
    return next((s.name for s in record.seats if s.id == seat_id), seat_id)


def deal_heading(record: MatchRecord, deal: DealInfo) -> str:
    """``Promise between US and Maduro (kept)``."""
    parties = " and ".join(_name(record, s) for s in deal.parties)
    return f"{deal.kind.capitalize()} between {parties} ({deal.status})"


def event_text(record: MatchRecord, event: DealEventInfo) -> str:
    """``Round 3: proposed by US: "relief for openings"`` and the like."""
    who = _name(record, event.seat)
    by = f" by {who}" if who and event.status in ("proposed", "accepted", "rejected") else ""
    of = f" ({who}: {event.detail})" if who and event.status in ("kept", "broken") else ""
    said = f': "{event.detail}"' if event.status == "proposed" and event.detail else ""
    when = f" at {event.at:%Y-%m-%d %H:%M} UTC" if event.at is not None else ""
    return f"Round {event.round}{when}: {event.status}{by}{of}{said}"


def deal_timelines(record: MatchRecord) -> list[tuple[str, list[str]]]:
    """Every deal's heading and the lines of its timeline, in the order proposed."""
    return [
        (deal_heading(record, d), [event_text(record, e) for e in d.events]) for d in record.deals
    ]
