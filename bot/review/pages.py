"""Plain Markdown pages for Discord: the match log a round per page, and the debrief post.

Nothing here imports Discord. Each page's text stays under ``PAGE_TEXT`` characters, so one
page fits one embed description (4096) with room for a title and footer, and one message
(6000 over all embeds). A round too long for one page continues on the next (``(2/2)``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from bot.game.scenario import Scenario
from bot.render.narrative import story
from bot.review.charts import MAX_METRICS, Chart, moved_metrics, render_charts
from bot.review.debrief import build_debrief
from bot.review.debrief_text import debrief_lines
from bot.review.facts import moderation_text, turn_note
from bot.review.record import MatchRecord, RecordEntry
from bot.review.text import md, number, signed
from bot.review.timeline import TimelineRound, cause_list, timeline

PAGE_TEXT = 3800
TITLE = 250
ARGUMENT = 500  # characters of an argument shown in the log (the exports have it whole)


@dataclass(frozen=True)
class Page:
    """One page: a title, Markdown text, and the round it shows (0: before round 1)."""

    title: str
    text: str
    round: int


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip("\\") + "…"


def _orders(record: MatchRecord, entry: TimelineRound, seat: str | None) -> list[str]:
    lines = ["**Orders and arguments**"]
    for turn in entry.turns:
        if seat is not None and turn.seat != seat:
            continue
        name = md(record.seat(turn.seat).name)
        note = turn_note(turn)
        suffix = f" _({md(note)})_" if note else ""
        if not turn.orders:
            lines.append(f"- **{name}** holds{suffix}")
        for order in turn.orders:
            lines.append(f"- **{name}**: {md(order.name)} ({order.cost} AP){suffix}")
            if order.argument.strip():
                lines.append(f"> {_cut(md(order.argument), ARGUMENT)}")
    return lines


def _section(title: str, items: list[str]) -> list[str]:
    return [f"**{title}**", *[f"- {md(i)}" for i in items]] if items else []


def _entry_lines(record: MatchRecord, entry: TimelineRound, seat: str | None) -> list[str]:
    lines: list[str] = []
    if entry.turns:
        lines += _orders(record, entry, seat)
    lines += _section("What happened", entry.story)
    lines += _section(f"Events that open round {entry.number + 1}", entry.coming)
    lines += _section("Why the numbers moved", [c.line() for c in entry.causes])
    if seat is None:
        state = [
            f"{row.name}: {number(row.value, row.unit)}"
            + ("" if row.change is None or abs(row.change) < 0.05 else f" ({signed(row.change)})")
            for row in entry.rows
        ]
        lines += _section("The state after it", state)
        scores = [f"{record.seat(s).name} {number(v)}" for s, v in entry.scores.items()]
        if scores:
            lines += ["**Scores**", md(" · ".join(scores))]
    lines += _section("Moderation", [moderation_text(m) for m in entry.moderation])
    return lines or ["Nothing happened."]


def _split(lines: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = _cut(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    return [*chunks, current] if current else chunks


def _only_seat(
    scenario: Scenario, entry: TimelineRound, records: list[RecordEntry], seat: str
) -> TimelineRound:
    """The entry cut to one seat: its orders, decisions, and the changes they caused."""
    mine = [r.to_engine() for r in records if r.seat == seat]
    return replace(
        entry,
        story=story(scenario, [r for r in mine if r.round == entry.number]),
        coming=[],
        causes=cause_list(scenario, mine),
        moderation=[m for m in entry.moderation if m.seat in (None, seat)],
    )


def log_pages(scenario: Scenario, record: MatchRecord, seat: str | None = None) -> list[Page]:
    """The log of a record (already cut for its viewer), a round per page, in order.

    ``seat`` narrows every page to that seat: its orders and arguments, its decisions and the
    changes its moves caused.
    """
    stored = [record.opening.records, *[r.records for r in record.rounds]]
    pages = []
    for entry, records in zip(timeline(scenario, record), stored, strict=True):
        shown = entry if seat is None else _only_seat(scenario, entry, records, seat)
        chunks = _split(_entry_lines(record, shown, seat), PAGE_TEXT)
        for index, chunk in enumerate(chunks, 1):
            part = f" ({index}/{len(chunks)})" if len(chunks) > 1 else ""
            pages.append(Page(_cut(entry.title, TITLE - len(part)) + part, chunk, entry.number))
    return pages


@dataclass(frozen=True)
class DebriefPost:
    """What to post when a match ends: Markdown pages of the debrief and its charts."""

    pages: list[Page]
    charts: list[Chart]


async def debrief_post(scenario: Scenario, record: MatchRecord) -> DebriefPost:
    """The end-of-match debrief for Discord (its forks and charts made off the event loop)."""
    debrief = await asyncio.to_thread(build_debrief, scenario, record)
    chunks = _split(debrief_lines(debrief, short=True), PAGE_TEXT)
    title = _cut(f"Debrief: {scenario.meta.title}", TITLE - 8)
    pages = [
        Page(title + (f" ({i}/{len(chunks)})" if len(chunks) > 1 else ""), chunk, 0)
        for i, chunk in enumerate(chunks, 1)
    ]
    chosen = list(dict.fromkeys(p.metric for p in debrief.turning_points))
    chosen += [m for m in moved_metrics(record) if m not in chosen][: MAX_METRICS - len(chosen)]
    return DebriefPost(pages, await render_charts(record, chosen))
