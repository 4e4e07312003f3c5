"""The HTML export: one self-contained page (timeline, charts, scores, debrief, arguments).

Nothing is fetched: the styles are inline, the charts are PNGs in ``data:`` URLs, there is no
script, and a Content-Security-Policy forbids anything else, so the file reads the same offline,
from an e-mail attachment or a learning platform. Every text goes through ``html.escape``.
The layout is a single column that fits a phone; wide tables scroll inside their own box.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from html import escape

from bot.game.scenario import Scenario
from bot.review.charts import Chart, charts
from bot.review.deal_timeline import deal_timelines
from bot.review.debate_summary import DebateSummary, debate_notes
from bot.review.debrief import Debrief, Note, build_debrief
from bot.review.facts import holders_text, match_facts, moderation_text, title, turn_note
from bot.review.record import MatchRecord
from bot.review.seat_swap_text import swap_intro, swap_texts
from bot.review.text import number, round_title, signed
from bot.review.timeline import TimelineRound, timeline
from bot.review.what_if import what_if_text

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WINNER = ' <span class="win">★ winner</span>'  # a glyph every system font has, unlike 🏆

STYLE = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
h4 { font-size: 1rem; margin: 0.75rem 0 0.25rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.75rem 0; }
nav a { padding: 0.25rem 0.75rem; border: 1px solid var(--line); border-radius: 1rem;
  color: inherit; text-decoration: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.75rem;
  margin: 0; font-size: 0.95rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.95rem; }
th, td { padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
  margin-right: 0.4rem; vertical-align: baseline; }
figure { margin: 1rem 0; }
figure img { display: block; width: 100%; max-width: 800px; height: auto;
  border: 1px solid var(--line); border-radius: 0.5rem; }
figcaption { color: var(--muted); font-size: 0.9rem; }
article.round { border-left: 4px solid var(--line); padding-left: 0.75rem; margin: 1.5rem 0; }
blockquote { margin: 0.25rem 0 0.5rem; padding: 0.25rem 0.75rem; border-left: 3px solid #9aa0a6;
  background: #f6f8fa; font-style: italic; overflow-wrap: anywhere; }
ul, ol { padding-left: 1.25rem; }
li { margin: 0.15rem 0; overflow-wrap: anywhere; }
.win { color: #8a6100; font-weight: 600; white-space: nowrap; }
.up { color: #137333; } .down { color: #b3261e; } .muted { color: var(--muted); }
.seat { border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.5rem 0.75rem;
  margin: 0.5rem 0; }
"""


def _colour(value: str) -> str:
    return value if _COLOUR.match(value) else "#808080"


def _ul(items: Iterable[str], cls: str = "") -> str:
    """A list of already-escaped HTML items."""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _facts(record: MatchRecord) -> str:
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in match_facts(record))
    return f'<dl class="facts">{rows}</dl>'


def _seat_name(record: MatchRecord, seat_id: str) -> str:
    seat = record.seat(seat_id)
    return f'<span class="swatch" style="background:{_colour(seat.colour)}"></span>' + escape(
        seat.name
    )


def _scores(record: MatchRecord) -> str:
    over = record.result is not None
    head = "Final score" if over else "Score now"
    rows = []
    for seat in record.seats:
        value = record.result.scores.get(seat.id) if record.result else seat_latest(record, seat.id)
        mark = WINNER if record.result and seat.id in record.result.winners else ""
        rows.append(
            f"<tr><td>{_seat_name(record, seat.id)}</td><td>{escape(holders_text(seat))}</td>"
            f'<td class="num">{number(value)}{mark}</td></tr>'
        )
    own = [s for s in record.seats if s.objectives and not record.over]
    secret = "".join(
        f"<p>Your secret objectives ({escape(s.name)}):</p>"
        + _ul(f"{escape(o.text)} ({o.points:g} points)" for o in s.objectives or [])
        for s in own
    )
    return (
        '<section id="scores"><h2>Scores</h2><div class="scroll"><table>'
        f'<tr><th>Seat</th><th>Played by</th><th class="num">{head}</th></tr>'
        + "".join(rows)
        + f"</table></div>{secret}</section>"
    )


def seat_latest(record: MatchRecord, seat_id: str) -> float | None:
    """The seat's latest visible score."""
    return record.score_series(seat_id)[-1]


def _metric_table(record: MatchRecord) -> str:
    visible = [m for m in record.metrics if not m.hidden]
    head = "".join(
        f'<th class="num">{escape(round_title(r.round, ""))}</th>' for r in record.rounds
    )
    rows = []
    for metric in visible:
        cells = "".join(f'<td class="num">{number(v)}</td>' for v in record.series(metric.id))
        rows.append(f"<tr><th>{escape(metric.name)}</th>{cells}</tr>")
    return (
        "<details><summary>Every metric, round by round</summary>"
        '<div class="scroll"><table><tr><th>Metric</th><th class="num">Start</th>'
        f"{head}</tr>{''.join(rows)}</table></div></details>"
    )


def _charts(record: MatchRecord, made: Sequence[Chart]) -> str:
    figures = []
    for chart in made:
        data = base64.b64encode(chart.png).decode("ascii")
        ident = chart.filename.rsplit("-", 1)[-1].removesuffix(".png")
        figures.append(
            f'<figure><img id="chart-{escape(ident)}" src="data:image/png;base64,{data}" '
            f'alt="{escape(chart.alt)}"><figcaption>{escape(chart.alt)}</figcaption></figure>'
        )
    return (
        f'<section id="charts"><h2>Charts</h2>{"".join(figures)}{_metric_table(record)}</section>'
    )


def _note(note: Note) -> str:
    if not note.name:
        return escape(note.text)
    return f"<strong>{escape(note.name)}</strong> ({escape(note.when)}): {escape(note.text)}"


def _debate(debate: DebateSummary) -> str:
    """The debate in the debrief: points apart from the scores, best arguments, forecasts."""
    if debate.empty:
        return ""
    points = sorted(debate.seat_points.items(), key=lambda kv: -kv[1])
    parts = ["<h3>The debate</h3><p>Debate points, apart from the scores: "]
    parts.append(" · ".join(f"{escape(n)} {v:+.1f}" for n, v in points) + "</p>")
    best = [
        f"Round {a.round}, {escape(a.seat_name)}, {escape(a.move_name)} "
        f"(rated {(a.order.rating or 0.0):+.2f}): <q>{escape(a.order.argument)}</q>"
        for a in debate.best
    ]
    if best:
        parts.append("<h4>Best-rated arguments</h4>" + _ul(best))
    true = [
        f"Round {a.round}, {escape(a.seat_name)}, {escape(a.move_name)}: {escape(a.forecast)}"
        for a in debate.came_true[:8]
    ]
    if true:
        parts.append(f"<h4>Forecasts that came true ({len(debate.came_true)})</h4>" + _ul(true))
    answered = [
        f"Round {a.round}, {escape(a.seat_name)}, {escape(a.move_name)}: "
        + "; ".join(f"{escape(c.by)}: <q>{escape(c.text)}</q>" for c in a.order.counter_arguments)
        for a in debate.answered
    ]
    if answered:
        parts.append("<h4>Counter-arguments</h4>" + _ul(answered))
    return "".join(parts)


def _debrief(record: MatchRecord, debrief: Debrief) -> str:
    parts = ['<section id="debrief"><h2>Debrief</h2>']
    if debrief.ending:
        text = f": {escape(debrief.ending_text)}" if debrief.ending_text else ""
        parts.append(f"<p>Ending: <strong>{escape(debrief.ending)}</strong>{text}</p>")
    parts.append("<h3>Final scores against each seat's goals</h3>")
    for seat in sorted(debrief.seats, key=lambda s: -s.score):
        items = [escape(g.line()) for g in seat.goals]
        items += [
            f"Secret objective: {escape(o.text)} ({'met' if o.met else 'not met'})"
            for o in seat.objectives
        ]
        if seat.bonus:
            items.append(f"Ending bonus {seat.bonus:+g}")
        trophy = WINNER if seat.winner else ""
        parts.append(
            f'<div class="seat"><strong>{_seat_name(record, seat.seat)}</strong>{trophy}: '
            f"{seat.score:.1f}{_ul(items)}</div>"
        )
    if debrief.outcome is not None:
        outcome = debrief.outcome
        parts.append(
            f"<h3>{escape(outcome.name)}: {outcome.score:.1f} / 100</h3>"
            "<p>Shared by every seat; not part of any score.</p>"
            + _ul(escape(g.line()) for g in outcome.goals)
        )
    parts.append("<h3>Turning points</h3><ol>")
    for point in debrief.turning_points:
        causes = []
        for cause in point.causes[:4]:
            quote = f"<blockquote>{escape(cause.argument)}</blockquote>" if cause.argument else ""
            causes.append(escape(cause.line()) + quote)
        parts.append(
            f"<li><strong>{escape(round_title(point.round, point.label))}: "
            f"{escape(point.name)}</strong> {point.before:.1f} → {point.after:.1f} "
            f"({signed(point.change)}){_ul(causes)}</li>"
        )
    parts.append("</ol>")
    if debrief.what_if:
        parts.append(
            '<h3 id="what-if">What if</h3>' + _ul(escape(what_if_text(w)) for w in debrief.what_if)
        )
    if debrief.seat_swap is not None:
        parts.append(
            '<h3 id="seat-swap">Seat swap</h3>'
            + f"<p>{escape(swap_intro(debrief.seat_swap))}</p>"
            + _ul(escape(t) for t in swap_texts(debrief.seat_swap))
        )
    if debrief.notes:
        key = debrief.key_notes
        rest = [n for n in debrief.notes if n not in key]
        parts.append("<h3>Notes</h3>" + _ul(_note(n) for n in key))
        if rest:
            parts.append(
                f"<details><summary>Notes on everything else that happened ({len(rest)})"
                f"</summary>{_ul(_note(n) for n in rest)}</details>"
            )
    parts.append(_debate(debrief.debate))
    if debrief.questions:
        asked = "".join(f"<li>{escape(q)}</li>" for q in debrief.questions)
        parts.append(f"<h3>Questions for discussion</h3><ol>{asked}</ol>")
    parts.append("</section>")
    return "".join(parts)


def _orders(record: MatchRecord, entry: TimelineRound) -> str:
    items = []
    debated = debate_notes(record, entry.number)
    for turn in entry.turns:
        note = turn_note(turn)
        extra = f' <span class="muted">({escape(note)})</span>' if note else ""
        mine = [o for o in entry.orders if o.seat == turn.seat]
        if not mine:
            items.append(f"{_seat_name(record, turn.seat)}: holds{extra}")
        for order in mine:
            quote = f"<blockquote>{escape(order.argument)}</blockquote>" if order.argument else ""
            debate = debated.get((turn.seat, order.move))
            if debate:
                quote += f'<div class="muted">{escape(debate)}</div>'
            items.append(
                f"{_seat_name(record, turn.seat)}: <strong>{escape(order.name)}</strong> "
                f"({order.cost} AP){extra}{quote}"
            )
    return "<h4>Orders and arguments</h4>" + _ul(items)


def _state(entry: TimelineRound) -> str:
    rows = []
    for row in entry.rows:
        change = ""
        if row.change is not None:
            cls = "up" if row.change > 0 else "down" if row.change < 0 else "muted"
            change = f'<span class="{cls}">{row.arrow} {signed(row.change)}</span>'
        rows.append(
            f'<tr><td>{escape(row.name)}</td><td class="num">{number(row.value, escape(row.unit))}'
            f'</td><td class="num">{change}</td></tr>'
        )
    return (
        '<details><summary>The state after it</summary><div class="scroll"><table>'
        '<tr><th>Metric</th><th class="num">Value</th><th class="num">Change</th></tr>'
        + "".join(rows)
        + "</table></div></details>"
    )


def _round(record: MatchRecord, entry: TimelineRound) -> str:
    parts = [f'<article class="round" id="round-{entry.number}"><h3>{escape(entry.title)}</h3>']
    if entry.turns:
        parts.append(_orders(record, entry))
    if entry.story:
        parts.append("<h4>What happened</h4>" + _ul(escape(s) for s in entry.story))
    if entry.coming:
        parts.append(
            f"<h4>Events that open round {entry.number + 1}</h4>"
            + _ul(escape(s) for s in entry.coming)
        )
    if entry.causes:
        parts.append("<h4>Why the numbers moved</h4>" + _ul(escape(c.line()) for c in entry.causes))
    if entry.moderation:
        parts.append(
            "<h4>Moderation</h4>" + _ul(escape(moderation_text(m)) for m in entry.moderation)
        )
    parts.append(_state(entry) + "</article>")
    return "".join(parts)


def _deals(record: MatchRecord) -> str:
    if not record.deals:
        return ""
    items = [
        f"<strong>{escape(heading)}</strong>" + _ul(escape(e) for e in events)
        for heading, events in deal_timelines(record)
    ]
    return f'<section id="deals"><h2>Deals</h2>{_ul(items)}</section>'


def _arguments(record: MatchRecord) -> str:
    parts = ['<section id="arguments"><h2>Arguments</h2>']
    for seat in record.seats:
        items = [
            f"Round {played.round}, <strong>{escape(order.name)}</strong>"
            f"<blockquote>{escape(order.argument)}</blockquote>"
            for played in record.rounds
            for turn in played.turns
            if turn.seat == seat.id
            for order in turn.orders
            if order.argument.strip()
        ]
        parts.append(f"<h3>{_seat_name(record, seat.id)}</h3>")
        parts.append(_ul(items) if items else '<p class="muted">No arguments.</p>')
    parts.append("</section>")
    return "".join(parts)


def to_html(scenario: Scenario, record: MatchRecord, made: Sequence[Chart] | None = None) -> str:
    """The record (already cut for its viewer) as one self-contained HTML page.

    ``made`` are the charts to embed (drawn here when None; pass them in to reuse a drawing).
    """
    made = charts(record) if made is None else made
    debrief = build_debrief(scenario, record) if record.over else None
    sections = ["scores", "charts"] + (["debrief"] if debrief else []) + ["timeline"]
    sections += (["deals"] if record.deals else []) + ["arguments"]
    nav = "".join(f'<a href="#{s}">{s.capitalize()}</a>' for s in sections)
    rounds = "".join(_round(record, e) for e in timeline(scenario, record))
    page_title = escape(title(record))
    return (
        f'<!DOCTYPE html><html lang="{escape(record.scenario.language)}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{page_title}</title><style>{STYLE}</style></head><body><main>"
        f"<header><h1>{page_title}</h1>{_facts(record)}</header><nav>{nav}</nav>"
        + _scores(record)
        + _charts(record, made)
        + (_debrief(record, debrief) if debrief else "")
        + f'<section id="timeline"><h2>Timeline</h2>{rounds}</section>'
        + _deals(record)
        + _arguments(record)
        + "</main></body></html>\n"
    )
