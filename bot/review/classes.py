"""A class run compared: its groups side by side, one chart, a gradebook and a class report.

A class run's groups play the same scenario with the same seed, so what differs between them is
what the students did. ``compare`` reads the groups' records (whole: a class run is compared
once every group's match is over) and gives, per group, the ending, each seat's policy score and
debate points (never summed), the shared outcome, and the moves whose use differed most between
groups. ``class_gradebook`` has one CSV row per student across the groups; ``class_markdown``
and ``class_html`` are the class report. Nothing here knows about Discord.
"""

from __future__ import annotations

import base64
import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from matplotlib.figure import Figure

from bot.game.scenario import Scenario
from bot.review.charts import DPI, FONT_PT, METRIC_COLOURS, TITLE_PT, WIDTH_PX, Chart, png
from bot.review.debrief import outcome_result
from bot.review.export_csv import safe_cell
from bot.review.export_html import CSP, STYLE
from bot.review.from_store import Reader, RecordNotFound, load_record
from bot.review.gradebook import grade_rows
from bot.review.record import MatchRecord
from db.models import ClassRun

MOVES_SHOWN = 5


@dataclass(frozen=True)
class GroupResult:
    """One group's match at the end."""

    group: int
    match_id: int
    status: str
    ending: str
    rounds_played: int
    students: int
    scores: dict[str, float | None]  # seat -> policy score
    debate: dict[str, float]  # seat -> debate points (its arguments' ratings and forecasts)
    outcome: float | None  # the scenario's shared outcome, 0 to 100 (None: it has none)


@dataclass(frozen=True)
class MoveSpread:
    """A move and how many rounds each group played it (``counts[0]`` is group 1)."""

    move: str
    name: str
    seat: str
    counts: tuple[int, ...]

    @property
    def spread(self) -> int:
        """How far apart the groups were: most rounds played minus fewest."""
        return max(self.counts) - min(self.counts)


@dataclass(frozen=True)
class ClassComparison:
    """A class run's groups side by side."""

    class_id: int
    title: str
    scenario_id: str
    seed: int
    seats: tuple[tuple[str, str, str], ...]  # (id, name, colour)
    outcome_name: str | None
    groups: tuple[GroupResult, ...]
    moves: tuple[MoveSpread, ...]

    def seat_name(self, seat_id: str) -> str:
        """A seat's name."""
        return next((name for sid, name, _c in self.seats if sid == seat_id), seat_id)


async def load_class(
    reader: Reader, run: ClassRun, scenario: Scenario | None = None
) -> tuple[Scenario, list[MatchRecord]]:
    """The scenario and the whole records of a class run's matches, group 1 first."""
    records = []
    for match_id in run.matches:
        scenario, record = await load_record(reader, match_id, scenario)
        records.append(record)
    if scenario is None:
        raise RecordNotFound(f"class run {run.id} has no matches")
    return scenario, records


def _score(record: MatchRecord, seat: str) -> float | None:
    if record.result is not None:
        return record.result.scores.get(seat)
    return record.score_series(seat)[-1]


def _played(record: MatchRecord, move: str) -> int:
    return sum(
        1
        for played in record.rounds
        for turn in played.turns
        for order in turn.orders
        if order.move == move and order.ran is not False
    )


def _students(record: MatchRecord) -> int:
    return len({h.player for s in record.seats for h in s.holders})


def compare(scenario: Scenario, run: ClassRun, records: Sequence[MatchRecord]) -> ClassComparison:
    """The groups side by side (records of matches that are over, group 1 first)."""
    groups = []
    for group, record in enumerate(records, start=1):
        debate = {
            s.id: round(
                sum(
                    o.points or 0.0
                    for p in record.rounds
                    for t in p.turns
                    if t.seat == s.id
                    for o in t.orders
                ),
                3,
            )
            for s in scenario.seats
        }
        shared = outcome_result(scenario, record) if record.over else None
        groups.append(
            GroupResult(
                group=group,
                match_id=record.match.id or 0,
                status=record.match.status,
                ending=(record.result.ending_name or record.result.ending or "")
                if record.result
                else "",
                rounds_played=record.match.rounds_played,
                students=_students(record),
                scores={s.id: _score(record, s.id) for s in scenario.seats},
                debate=debate,
                outcome=None if shared is None else round(shared.score, 1),
            )
        )
    spreads = [
        MoveSpread(move.id, move.name, seat.id, tuple(_played(r, move.id) for r in records))
        for seat in scenario.seats
        for move in scenario.moves_of(seat.id)
    ]
    differed = sorted(
        (m for m in spreads if m.spread > 0), key=lambda m: (-m.spread, -sum(m.counts), m.move)
    )
    return ClassComparison(
        class_id=run.id,
        title=scenario.meta.title,
        scenario_id=scenario.meta.id,
        seed=run.seed,
        seats=tuple((s.id, s.name, s.colour) for s in scenario.seats),
        outcome_name=None if scenario.outcome is None else scenario.outcome.name,
        groups=tuple(groups),
        moves=tuple(differed[:MOVES_SHOWN]),
    )


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def compare_lines(found: ClassComparison) -> list[str]:
    """The comparison as plain lines (Markdown-light, for Discord and the terminal)."""
    lines = [
        f"Class run {found.class_id}: {found.title} · seed {found.seed} · "
        f"{len(found.groups)} groups",
        "",
    ]
    for g in found.groups:
        outcome = f" · {found.outcome_name}: {_num(g.outcome)}" if found.outcome_name else ""
        lines.append(
            f"Group {g.group} (match {g.match_id}, {g.students} students): "
            f"{g.ending or g.status} after {g.rounds_played} "
            f"round{'s' if g.rounds_played != 1 else ''}{outcome}"
        )
        scores = ", ".join(
            f"{found.seat_name(s)} {_num(v)} ({g.debate.get(s, 0.0):+.1f} debate)"
            for s, v in g.scores.items()
        )
        lines.append(f"  policy scores: {scores}")
    if found.moves:
        lines += ["", "Moves that differed most between groups (rounds played, group by group):"]
        for m in found.moves:
            counts = " / ".join(str(c) for c in m.counts)
            lines.append(f"  {m.name} ({found.seat_name(m.seat)}): {counts}")
    else:
        lines += ["", "Every group played the same moves as often."]
    return lines


def class_figure(found: ClassComparison) -> Figure:
    """Policy scores by seat, one bar per group (the legend gives each group's outcome)."""
    fig = Figure(
        figsize=(WIDTH_PX / DPI, 4.8 + 0.42 * math.ceil(len(found.groups) / 2)),
        dpi=DPI,
        layout="constrained",
    )
    ax = fig.add_subplot()
    ax.set_title("Policy scores by group", fontsize=TITLE_PT, loc="left", fontweight="bold")
    ax.tick_params(labelsize=FONT_PT)
    ax.grid(True, axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    width = 0.8 / max(len(found.groups), 1)
    for index, g in enumerate(found.groups):
        xs = [i + (index - (len(found.groups) - 1) / 2) * width for i in range(len(found.seats))]
        values = [g.scores.get(s[0]) for s in found.seats]
        label = f"Group {g.group}"
        if found.outcome_name and g.outcome is not None:
            label += f" (outcome {g.outcome:.0f})"
        ax.bar(
            xs,
            [math.nan if v is None else v for v in values],
            width=width,
            color=METRIC_COLOURS[index % len(METRIC_COLOURS)],
            label=label,
        )
    ax.set_xticks(range(len(found.seats)), [s[1] for s in found.seats], rotation=20, ha="right")
    ax.set_ylabel("Score", fontsize=FONT_PT)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3),
        ncols=2,
        fontsize=FONT_PT,
        frameon=False,
    )
    return fig


def class_chart(found: ClassComparison) -> Chart:
    """The comparison's one chart, as a PNG with its text alternative."""
    groups = ", ".join(
        f"group {g.group}: "
        + ", ".join(f"{found.seat_name(s)} {_num(v)}" for s, v in g.scores.items())
        for g in found.groups
    )
    return Chart(
        f"levers-class-{found.class_id}-scores.png",
        png(class_figure(found)),
        f"Policy scores by group: {groups}",
    )


GRADEBOOK_COLUMNS = (
    "class",
    "group",
    "match",
    "player",
    "name",
    "seat",
    "arguments",
    "mean_rating",
    "forecasts_made",
    "forecasts_hit",
    "counter_arguments",
    "ratings_given",
    "debate_points",
    "policy_score",
    "ending",
    "shared_outcome",
)


def class_gradebook(
    scenario: Scenario, found: ClassComparison, records: Sequence[MatchRecord]
) -> str:
    """One CSV row per student (anyone who held a seat in a group), across the groups."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GRADEBOOK_COLUMNS)
    for group, record in zip(found.groups, records, strict=True):
        names = {h.player: h.name for s in record.seats for h in s.holders}
        for row in grade_rows(record, scenario.rules.spectator_weight):
            if row.player not in names or not row.seat:
                continue  # the AI's seats, and spectators (a student's row is in their group)
            cells = [
                found.class_id,
                group.group,
                group.match_id,
                row.player,
                names[row.player],
                row.seat,
                row.arguments,
                row.mean_rating,
                row.forecasts_made,
                row.forecasts_hit,
                row.counter_arguments,
                row.ratings_given,
                row.debate_points,
                row.policy_score,
                group.ending or group.status,
                _num(group.outcome) if group.outcome is not None else "",
            ]
            writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def class_markdown(found: ClassComparison) -> str:
    """The class report as Markdown: groups, scores, debate points, the moves that differed."""
    seats = [s for s, _n, _c in found.seats]
    head = ["Group", "Match", "Ending", *([found.outcome_name] if found.outcome_name else [])]
    lines = [
        f"# Class run {found.class_id}: {_md(found.title)}",
        "",
        f"Scenario `{found.scenario_id}`, seed {found.seed}, {len(found.groups)} groups: every "
        "group played the same scenario from the same seed, so the differences are the players'.",
        "",
        "## Endings",
        "",
        "| " + " | ".join(_md(h) for h in head) + " |",
        "|" + "---|" * len(head),
    ]
    for g in found.groups:
        cells = [str(g.group), str(g.match_id), _md(g.ending or g.status)]
        if found.outcome_name:
            cells.append(_num(g.outcome))
        lines.append("| " + " | ".join(cells) + " |")

    def policy(g: GroupResult, s: str) -> str:
        return _num(g.scores.get(s))

    def points(g: GroupResult, s: str) -> str:
        return f"{g.debate.get(s, 0.0):.1f}"

    tables: tuple[tuple[str, Callable[[GroupResult, str], str]], ...] = (
        ("Policy scores", policy),
        ("Debate points", points),
    )
    for title, pick in tables:
        lines += ["", f"## {title}", ""]
        lines.append("| Seat | " + " | ".join(f"Group {g.group}" for g in found.groups) + " |")
        lines.append("|---|" + "---|" * len(found.groups))
        for s in seats:
            row = [pick(g, s) for g in found.groups]
            lines.append(f"| {_md(found.seat_name(s))} | " + " | ".join(row) + " |")
    lines += ["", "## Moves that differed most between groups", ""]
    if found.moves:
        lines.append("| Move | Seat | " + " | ".join(f"G{g.group}" for g in found.groups) + " |")
        lines.append("|---|---|" + "---|" * len(found.groups))
        for m in found.moves:
            counts = " | ".join(str(c) for c in m.counts)
            lines.append(f"| {_md(m.name)} | {_md(found.seat_name(m.seat))} | {counts} |")
    else:
        lines.append("Every group played the same moves as often.")
    return "\n".join(lines) + "\n"


def class_html(found: ClassComparison, chart: Chart | None = None) -> str:
    """The class report as one self-contained HTML page, with its chart inline."""
    chart = class_chart(found) if chart is None else chart
    seats = [s for s, _n, _c in found.seats]

    def table(head: list[str], rows: list[list[str]]) -> str:
        th = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        return f'<div class="scroll"><table><tr>{th}</tr>{body}</table></div>'

    groups = [f"Group {g.group}" for g in found.groups]
    endings = table(
        ["Group", "Match", "Ending", *([found.outcome_name] if found.outcome_name else [])],
        [
            [str(g.group), str(g.match_id), g.ending or g.status]
            + ([_num(g.outcome)] if found.outcome_name else [])
            for g in found.groups
        ],
    )
    scores = table(
        ["Seat", *groups],
        [[found.seat_name(s), *(_num(g.scores.get(s)) for g in found.groups)] for s in seats],
    )
    debate = table(
        ["Seat", *groups],
        [
            [found.seat_name(s), *(f"{g.debate.get(s, 0.0):.1f}" for g in found.groups)]
            for s in seats
        ],
    )
    moves = (
        table(
            ["Move", "Seat", *groups],
            [[m.name, found.seat_name(m.seat), *map(str, m.counts)] for m in found.moves],
        )
        if found.moves
        else "<p>Every group played the same moves as often.</p>"
    )
    data = base64.b64encode(chart.png).decode("ascii")
    title = escape(f"Class run {found.class_id}: {found.title}")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{title}</title><style>{STYLE}</style></head><body><main>"
        f"<header><h1>{title}</h1><p>Scenario {escape(found.scenario_id)}, seed {found.seed}, "
        f"{len(found.groups)} groups from the same start.</p></header>"
        f"<section><h2>Endings</h2>{endings}</section>"
        f"<section><h2>Policy scores</h2>{scores}</section>"
        f'<figure><img src="data:image/png;base64,{data}" alt="{escape(chart.alt)}">'
        f"<figcaption>{escape(chart.alt)}</figcaption></figure>"
        f"<section><h2>Debate points</h2>{debate}</section>"
        f"<section><h2>Moves that differed most</h2>{moves}</section>"
        "</main></body></html>\n"
    )
