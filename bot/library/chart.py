"""The balance check's chart: each seat's share of wins, against the fair share, as a PNG.

Uses matplotlib's Agg canvas directly (no pyplot, so no global figure state) and imports
matplotlib only when called. Rendering takes a few tenths of a second: call it from a worker
thread (``await asyncio.to_thread(win_share_png, result)``), never on the event loop.
"""

from __future__ import annotations

import io

from bot.library.results import CheckResult

_NAME_LENGTH = 32


def _label(name: str) -> str:
    """A seat name as a plain label: ``$`` would start matplotlib's math mode."""
    short = name if len(name) <= _NAME_LENGTH else name[: _NAME_LENGTH - 1] + "…"
    return short.replace("\\", "\\\\").replace("$", r"\$")


def win_share_png(result: CheckResult) -> bytes:
    """A horizontal bar per seat (its share of wins) and a dashed line at the fair share."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    summary, stats = result.summary, result.balance
    if summary is None or stats is None:
        raise ValueError("win_share_png() needs an accepted result with lint statistics")
    seats = list(summary.seats)
    shares = [stats.win_share(seat.id) for seat in seats]
    figure = Figure(figsize=(6.4, 1.2 + 0.45 * len(seats)), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(seats)))[::-1]  # the first seat on top
    axes.barh(positions, shares, color="#5865f2")
    axes.set_yticks(positions, [_label(seat.name) for seat in seats])
    axes.axvline(stats.fair_share, color="#ed4245", linestyle="--", label="fair share")
    for position, share in zip(positions, shares, strict=True):
        axes.text(
            min(share, 0.9) + 0.01,
            position,
            f"{share:.0%}",
            va="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}")
    axes.set_xlabel(f"share of {stats.matches} simulated matches won (ties split)")
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
