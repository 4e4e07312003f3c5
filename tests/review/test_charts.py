"""Charts: real PNGs, seats in their own colours, text legible at Discord's preview width, and
drawn off the event loop."""

from __future__ import annotations

import asyncio
import io
import itertools
import time

from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from bot.review.charts import (
    PREVIEW_PX,
    charts,
    metrics_figure,
    moved_metrics,
    render_charts,
    scores_figure,
    scores_png,
)
from bot.review.redact import view_for
from tests.review.helpers import players_log, players_record, running, scenario, tutorial_record

MIN_PREVIEW_TEXT_PX = 10.0  # smallest text height a reader makes out in a 400 px preview


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def test_scores_chart_draws_each_seat_in_its_colour() -> None:
    record = tutorial_record()
    fig = scores_figure(record)
    lines = [a for a in fig.axes[0].get_lines() if isinstance(a, Line2D)]
    assert {line.get_label(): line.get_color() for line in lines} == {
        s.name: s.colour for s in record.seats
    }
    image = Image.open(io.BytesIO(scores_png(record))).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20) or []}
    for seat in record.seats:  # the exact colour is painted somewhere (lines, markers, legend)
        assert _rgb(seat.colour) in colours, seat.id


def test_all_text_stays_legible_when_discord_shrinks_the_chart() -> None:
    record = tutorial_record()
    for fig in (scores_figure(record), metrics_figure(record)):
        width_px = fig.get_figwidth() * fig.dpi
        scale = PREVIEW_PX / width_px
        texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
        assert texts
        for text in texts:
            shown = float(text.get_fontsize()) * fig.dpi / 72 * scale
            assert shown >= MIN_PREVIEW_TEXT_PX, (text.get_text(), shown)
        width, height = fig.get_size_inches() * fig.dpi
        assert 1.0 <= width / height <= 2.0


def test_charts_are_pngs_of_the_announced_size() -> None:
    made = charts(tutorial_record())
    assert [c.filename for c in made] == ["match-scores.png", "match-metrics.png"]
    for chart in made:
        assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(chart.png))
        assert image.size[0] == 800 and 400 <= image.size[1] <= 700


def test_metrics_chart_shows_the_metrics_that_moved_most() -> None:
    record = tutorial_record()
    chosen = moved_metrics(record, limit=2)
    totals = {}
    for metric in record.metrics:
        values = [v for v in record.series(metric.id) if v is not None]
        moved = sum(abs(b - a) for a, b in itertools.pairwise(values))
        totals[metric.id] = moved / (metric.max - metric.min)
    assert chosen == sorted(totals, key=lambda m: -totals[m])[:2]
    labels = [line.get_label() for line in metrics_figure(record, chosen).axes[0].get_lines()]
    assert labels == [record.metric(m).name for m in chosen]


def test_a_running_match_charts_only_what_the_viewer_sees() -> None:
    cut = view_for(running(players_record(), players_log(), 2), scenario(), None)
    fig = metrics_figure(cut, [m.id for m in cut.metrics])
    labels = {line.get_label() for line in fig.axes[0].get_lines()}
    assert "Trust between the towns" not in labels and "Power supply" in labels
    seats = {line.get_label() for line in scores_figure(cut).axes[0].get_lines()}
    assert "Regional council" not in seats  # its goals read trust, which the public cannot see


async def test_drawing_runs_off_the_event_loop() -> None:
    ticks = 0
    stop = False

    async def ticker() -> None:
        nonlocal ticks
        while not stop:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    made = await render_charts(tutorial_record())
    took = time.perf_counter() - started
    stop = True
    await task
    assert len(made) == 2
    # The loop kept ticking while the charts were drawn (drawing on the loop would have
    # allowed at most one tick). Not a ratio of the elapsed time: that would be a timing
    # assertion, flaky on a loaded machine.
    assert took > 0 and ticks >= 3
