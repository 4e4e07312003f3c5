"""Line charts over the rounds drawn with Pillow: the debrief's scores and metrics charts.

matplotlib drew them at ~80 ms of CPU each (building the figure, measuring and drawing ~20 text
artists, the legend's boxes), most of a debrief; these charts are a few lines, markers, a grid
and text, which Pillow draws in a few milliseconds. The look follows the matplotlib charts they
replace: DejaVu Sans (matplotlib's own font file) at the same sizes, the same line widths and
marker sizes, the title left above the axes, a light grid, the legend in two columns below.

Everything is drawn at ``SCALE`` times the size, then reduced (a box filter): Pillow's lines
and circles are not anti-aliased, this smooths their edges. The same chart gives the same
bytes (no timestamps, Pillow's basic text layout).
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH_PX = 800
DPI = 100
FONT_PT = 16
TITLE_PT = 18
SCALE = 2
PNG_COMPRESSION = 1  # zlib level: 6 took three times as long for 25 % fewer bytes
MARGIN_PX = 6.0
LINE_PT = 3.2
MARKER_PT = 7.0  # a marker's diameter
GRID = (231, 231, 231)  # matplotlib's grid (#b0b0b0 at alpha 0.3) on white
INK = (0, 0, 0)
DASH_PT = (3.7 * LINE_PT, 1.6 * LINE_PT)  # matplotlib's "--" for a line this wide


def px(points: float) -> float:
    """Points to pixels at ``DPI`` (text and line sizes are in points, as in matplotlib)."""
    return points * DPI / 72


FONT_PX = px(FONT_PT)
TITLE_PX = px(TITLE_PT)
TICK_PX = px(3.5 + 3.5)  # a tick's length and its label's pad
LABEL_PAD_PX = px(4.0)


@dataclass(frozen=True)
class Series:
    """One line: its legend label, a value per x (None: not known, a gap), its colour."""

    label: str
    values: tuple[float | None, ...]
    colour: str
    dashed: bool = False
    markers: bool = False


@dataclass(frozen=True)
class LineChart:
    """What a chart shows; ``render`` draws it."""

    title: str
    x_labels: tuple[str, ...]  # one per x, at x = 0, 1, ...
    x_title: str
    y_title: str
    series: tuple[Series, ...]

    @property
    def legend_rows(self) -> int:
        """Rows of the two-column legend."""
        return math.ceil(len(self.series) / 2)

    @property
    def height_px(self) -> int:
        """The image's height: room for the legend's rows."""
        return round((4.6 + 0.42 * self.legend_rows) * DPI)


@cache
def _font_file(bold: bool) -> str:
    spec = importlib.util.find_spec("matplotlib")  # its font files, without importing it
    assert spec is not None and spec.submodule_search_locations, "matplotlib is installed"
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / name)


@cache
def font(size_px: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at ``size_px``, loaded once."""
    return ImageFont.truetype(_font_file(bold), size_px, layout_engine=ImageFont.Layout.BASIC)


def nice_ticks(low: float, high: float, intervals: int) -> list[float]:
    """Round values 1, 2, 2.5 or 5 times a power of ten apart, the smallest such step whose
    ticks enclosing [low, high] make at most ``intervals`` intervals (matplotlib's default
    locator), then only those within [low, high]."""
    step = 10.0 ** math.floor(math.log10((high - low) / max(intervals, 1)))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0):
        size = step * factor
        first = math.floor(low / size + 1e-9)
        last = math.ceil(high / size - 1e-9)
        if last - first <= intervals:
            ticks = [round(i * size, 12) for i in range(first, last + 1)]
            return [t for t in ticks if low <= t <= high]
    return [low, high]


def tick_label(value: float, ticks: Sequence[float]) -> str:
    """A tick's label with the decimals its step needs, and a true minus sign."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    text = f"{value:.{decimals}f}"
    return ("\u2212" + text[1:]) if text.startswith("-") and float(text) != 0 else text.lstrip("-")


@dataclass(frozen=True)
class Layout:
    """Where the axes are, in the final image's pixels, and the data's limits."""

    left: float
    top: float
    right: float
    bottom: float
    x_max: float  # the x axis runs from -0.2 to x_max + 0.2
    y_low: float
    y_high: float
    y_ticks: tuple[float, ...]

    def x(self, value: float) -> float:
        """Pixel column of an x value."""
        return self.left + (value + 0.2) / (self.x_max + 0.4) * (self.right - self.left)

    def y(self, value: float) -> float:
        """Pixel row of a y value (higher values higher up)."""
        return self.bottom - (value - self.y_low) / (self.y_high - self.y_low) * (
            self.bottom - self.top
        )


def _y_limits(chart: LineChart) -> tuple[float, float]:
    known = [v for s in chart.series for v in s.values if v is not None and math.isfinite(v)]
    if not known:
        return 0.0, 1.0
    low, high = min(known), max(known)
    if low == high:
        pad = max(abs(low) * 0.05, 1.0)
        return low - pad, high + pad
    margin = (high - low) * 0.05  # matplotlib's default data margin
    return low - margin, high + margin


def layout(chart: LineChart) -> Layout:
    """The axes placed around the text: the title above, the tick labels, the axis titles and
    the legend below and left; the axes get the rest."""
    height = chart.height_px
    line = FONT_PX * 1.2
    below = MARGIN_PX + chart.legend_rows * FONT_PX * 1.5 + FONT_PX * 0.5
    below += line + LABEL_PAD_PX + line + TICK_PX
    top = MARGIN_PX + TITLE_PX * 1.2 + px(6.0)
    bottom = height - below
    y_low, y_high = _y_limits(chart)
    # As matplotlib: room for a tick label every two font sizes, from 1 to 9 intervals.
    intervals = max(1, min(9, math.floor((bottom - top) * 72 / DPI / (2 * FONT_PT))))
    ticks = nice_ticks(y_low, y_high, intervals)
    labels = [tick_label(t, ticks) for t in ticks]
    widest = max((font(FONT_PX).getlength(t) for t in labels), default=0.0)
    left = MARGIN_PX + TICK_PX + widest + ((line + LABEL_PAD_PX) if chart.y_title else 0.0)
    right = WIDTH_PX - MARGIN_PX * 2
    x_max = float(max(len(chart.x_labels) - 1, 1))
    return Layout(left, top, right, bottom, x_max, y_low, y_high, tuple(ticks))


def _runs(layout: Layout, values: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """The line's known points in pixels, split where a value is missing."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None or not math.isfinite(value):
            runs.append([])
        else:
            runs[-1].append((layout.x(i) * SCALE, layout.y(value) * SCALE))
    return [r for r in runs if r]


def _dashes(points: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A polyline cut into dashes (``DASH_PT`` on, off), the pattern running on across joints."""
    on, off = (px(d) * SCALE for d in DASH_PT)
    dashes: list[list[tuple[float, float]]] = [[points[0]]]
    drawing, left = True, on
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while length - done > left:
            done += left
            at = (x0 + (x1 - x0) * done / length, y0 + (y1 - y0) * done / length)
            if drawing:
                dashes[-1].append(at)
            else:
                dashes.append([at])
            drawing, left = not drawing, on if not drawing else off
        left -= length - done
        if drawing:
            dashes[-1].append((x1, y1))
    return [d for d in dashes if len(d) > 1]


def _line(draw: ImageDraw.ImageDraw, points: Sequence[tuple[float, float]], s: Series) -> None:
    width = round(px(LINE_PT) * SCALE)
    for piece in _dashes(points) if s.dashed else [list(points)]:
        if len(piece) > 1:
            draw.line(piece, fill=s.colour, width=width, joint="curve")


def _marker(draw: ImageDraw.ImageDraw, x: float, y: float, colour: str) -> None:
    r = px(MARKER_PT) * SCALE / 2
    draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _axes(draw: ImageDraw.ImageDraw, chart: LineChart, at: Layout) -> None:
    """At ``SCALE``: the grid, the left and bottom spines, the ticks."""
    s, thin = SCALE, max(1, round(px(0.8) * SCALE))
    left, top, right, bottom = at.left * s, at.top * s, at.right * s, at.bottom * s
    for value in at.y_ticks:
        y = at.y(value) * s
        draw.line([(left, y), (right, y)], fill=GRID, width=thin)
    for i in range(len(chart.x_labels)):
        x = at.x(i) * s
        draw.line([(x, top), (x, bottom)], fill=GRID, width=thin)
    draw.line([(left, top), (left, bottom)], fill=INK, width=thin)
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=thin)
    tick = px(3.5) * s
    for value in at.y_ticks:
        y = at.y(value) * s
        draw.line([(left - tick, y), (left, y)], fill=INK, width=thin)
    for i in range(len(chart.x_labels)):
        x = at.x(i) * s
        draw.line([(x, bottom), (x, bottom + tick)], fill=INK, width=thin)


def _axes_text(image: Image.Image, chart: LineChart, at: Layout) -> None:
    """At the final size: the title, the tick labels, the axis titles."""
    draw, text = ImageDraw.Draw(image), font(FONT_PX)
    # The title's baseline 6 points above the axes, as matplotlib's.
    draw.text((at.left, at.top - px(6.0)), chart.title, INK, font(TITLE_PX, bold=True), "ls")
    for value in at.y_ticks:
        draw.text((at.left - TICK_PX, at.y(value)), tick_label(value, at.y_ticks), INK, text, "rm")
    for i, label in enumerate(chart.x_labels):
        draw.text((at.x(i), at.bottom + TICK_PX), label, INK, text, "mt")
    line = FONT_PX * 1.2
    below = at.bottom + TICK_PX + line + LABEL_PAD_PX
    draw.text(((at.left + at.right) / 2, below), chart.x_title, INK, text, "mt")
    if chart.y_title:  # drawn across, then turned to read bottom to top
        mask = Image.new("L", (math.ceil(text.getlength(chart.y_title)) + 2, math.ceil(line)))
        ImageDraw.Draw(mask).text((1, 0), chart.y_title, 255, text, "lt")
        turned = mask.rotate(90, expand=True)
        x = round(MARGIN_PX)
        y = round((at.top + at.bottom) / 2 - turned.height / 2)
        image.paste(INK, (x, y, x + turned.width, y + turned.height), turned)


def _legend(chart: LineChart, at: Layout) -> list[tuple[Series, float, float]]:
    """Where each legend entry's handle starts (its left, its middle row): two columns, filled
    down then across, centred under the axes, at the image's bottom."""
    rows, text = chart.legend_rows, font(FONT_PX)
    columns = [chart.series[c * rows : (c + 1) * rows] for c in range(2)]
    handle = (LEGEND_HANDLE + LEGEND_PAD) * FONT_PX
    widths = [max(handle + text.getlength(e.label) for e in c) for c in columns if c]
    gap = LEGEND_GAP * FONT_PX
    x = (at.left + at.right) / 2 - (sum(widths) + gap * (len(widths) - 1)) / 2
    row_px = FONT_PX * 1.5
    first = chart.height_px - MARGIN_PX - rows * row_px + row_px / 2
    placed: list[tuple[Series, float, float]] = []
    for column, width in zip(columns, widths, strict=False):
        placed.extend((entry, x, first + row * row_px) for row, entry in enumerate(column))
        x += width + gap
    return placed


LEGEND_HANDLE, LEGEND_PAD, LEGEND_GAP = 1.4, 0.8, 2.0  # in font sizes, as the old legend


def draw(chart: LineChart) -> Image.Image:
    """The chart as an RGB image, ``WIDTH_PX`` wide: lines and markers drawn at ``SCALE``
    times the size and reduced (smooth edges), then the text at the final size (FreeType's
    own anti-aliasing and hinting, crisper than reduced text)."""
    at, s = layout(chart), SCALE
    big = Image.new("RGB", (WIDTH_PX * s, chart.height_px * s), "white")
    pen = ImageDraw.Draw(big)
    _axes(pen, chart, at)
    for series in chart.series:
        for run in _runs(at, series.values):
            _line(pen, run, series)
            if series.markers:
                for x, y in run:
                    _marker(pen, x, y, series.colour)
    legend = _legend(chart, at)
    handle = LEGEND_HANDLE * FONT_PX * s
    for entry, x, y in legend:
        _line(pen, [(x * s, y * s), (x * s + handle, y * s)], entry)
        if entry.markers:
            _marker(pen, x * s + handle / 2, y * s, entry.colour)
    image = big.reduce(s)
    _axes_text(image, chart, at)
    words, text = ImageDraw.Draw(image), font(FONT_PX)
    for entry, x, y in legend:
        words.text((x + (LEGEND_HANDLE + LEGEND_PAD) * FONT_PX, y), entry.label, INK, text, "lm")
    return image


def png(image: Image.Image) -> bytes:
    """An RGB image as PNG bytes, written here: every row unfiltered, then zlib. Pillow's
    encoder tries each PNG filter on each row, which cost twice the drawing (9 ms a chart);
    a chart's rows are mostly white, unfiltered they compress about as well (34 KB, not 32)."""
    width, height = image.size
    data, stride = image.tobytes(), width * 3
    rows = b"".join(b"\0" + data[i : i + stride] for i in range(0, len(data), stride))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, PNG_COMPRESSION))
        + chunk(b"IEND", b"")
    )


def render(chart: LineChart) -> bytes:
    """The chart as PNG bytes (the same bytes for the same chart)."""
    return png(draw(chart))
