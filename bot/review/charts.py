"""PNG charts of a (redacted) record: scores per seat and metrics over the rounds.

The two line charts of every debrief are drawn with Pillow (``bot.review.linechart``: a few
milliseconds each, where matplotlib took ~80); a fork's bar chart (``fork_chart``) and the class
chart (``bot.review.classes``) with matplotlib's Agg canvas on a fresh ``Figure`` (never
pyplot, so no global state and no GUI backend; imported when first needed). All are sized to
stay legible when Discord shows them at about 400 pixels wide. Seats are drawn in their
scenario colours, the colours their embeds use. Drawing is CPU work: from the event loop call
``render_charts`` (or ``in_thread``), which runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.game.scenario import Scenario
from bot.review.linechart import DPI as DPI  # the sizes are the class chart's too
from bot.review.linechart import FONT_PT as FONT_PT
from bot.review.linechart import TITLE_PT as TITLE_PT
from bot.review.linechart import WIDTH_PX as WIDTH_PX
from bot.review.linechart import LineChart, Series, render
from bot.review.record import MatchRecord

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PREVIEW_PX = 400  # how wide Discord shows an attached image in a message or embed
MAX_METRICS = 6
# Okabe-Ito: a palette people with colour-blindness can tell apart (metrics are not seats).
METRIC_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#d55e00",
    "#56b4e9",
    "#000000",
    "#f0e442",
)
_LOCK = threading.Lock()  # matplotlib's text and font caches are not documented thread-safe


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a file name for the attachment, the PNG, and a text alternative."""

    filename: str
    png: bytes
    alt: str


def scores_chart(record: MatchRecord) -> LineChart:
    """Every visible seat's score over the rounds, in the seats' colours."""
    seats = [s for s in record.seats if any(v is not None for v in record.score_series(s.id))]
    return LineChart(
        "Scores",
        _rounds(record),
        "Round",
        "Score",
        tuple(
            Series(s.name, tuple(record.score_series(s.id)), s.colour, markers=True) for s in seats
        ),
    )


def _rounds(record: MatchRecord) -> tuple[str, ...]:
    return ("Start", *[str(i) for i in range(1, len(record.rounds) + 1)])


def moved_metrics(record: MatchRecord, limit: int = MAX_METRICS) -> list[str]:
    """The visible metrics that moved most over the match (summed round-to-round changes)."""
    moves = []
    for index, metric in enumerate(record.metrics):
        values = [v for v in record.series(metric.id) if v is not None]
        if metric.hidden or len(values) < 2:
            continue
        span = (metric.max - metric.min) or 1.0
        total = sum(abs(b - a) for a, b in itertools.pairwise(values)) / span
        if total > 0:
            moves.append((-total, index, metric.id))
    return [m[2] for m in sorted(moves)[:limit]]


def metrics_chart(record: MatchRecord, metric_ids: Sequence[str] | None = None) -> LineChart:
    """Some metrics over the rounds (by default the ones that moved most)."""
    chosen = list(metric_ids) if metric_ids is not None else moved_metrics(record)
    chosen = [m for m in chosen if not record.metric(m).hidden]
    lines = []
    for index, metric_id in enumerate(chosen):
        metric = record.metric(metric_id)
        lines.append(
            Series(
                metric.name + (f" ({metric.unit})" if metric.unit else ""),
                tuple(record.series(metric_id)),
                METRIC_COLOURS[index % len(METRIC_COLOURS)],
                dashed=index >= len(METRIC_COLOURS),
            )
        )
    return LineChart("How the situation changed", _rounds(record), "Round", "", tuple(lines))


PNG_COMPRESSION = 1
"""zlib level of matplotlib's PNGs (the fork and class charts): Pillow's default (6) spent
about 20 ms a chart squeezing 800 x 500 pixels into 49 KB instead of 56 KB; the same pixels."""


def png(fig: Figure) -> bytes:
    """Render a matplotlib figure to PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    with _LOCK:
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.print_png(  # type: ignore[no-untyped-call]
            buffer, pil_kwargs={"compress_level": PNG_COMPRESSION}
        )
    return buffer.getvalue()


def scores_png(record: MatchRecord) -> bytes:
    """The scores chart as PNG bytes."""
    return render(scores_chart(record))


def metrics_png(record: MatchRecord, metric_ids: Sequence[str] | None = None) -> bytes:
    """The metrics chart as PNG bytes."""
    return render(metrics_chart(record, metric_ids))


def charts(record: MatchRecord, metric_ids: Sequence[str] | None = None) -> list[Chart]:
    """The match's charts: scores (when any are visible), then metrics."""
    made = []
    label = f"match-{record.match.id}" if record.match.id is not None else "match"
    if any(v is not None for s in record.seats for v in record.score_series(s.id)):
        names = ", ".join(s.name for s in record.seats)
        made.append(
            Chart(f"{label}-scores.png", scores_png(record), f"Scores over the rounds: {names}")
        )
    chosen = list(metric_ids) if metric_ids is not None else moved_metrics(record)
    if chosen:
        names = ", ".join(record.metric(m).name for m in chosen)
        made.append(
            Chart(
                f"{label}-metrics.png",
                metrics_png(record, chosen),
                f"Metrics over the rounds: {names}",
            )
        )
    return made


ARM_COLOURS = ("#0072b2", "#e69f00")  # as played, what if (Okabe-Ito)


def fork_metrics(scenario: Scenario, report: Mapping[str, Any], limit: int) -> list[str]:
    """The metrics a fork changed most (mean difference over the metric's range), in
    scenario order; none when nothing changed."""
    delta = report["delta"]["metrics"]
    ranked = []
    for index, metric in enumerate(scenario.metrics):
        span = (metric.max - metric.min) or 1.0
        change = abs(float(delta.get(metric.id, 0.0))) / span
        if change > 0:
            ranked.append((-change, index, metric.id))
    chosen = {m[2] for m in sorted(ranked)[:limit]}
    return [m.id for m in scenario.metrics if m.id in chosen]


def fork_figure(scenario: Scenario, report: Mapping[str, Any]) -> Figure:
    """Both arms of a fork side by side: every seat's final score, then the metrics the fork
    changed most; a bar is the mean over the seeds, its whisker the p10 to p90 range."""
    metrics = fork_metrics(scenario, report, MAX_METRICS)
    height = 4.2 + 0.55 * (len(scenario.seats) + len(metrics))
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_PX / DPI, height), dpi=DPI, layout="constrained")
    panels = [("scores", [(s.id, s.name) for s in scenario.seats], "Final score")]
    if metrics:
        named = {m.id: m.name for m in scenario.metrics}
        panels.append(("metrics", [(m, named[m]) for m in metrics], "Final value"))
    axes = fig.subplots(len(panels), 1, squeeze=False, height_ratios=[len(p[1]) for p in panels])
    for ax, (key, rows, label) in zip(axes[:, 0], panels, strict=True):
        ax.set_title(
            "Scores" if key == "scores" else "Metrics the fork changed most",
            fontsize=TITLE_PT,
            loc="left",
            fontweight="bold",
            y=1.0,  # fixed: no layout pass to place it (as in ``_figure``)
        )
        for arm_index, (arm, name) in enumerate(
            (("as_played", "As played"), ("what_if", "What if"))
        ):
            spreads = [report[arm][key][ident] for ident, _ in rows]
            means = [float(s["mean"]) for s in spreads]
            low = [max(0.0, m - float(s["p10"])) for m, s in zip(means, spreads, strict=True)]
            high = [max(0.0, float(s["p90"]) - m) for m, s in zip(means, spreads, strict=True)]
            # The y axis is inverted (first row on top): as played above, what if below.
            ys = [i + (-0.2 if arm_index == 0 else 0.2) for i in range(len(rows))]
            ax.barh(
                ys,
                means,
                height=0.38,
                color=ARM_COLOURS[arm_index],
                xerr=[low, high],
                capsize=4,
                label=name,
            )
        ax.set_yticks(range(len(rows)), [name for _, name in rows])
        ax.invert_yaxis()
        ax.tick_params(labelsize=FONT_PT - 2)
        ax.set_xlabel(label, fontsize=FONT_PT - 2)
        ax.grid(True, axis="x", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="outside lower center", ncols=2, fontsize=FONT_PT - 2, frameon=False
    )
    return fig


def fork_chart(scenario: Scenario, report: Mapping[str, Any], label: str) -> Chart:
    """The fork's chart as a PNG, with its text alternative."""
    seats = ", ".join(s.name for s in scenario.seats)
    alt = (
        f"What if: both arms over {report['seeds']} seeds from round {report['from_round']}: "
        f"final scores of {seats}, and the metrics the fork changed most (mean, p10 to p90)"
    )
    return Chart(f"{label}.png", png(fork_figure(scenario, report)), alt)


def warm_up() -> None:
    """Draw a small chart once: the fonts loaded before the first real chart (a render worker
    calls this when it starts)."""
    render(
        LineChart("Warm-up", ("Start", "1"), "Round", "Score", (Series("a", (0, 1), "#000000"),))
    )


T = TypeVar("T")


async def in_thread(work: Callable[[], T]) -> T:
    """Run chart drawing (or any CPU work) off the event loop."""
    return await asyncio.to_thread(work)


async def render_charts(
    record: MatchRecord, metric_ids: Sequence[str] | None = None
) -> list[Chart]:
    """``charts`` in a worker thread, for use from the Discord event loop."""
    return await asyncio.to_thread(charts, record, metric_ids)
