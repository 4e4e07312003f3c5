"""Terminal rendering with rich: state tables, orders, narrative, scoreboards, reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.game.scenario import Scenario
from bot.game.state import Record, SeatOrders
from bot.render.narrative import Row, story

console = Console(highlight=False, soft_wrap=False)


def round_label(scenario: Scenario, round_number: int) -> str:
    """``Round 3 (Q3 2021)``, using the scenario's labels when it has them."""
    labels = scenario.meta.round_labels
    label = f" ({labels[round_number - 1]})" if 0 < round_number <= len(labels) else ""
    return f"Round {round_number}{label}"


def print_state(rows: Sequence[Row], title: str) -> None:
    """A state table: metric, value, change with an arrow."""
    table = Table(title=title, title_justify="left")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    table.add_column("Change", justify="right")
    for row in rows:
        if row.value is None:
            table.add_row(escape(row.name), "[dim]hidden[/]", "")
            continue
        change = "" if row.change is None else f"{row.arrow} {row.change:+.1f}"
        style = "green" if (row.change or 0) > 0 else "red" if (row.change or 0) < 0 else "dim"
        table.add_row(
            escape(row.name), f"{row.value:.1f}{escape(row.unit)}", f"[{style}]{change}[/]"
        )
    console.print(table)


def print_orders(
    scenario: Scenario, orders: Mapping[str, SeatOrders], secret: frozenset[str] = frozenset()
) -> None:
    """Every seat's orders with their arguments (the reveal); ``secret`` covert moves left out."""
    console.print("[bold]Orders[/]")
    for seat in scenario.seats:
        given = [o for o in orders.get(seat.id, SeatOrders()).moves if o.move not in secret]
        if not given:
            console.print(f"  [{seat.colour}]{escape(seat.name)}[/] holds.")
        for order in given:
            move = scenario.move(order.move)
            who = f"[{seat.colour}]{escape(seat.name)}[/]"
            console.print(f"  {who}: [bold]{escape(move.name)}[/] ({move.cost} AP)")
            if order.argument:
                console.print(f"      “{escape(order.argument)}”", style="italic")


def print_story(scenario: Scenario, records: Sequence[Record]) -> None:
    """What happened: one sentence per order, rule, event, decision and ending."""
    lines = story(scenario, records)
    if lines:
        console.print("[bold]What happened[/]")
        for line in lines:
            console.print(f"  • {escape(line)}")


def print_scores(
    scenario: Scenario,
    scores: Mapping[str, float | None],
    winners: Sequence[str],
    title: str,
    debate: Mapping[str, float] | None = None,
    outcome: float | None = None,
) -> None:
    """The scoreboard, best first; ``debate`` points beside the scores, never summed; then the
    shared outcome when there is one to show."""
    table = Table(title=title, title_justify="left")
    table.add_column("Seat")
    table.add_column("Score", justify="right")
    if debate is not None:
        table.add_column("Debate points", justify="right")
    for seat_id, value in sorted(scores.items(), key=lambda kv: -1.0 if kv[1] is None else -kv[1]):
        seat = scenario.seat(seat_id)
        mark = " 🏆" if seat_id in winners else ""
        shown = "[dim]hidden until the end[/]" if value is None else f"{value:.1f}"
        row = [f"[{seat.colour}]{escape(seat.name)}[/]{mark}", shown]
        if debate is not None:
            row.append(f"{debate.get(seat_id, 0.0):+.1f}")
        table.add_row(*row)
    console.print(table)
    if outcome is not None and scenario.outcome is not None:
        console.print(
            f"[bold]{escape(scenario.outcome.name)}[/]: {outcome:.1f} / 100 "
            "[dim](shared by every seat; not part of any score)[/]"
        )


def print_report(scenario: Scenario, report: Mapping[str, Any]) -> None:
    """The ``levers simulate`` report as tables."""
    matches = report["matches"]
    seats = Table(title=f"Seats over {matches} matches", title_justify="left")
    for col in ("Seat", "Mean", "p10", "p90", "Wins", "Win share"):
        seats.add_column(col, justify="left" if col == "Seat" else "right")
    for seat_id, row in report["seats"].items():
        s = row["score"]
        share = f"{100 * row['wins'] / matches:.1f}%"
        seats.add_row(
            seat_id,
            f"{s['mean']:.1f}",
            f"{s['p10']:.1f}",
            f"{s['p90']:.1f}",
            str(row["wins"]),
            share,
        )
    console.print(seats)
    if "outcome" in report and scenario.outcome is not None:
        o = report["outcome"]
        console.print(
            f"[bold]{escape(scenario.outcome.name)}[/] (shared, not part of any score): "
            f"mean {o['mean']:.1f}, p10 {o['p10']:.1f}, p90 {o['p90']:.1f}"
        )
    metrics = Table(title="Metrics", title_justify="left")
    for col in ("Metric", "Start", "Final mean", "p10", "p90"):
        metrics.add_column(col, justify="left" if col == "Metric" else "right")
    for metric_id, row in report["metrics"].items():
        f = row["final"]
        metrics.add_row(
            metric_id,
            f"{row['start']:.1f}",
            f"{f['mean']:.1f}",
            f"{f['p10']:.1f}",
            f"{f['p90']:.1f}",
        )
    console.print(metrics)
    moves = Table(title="Moves played", title_justify="left")
    moves.add_column("Move")
    moves.add_column("Count", justify="right")
    for move_id, count in sorted(report["moves"].items(), key=lambda kv: -kv[1]):
        moves.add_row(move_id, str(count))
    console.print(moves)
    if report.get("debate"):
        debate = Table(title="Debate points (apart from the scores)", title_justify="left")
        for col in ("Seat", "Mean", "p10", "p90", "Forecasts", "Came true"):
            debate.add_column(col, justify="left" if col == "Seat" else "right")
        for seat_id, row in report["debate"].items():
            p, f = row["points"], row["forecasts"]
            debate.add_row(
                seat_id,
                f"{p['mean']:.1f}",
                f"{p['p10']:.1f}",
                f"{p['p90']:.1f}",
                str(f["made"]),
                str(f["hit"]),
            )
        console.print(debate)
    console.print(
        "[bold]Endings[/]: " + ", ".join(f"{k} {v}" for k, v in report["endings"].items())
    )
    if report["skipped"]:
        console.print(
            "[bold]Skipped scripted moves[/]: "
            + ", ".join(f"{k} {v}" for k, v in report["skipped"].items())
        )
