"""The Markdown export: a readable account of a match, for people (and for pasting into notes).

It renders a record already cut for its viewer (``bot.review.redact.view_for``); every piece of
user or scenario text goes through ``text.md`` so nobody's argument can break the layout.
"""

from __future__ import annotations

from bot.game.scenario import Scenario
from bot.review.deal_timeline import deal_timelines
from bot.review.debate_summary import debate_notes
from bot.review.debrief import build_debrief
from bot.review.debrief_text import debrief_lines
from bot.review.facts import holders_text, match_facts, moderation_text, title, turn_note
from bot.review.record import MatchRecord
from bot.review.text import md, number, signed
from bot.review.timeline import TimelineRound, timeline


def _seats(record: MatchRecord) -> list[str]:
    lines = ["| Seat | Played by | Score |", "| --- | --- | ---: |"]
    for seat in record.seats:
        if record.result is not None:
            score = number(record.result.scores.get(seat.id))
            if seat.id in record.result.winners:
                score += " 🏆"
        else:
            score = number(record.score_series(seat.id)[-1])
        lines.append(f"| {md(seat.name)} | {md(holders_text(seat))} | {score} |")
    objectives = [s for s in record.seats if s.objectives and not record.over]
    for seat in objectives:  # only the viewer's own seat keeps them while the match runs
        lines.append("")
        lines.append(f"Your secret objectives ({md(seat.name)}):")
        lines += [f"- {md(o.text)} ({o.points:g} points)" for o in seat.objectives or []]
    return lines


def _orders(entry: TimelineRound, record: MatchRecord) -> list[str]:
    lines = ["**Orders**", ""]
    debated_notes = debate_notes(record, entry.number)
    for turn in entry.turns:
        note = turn_note(turn)
        seat_name = md(record.seat(turn.seat).name)
        suffix = f" _({md(note)})_" if note else ""
        seat_orders = [o for o in entry.orders if o.seat == turn.seat]
        if not seat_orders:
            lines.append(f"- **{seat_name}** holds{suffix}")
        for order in seat_orders:
            lines.append(f"- **{seat_name}**: {md(order.name)} ({order.cost} AP){suffix}")
            if order.argument.strip():
                lines.append(f"  > {md(order.argument)}")
            debated = debated_notes.get((turn.seat, order.move))
            if debated:
                lines.append(f"  _{md(debated)}_")
    return lines


def _entry(entry: TimelineRound, record: MatchRecord) -> list[str]:
    lines = [f"### {md(entry.title)}", ""]
    if entry.turns:
        lines += [*_orders(entry, record), ""]
    if entry.story:
        lines += ["**What happened**", ""] + [f"- {md(s)}" for s in entry.story] + [""]
    if entry.coming:
        lines += [f"**Events that open round {entry.number + 1}**", ""] + [
            f"- {md(s)}" for s in entry.coming
        ]
        lines.append("")
    if entry.causes:
        lines += ["**Why the numbers moved**", ""] + [f"- {md(c.line())}" for c in entry.causes]
        lines.append("")
    lines += ["| Metric | Value | Change |", "| --- | ---: | ---: |"]
    for row in entry.rows:
        change = "" if row.change is None else f"{row.arrow} {signed(row.change)}"
        lines.append(f"| {md(row.name)} | {number(row.value, row.unit)} | {change} |")
    lines.append("")
    if entry.scores:
        shown = [f"{md(record.seat(s).name)} {number(v)}" for s, v in entry.scores.items()]
        lines += ["**Scores**: " + " · ".join(shown), ""]
    if entry.moderation:
        lines += ["**Moderation**", ""] + [f"- {md(moderation_text(m))}" for m in entry.moderation]
        lines.append("")
    return lines


def _arguments(record: MatchRecord) -> list[str]:
    lines = ["## Arguments", ""]
    for seat in record.seats:
        written = [
            (played.round, order)
            for played in record.rounds
            for turn in played.turns
            if turn.seat == seat.id
            for order in turn.orders
            if order.argument.strip()
        ]
        lines.append(f"### {md(seat.name)}")
        lines.append("")
        if not written:
            lines += ["No arguments.", ""]
        for rnd, order in written:
            lines.append(f"- Round {rnd}, {md(order.name)}: {md(order.argument)}")
        lines.append("")
    return lines


def to_markdown(scenario: Scenario, record: MatchRecord) -> str:
    """The record (already cut for its viewer) as a Markdown document."""
    lines = [f"# {md(title(record))}", ""]
    lines += [f"- **{label}**: {md(value)}" for label, value in match_facts(record)]
    lines += ["", "## Seats", "", *_seats(record), ""]
    if record.over:
        lines += ["## Debrief", "", *debrief_lines(build_debrief(scenario, record)), ""]
    lines += ["## Timeline", ""]
    for entry in timeline(scenario, record):
        lines += _entry(entry, record)
    if record.deals:
        lines += ["## Deals", ""]
        for heading, events in deal_timelines(record):
            lines += [f"- **{md(heading)}**", *(f"  - {md(e)}" for e in events)]
        lines.append("")
    if record.moderation:
        lines += ["## Other moderation", ""]
        lines += [f"- {md(moderation_text(m))}" for m in record.moderation] + [""]
    lines += _arguments(record)
    return "\n".join(lines).rstrip() + "\n"
