"""The debrief in Markdown lines: posted in Discord (``short``) and part of the Markdown export.

Discord renders the same Markdown, so one function serves both: split the lines into embeds
with ``bot.discord.pages.embeds`` (it breaks only between lines).
"""

from __future__ import annotations

from bot.review.debate_summary import DebateSummary
from bot.review.debrief import Debrief, Note, OutcomeResult, SeatResult
from bot.review.seat_swap_text import swap_intro, swap_texts
from bot.review.text import md, round_title, signed
from bot.review.what_if import what_if_text

ARGUMENT_QUOTE = 300  # characters of an argument quoted under a turning point


def _quote(text: str, limit: int) -> str:
    flat = md(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip("\\") + "…"


def score_lines(seat: SeatResult, detail: bool = True) -> list[str]:
    """A seat's final score and how it was made up."""
    trophy = " 🏆" if seat.winner else ""
    parts = [f"goals {seat.goal_points:.1f}"]
    if seat.objective_points:
        parts.append(f"objectives {seat.objective_points:g}")
    if seat.bonus:
        parts.append(f"ending {seat.bonus:+g}")
    lines = [f"- **{md(seat.name)}**{trophy}: {seat.score:.1f} ({', '.join(parts)})"]
    if detail:
        lines += [f"  - {md(g.line())}" for g in seat.goals]
        for objective in seat.objectives:
            state = "met" if objective.met else "not met"
            lines.append(f"  - Secret objective: {md(objective.text)} ({state})")
    return lines


def turning_point_lines(debrief: Debrief, arguments: bool = True) -> list[str]:
    """The turning points, each with its causes (and the arguments behind the moves)."""
    lines = []
    for number, point in enumerate(debrief.turning_points, 1):
        lines.append(
            f"{number}. **{md(round_title(point.round, point.label))}: {md(point.name)}** "
            f"{point.before:.1f} → {point.after:.1f} ({signed(point.change)})"
        )
        for cause in point.causes[:4]:
            lines.append(f"   - {md(cause.line())}")
            if arguments and cause.argument:
                lines.append(f"     “{_quote(cause.argument, ARGUMENT_QUOTE)}”")
    return lines


def deal_lines(debrief: Debrief, limit: int) -> list[str]:
    """Deals kept, broken or lapsed, broken ones first when cut short, each with its text."""
    chosen = sorted(debrief.deals, key=lambda d: (d.status != "broken", d.round))[:limit]
    lines = []
    for moment in sorted(chosen, key=lambda d: d.round):
        lines.append(f"- **{md(round_title(moment.round, moment.label))}**: {md(moment.line())}")
        if moment.text:
            lines.append(f"  “{_quote(moment.text, ARGUMENT_QUOTE)}”")
    extra = len(debrief.deals) - len(chosen)
    if extra > 0:
        lines.append(f"- … and {extra} more in the export")
    return lines


def outcome_lines(outcome: OutcomeResult) -> list[str]:
    """The shared outcome: its score out of 100 (no seat's score), then each goal."""
    lines = [f"**{md(outcome.name)}: {outcome.score:.1f} / 100** (shared; no seat's score)"]
    return lines + [f"- {md(g.line())}" for g in outcome.goals]


def note_line(note: Note) -> str:
    """A note, with what it is about and when."""
    if note.kind == "scenario" or not note.name:
        return f"- {md(note.text)}"
    return f"- **{md(note.name)}** ({note.when}): {md(note.text)}"


def debate_lines(debate: DebateSummary, short: bool = False) -> list[str]:
    """The debate, apart from the scores: points, best-rated arguments, forecasts that came
    true and counter-arguments ("" lines when nobody argued)."""
    if debate.empty:
        return []
    lines = ["", "**The debate** (debate points, apart from the scores)"]
    points = sorted(debate.seat_points.items(), key=lambda kv: -kv[1])
    lines.append("- Seats: " + " · ".join(f"{md(name)} {value:+.1f}" for name, value in points))
    players = [(p, v) for p, v in debate.player_points.items() if not p.startswith("ai:")]
    if players:
        shown = sorted(players, key=lambda kv: -kv[1])
        lines.append("- Players: " + " · ".join(f"{md(p)} {v:+.1f}" for p, v in shown))
    if debate.best:
        lines.append("- Best-rated arguments:")
        for a in debate.best:
            rating = a.order.rating or 0.0
            lines.append(
                f"  - Round {a.round}, {md(a.seat_name)}, {md(a.move_name)} "
                f"(rated {rating:+.2f}): “{_quote(a.order.argument, ARGUMENT_QUOTE)}”"
            )
    if debate.came_true:
        limit = 3 if short else 8
        lines.append(f"- Forecasts that came true: {len(debate.came_true)}")
        for a in debate.came_true[:limit]:
            lines.append(
                f"  - Round {a.round}, {md(a.seat_name)}, {md(a.move_name)}: {md(a.forecast)}"
            )
    for a in debate.answered[: 3 if short else None]:
        final = "" if a.order.rating is None else f" (final rating {a.order.rating:+.2f})"
        lines.append(f"- Answered: round {a.round}, {md(a.seat_name)}, {md(a.move_name)}{final}")
        for c in a.order.counter_arguments:
            lines.append(f"  - {md(c.by)}: “{_quote(c.text, ARGUMENT_QUOTE)}”")
    return lines


def debrief_lines(debrief: Debrief, short: bool = False) -> list[str]:
    """The debrief as Markdown lines; ``short`` keeps the key notes only (for Discord)."""
    lines = [f"**{md(debrief.title)}**"]
    if debrief.ending:
        text = f": {md(debrief.ending_text)}" if debrief.ending_text else ""
        lines += ["", f"Ending: **{md(debrief.ending)}**{text}"]
    lines += ["", "**Final scores against each seat's goals**"]
    for seat in sorted(debrief.seats, key=lambda s: -s.score):
        lines += score_lines(seat)
    if debrief.outcome is not None:
        lines += ["", *outcome_lines(debrief.outcome)]
    lines += ["", "**Turning points**"]
    lines += turning_point_lines(debrief, arguments=True) or ["Nothing moved."]
    if debrief.deals:  # kept and broken deals: turning points of trust
        lines += ["", "**Deals kept and broken**"]
        lines += deal_lines(debrief, 3 if short else len(debrief.deals))
    if debrief.what_if:
        lines += ["", "**What if**"]
        lines += [f"- {md(what_if_text(w))}" for w in debrief.what_if]
    if debrief.seat_swap is not None:
        lines += ["", "**Seat swap**", md(swap_intro(debrief.seat_swap))]
        lines += [f"- {md(t)}" for t in swap_texts(debrief.seat_swap)]
    lines += debate_lines(debrief.debate, short)
    notes = debrief.key_notes if short else debrief.notes
    if notes:
        lines += ["", "**What the scenario's notes say about this match**"]
        lines += [note_line(n) for n in notes]
    if debrief.questions:
        lines += ["", "**Questions for discussion**"]
        lines += [f"{i}. {md(q)}" for i, q in enumerate(debrief.questions, 1)]
    return lines
