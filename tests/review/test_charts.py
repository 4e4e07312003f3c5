"""Charts: real PNGs, seats in their own colours, text legible at Discord's preview width, and
drawn off the event loop."""

from __future__ import annotations

import asyncio
import io
import itertools
import time

from PIL import Image

from bot.review.charts import (
    PREVIEW_PX,
    charts,
    metrics_chart,
    moved_metrics,
    render_charts,
    scores_chart,
    scores_png,
)
from bot.review.linechart import FONT_PX, TITLE_PX, WIDTH_PX, layout, render
from bot.review.redact import view_for
from tests.review.helpers import players_log, players_record, running, scenario, tutorial_record

MIN_PREVIEW_TEXT_PX = 10.0  # smallest text height a reader makes out in a 400 px preview


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_scores_chart_draws_each_seat_in_its_colour_where_its_scores_are() -> None:
    record = tutorial_record()
    chart = scores_chart(record)
    assert {s.label: s.colour for s in chart.series} == {s.name: s.colour for s in record.seats}
    image = _image(scores_png(record))
    at = layout(chart)
    for index, series in enumerate(chart.series):
        later = chart.series[index + 1 :]
        for x, value in enumerate(series.values):
            assert value is not None
            point = (at.x(x), at.y(value))
            assert at.left < point[0] < at.right and at.top <= point[1] <= at.bottom
            hidden = any(  # drawn over by a later line's marker
                v is not None and abs(at.y(v) - point[1]) < 12 for s in later for v in [s.values[x]]
            )
            if not hidden:  # the marker's centre is the seat's exact colour
                assert image.getpixel((round(point[0]), round(point[1]))) == _rgb(series.colour)
    # Independently of ``layout``: along the Start column, the seats' colours appear from the
    # top in the order of their starting scores, highest first.
    column = round(at.x(0))
    colours = {_rgb(s.colour): s.label for s in chart.series}
    seen = []
    for y in range(image.height):
        label = colours.get(image.getpixel((column, y)))  # type: ignore[arg-type]
        if label and label not in seen:
            seen.append(label)
    starts = sorted(chart.series, key=lambda s: -(s.values[0] or 0.0))
    assert seen[: len(starts)] == [s.label for s in starts]


def test_the_legend_shows_every_line_below_the_axes() -> None:
    record = tutorial_record()
    for chart in (scores_chart(record), metrics_chart(record)):
        image = _image(render(chart))
        below = image.crop((0, round(layout(chart).bottom + 2 * FONT_PX), *image.size))
        colours = {c for _, c in below.getcolors(maxcolors=1 << 20) or []}
        for series in chart.series:
            assert _rgb(series.colour) in colours, series.label


def test_all_text_stays_legible_when_discord_shrinks_the_chart() -> None:
    record = tutorial_record()
    for chart in (scores_chart(record), metrics_chart(record)):
        scale = PREVIEW_PX / WIDTH_PX
        assert chart.title and all(s.label for s in chart.series)
        for size in (FONT_PX, TITLE_PX):  # the tick labels, axis titles and legend; the title
            assert size * scale >= MIN_PREVIEW_TEXT_PX, size
        width, height = _image(render(chart)).size
        assert 1.0 <= width / height <= 2.0


def test_the_same_match_gives_the_same_png_bytes() -> None:
    assert [c.png for c in charts(tutorial_record())] == [c.png for c in charts(tutorial_record())]


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
    labels = [s.label for s in metrics_chart(record, chosen).series]
    assert labels == [record.metric(m).name for m in chosen]


def test_a_running_match_charts_only_what_the_viewer_sees() -> None:
    cut = view_for(running(players_record(), players_log(), 2), scenario(), None)
    labels = {s.label for s in metrics_chart(cut, [m.id for m in cut.metrics]).series}
    assert "Trust between the towns" not in labels and "Power supply" in labels
    seats = {s.label for s in scores_chart(cut).series}
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
