"""What terminal play shows a seat: its briefing, where it stands against its goals, the causes
of a round's changes grouped by metric, the final state and the debrief.

Values are always the ones the seat sees (``bot.game.view.seat_view``): an estimate for a metric
it sees noisily, nothing for one it cannot see. The debrief is the one the exports carry
(``bot.review``), rendered from its Markdown lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from bot.cli.terminal import console, print_state
from bot.game.scenario import Goal, Scenario
from bot.game.state import Record
from bot.render.narrative import Moved, causes, causes_seen, moved, state_rows
from bot.review.debrief import build_debrief
from bot.review.debrief_text import debrief_lines
from bot.review.record import MatchRecord

CAUSES_SHOWN = 3  # causes listed after a metric's net change (all of them with --all-causes)
GOAL_WORDS = {"at_least": "at least", "at_most": "at most", "near": "near"}


def print_seat_briefing(scenario: Scenario, seat_id: str) -> None:
    """Who the seat is, its goals (metric, target, weight), its secret objectives, and where the
    scenario comes from."""
    seat = scenario.seat(seat_id)
    console.rule(f"[bold {seat.colour}]You are {escape(seat.name)}[/]")
    console.print(escape(seat.description.strip()))
    goals = Table(title="Your goals", title_justify="left")
    for column in ("Metric", "Goal", "Weight"):
        goals.add_column(column, justify="right" if column == "Weight" else "left")
    for goal in seat.goals:
        metric = scenario.metric(goal.metric)
        target = f"{GOAL_WORDS[goal.kind]} {goal.target:g}{escape(metric.unit)}"
        goals.add_row(escape(metric.name), target, f"{goal.weight:g}")
    console.print(goals)
    for objective in seat.objectives:
        console.print(
            f"[bold]Secret objective[/] ({objective.points:g} points if met at the end): "
            f"{escape(objective.text)}"
        )
    console.print(f"[dim]Where this comes from: {escape(scenario.meta.source.strip())}[/]")


@dataclass(frozen=True)
class GoalRow:
    """One goal as the seat sees it now."""

    name: str
    goal: str
    value: float | None
    change: float | None
    distance: str
    good: bool | None  # whether the change went the goal's way (None: no change known)


def distance(goal: Goal, value: float) -> str:
    """How far the value is from the goal: ``met``, ``12.0 to go``, ``3.5 too high``..."""
    if goal.kind == "at_least":
        return "met" if value >= goal.target else f"{goal.target - value:.1f} to go"
    if goal.kind == "at_most":
        return "met" if value <= goal.target else f"{value - goal.target:.1f} too high"
    off = abs(value - goal.target)
    return "on target" if off < 0.05 else f"{off:.1f} off"


def _good(goal: Goal, value: float, change: float) -> bool:
    if goal.kind == "at_least":
        return change > 0
    if goal.kind == "at_most":
        return change < 0
    return abs(value - goal.target) < abs(value - change - goal.target)


def goal_rows(
    scenario: Scenario,
    seat_id: str,
    now: Mapping[str, float | None],
    before: Mapping[str, float | None] | None,
) -> list[GoalRow]:
    """The seat's goals against the values it sees now and saw a round ago."""
    rows = []
    for goal in scenario.seat(seat_id).goals:
        metric = scenario.metric(goal.metric)
        value = now.get(goal.metric)
        old = before.get(goal.metric) if before else None
        change = None if value is None or old is None else round(value - old, 1)
        rows.append(
            GoalRow(
                name=metric.name,
                goal=f"{GOAL_WORDS[goal.kind]} {goal.target:g}{metric.unit}",
                value=value,
                change=change,
                distance="unknown" if value is None else distance(goal, value),
                good=None if value is None or not change else _good(goal, value, change),
            )
        )
    return rows


def print_goal_panel(rows: Sequence[GoalRow], seat_name: str, score: float | None) -> None:
    """Where the seat stands: each goal's value, change, target and distance, then the score."""
    table = Table(title=f"{seat_name}: where you stand", title_justify="left")
    for column in ("Goal", "You see", "Change", "Target", "Distance"):
        table.add_column(column, justify="left" if column in ("Goal", "Target") else "right")
    for row in rows:
        if row.change is None or abs(row.change) < 0.05:
            change = "[dim]→[/]" if row.change is not None else ""
        else:
            arrow = "↑" if row.change > 0 else "↓"
            style = "green" if row.good else "red"
            change = f"[{style}]{arrow} {row.change:+.1f}[/]"
        value = "[dim]hidden[/]" if row.value is None else f"{row.value:.1f}"
        style = "green" if row.distance in ("met", "on target") else ""
        shown = f"[{style}]{row.distance}[/]" if style else row.distance
        table.add_row(escape(row.name), value, change, escape(row.goal), shown)
    console.print(table)
    if score is not None:
        console.print(
            f"Score now: [bold]{score:.1f}[/] from your goals; secret objectives and the"
            " ending's bonus are added at the end"
        )


def print_causes(
    scenario: Scenario,
    records: Sequence[Record],
    viewer: str | None,
    verbose: bool,
    estimates: Mapping[str, float | None] | None = None,
) -> None:
    """Why the numbers moved: per metric the net change first, then its biggest causes (all of
    them with ``verbose``: ``--all-causes``). The public (``viewer`` None) gets the metrics it
    sees exactly; a seat also gets those it sees as an estimate, with directions only and its
    own estimated change (``estimates``, by metric name)."""
    found = (
        causes(scenario, records, None)
        if viewer is None
        else causes_seen(scenario, records, viewer)
    )
    print_moved(moved(found, estimates), "Why the numbers moved", verbose)


def print_moved(groups: Sequence[Moved], title: str, verbose: bool) -> None:
    """Groups of causes, one metric a line (or a metric and each cause a line: ``verbose``)."""
    if not groups:
        return
    console.print(f"[bold]{escape(title)}[/]")
    for group in groups:
        change = group.net if group.net is not None else group.estimate or 0.0
        style = "green" if change > 0 else "red" if change < 0 else "dim"
        head = f"  {escape(group.metric)} [{style}]{escape(group.head)}[/]"
        if verbose:
            console.print(head)
            for cause in group.causes:
                console.print(f"      {escape(cause.line())}", style="dim")
            continue
        shown = escape(group.summary(CAUSES_SHOWN))
        more = len(group.causes) > CAUSES_SHOWN
        console.print(f"{head}: [dim]{shown}{' (--all-causes)' if more else ''}[/]")


def print_final_state(
    scenario: Scenario, final: Mapping[str, float | None], start: Mapping[str, float | None]
) -> None:
    """Every metric's true final value, hidden ones included, with its change over the match."""
    print_state(
        state_rows(scenario, final, start),
        "Final state, nothing hidden",
    )


def print_debrief(scenario: Scenario, record: MatchRecord) -> None:
    """The debrief the exports carry: scores against goals, turning points, notes, questions."""
    console.rule("[bold]Debrief[/]")
    console.print(Markdown("\n".join(debrief_lines(build_debrief(scenario, record)))))
