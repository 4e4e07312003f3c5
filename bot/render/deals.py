"""Deals in words, shared by the terminal and Discord: terms, a deal, and what a round did to
deals (kept, broken, lapsed, expired). Plain text: each front end escapes it as it must."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.game.deal_state import Deal, Term
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Record

KIND = {
    "promise": "promise (each keeps its word; breaking it costs points and credibility)",
    "escrow": "escrow (the moves run together or not at all)",
}


def rounds_text(term: Term) -> str:
    """``round 3`` or ``rounds 3-4``."""
    if term.first == term.last:
        return f"round {term.first}"
    return f"rounds {term.first}-{term.last}"


def term_text(scenario: Scenario, term: Term) -> str:
    """``United States plays Relief for openings (round 3)``."""
    verb = "does not play" if term.avoid else "plays"
    seat, move = scenario.seat(term.seat).name, scenario.move(term.move).name
    return f"{seat} {verb} {move} ({rounds_text(term)})"


def deal_text(scenario: Scenario, deal: Deal) -> str:
    """A deal in one line: kind, terms, status."""
    terms = "; ".join(term_text(scenario, t) for t in deal.terms)
    return f"{deal.id} · {deal.kind}: {terms} · {deal.status}"


def deal_lines(scenario: Scenario, deal: Deal) -> list[str]:
    """A deal in a few lines: who proposed it, its kind, its terms, its text and status."""
    proposer = scenario.seat(deal.proposer).name
    parties = " and ".join(scenario.seat(s).name for s in deal.parties)
    lines = [
        f"Deal {deal.id} ({deal.status}) between {parties}, proposed by {proposer}",
        f"Kind: {KIND[deal.kind]}",
    ]
    lines += [f"- {term_text(scenario, t)}" for t in deal.terms]
    if deal.text:
        lines.append(f'"{deal.text}"')
    waiting = [scenario.seat(s).name for s in deal.parties if s not in deal.accepted_by]
    if deal.status == "proposed" and waiting:
        lines.append(f"Waiting for: {', '.join(waiting)} (answer before this round resolves)")
    return lines


def _deals(state: MatchState) -> Mapping[str, Deal]:
    return {d.id: d for d in state.deals}


def outcome_lines(scenario: Scenario, state: MatchState, records: Iterable[Record]) -> list[str]:
    """What the round did to deals, from its records (``state``: the state after it): each
    deal kept, broken, lapsed or expired, and each breach with its cost."""
    deals = _deals(state)
    lines = []
    for rec in records:
        deal_id = rec.source.partition(":")[2]
        deal = deals.get(deal_id)
        if not rec.source.startswith("deal:") or deal is None:
            continue
        names = " and ".join(scenario.seat(s).name for s in deal.parties)
        if rec.kind == "breach" and rec.seat is not None:
            seat = scenario.seat(rec.seat).name
            term = next((t for t in deal.terms if t.describe() == rec.detail), None)
            what = term_text(scenario, term) if term is not None else rec.detail or ""
            lines.append(
                f"💔 {seat} broke its promise to {names} ({what}): "
                f"-{abs(rec.delta or 0):g} points, credibility down"
            )
        elif rec.kind == "lapse":
            lines.append(f"⏸️ The escrow between {names} lapsed this round: not every move was in")
        elif rec.kind == "kept" and deal.kind == "escrow":
            lines.append(f"🤝 The escrow between {names} ran: every move in it was played")
        elif rec.kind == "deal" and rec.detail in ("kept", "expired"):
            # the deal's own words stay with its parties (and the debrief, once it is over)
            if rec.detail == "kept":
                lines.append(f"✅ Deal {deal.id} between {names} was kept")
            else:
                lines.append(f"⌛ Deal {deal.id} between {names} expired unanswered")
        elif rec.kind == "deal" and rec.detail == "lapsed":
            lines.append(f"⏸️ Deal {deal.id} between {names} ended without running every round")
    return lines


def credibility_line(scenario: Scenario, state: MatchState) -> str | None:
    """Every seat's credibility, once any deal has moved it (None before)."""
    if not state.credibility and not state.deals:
        return None
    parts = []
    for seat in scenario.seats:
        value = state.credibility.get(seat.id, seat.credibility)
        parts.append(f"{seat.name} {value:.0f}")
    return "Credibility (0-100): " + ", ".join(parts)
