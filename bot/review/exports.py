"""One entry point for every export format: ``export(scenario, record, fmt)`` -> a file.

The record must already be cut for whoever receives the file (``redact.view_for``). Rendering
HTML draws charts, which is CPU work: from the event loop use ``export_async``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal, get_args

from bot.game.scenario import Scenario
from bot.review.debrief import turning_points
from bot.review.export_csv import to_csv
from bot.review.export_html import to_html
from bot.review.export_markdown import to_markdown
from bot.review.gradebook import to_gradebook
from bot.review.record import MatchRecord
from bot.review.what_if import what_if

Format = Literal["json", "markdown", "html", "csv", "gradebook"]
FORMATS: tuple[str, ...] = get_args(Format)
EXTENSIONS = {
    "json": "json",
    "markdown": "md",
    "html": "html",
    "csv": "csv",
    "gradebook": "gradebook.csv",
}
MEDIA_TYPES = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "gradebook": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    """An exported file: a suggested name, its bytes (UTF-8 text), and its media type."""

    filename: str
    data: bytes
    media_type: str


def filename(record: MatchRecord, fmt: Format) -> str:
    """``levers-match-12.html`` (``levers-tutorial-seed-5.html`` for an unstored match)."""
    if record.match.id is not None:
        stem = f"levers-match-{record.match.id}"
    elif record.match.seed is not None:
        stem = f"levers-{record.scenario.id}-seed-{record.match.seed}"
    else:
        stem = f"levers-{record.scenario.id}"
    if record.redacted:
        stem += f"-{record.viewer or 'public'}"
    return f"{stem}.{EXTENSIONS[fmt]}"


def with_what_if(scenario: Scenario, record: MatchRecord) -> MatchRecord:
    """The record with the debrief's *What if* forks (``what_if``) when it has any."""
    found = what_if(scenario, record, turning_points(scenario, record)) if record.over else []
    return record.model_copy(update={"what_if": found or None})


def render(scenario: Scenario, record: MatchRecord, fmt: Format) -> str:
    """The record as text in one format."""
    if fmt == "json":
        return with_what_if(scenario, record).to_json() + "\n"
    if fmt == "markdown":
        return to_markdown(scenario, record)
    if fmt == "html":
        return to_html(scenario, record)
    if fmt == "csv":
        return to_csv(record)
    if fmt == "gradebook":
        return to_gradebook(record, scenario.rules.spectator_weight)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def export(scenario: Scenario, record: MatchRecord, fmt: Format) -> ExportFile:
    """The record as a file in one format."""
    text = render(scenario, record, fmt)
    return ExportFile(filename(record, fmt), text.encode("utf-8"), MEDIA_TYPES[fmt])


async def export_async(scenario: Scenario, record: MatchRecord, fmt: Format) -> ExportFile:
    """``export`` in a worker thread, for use from the Discord event loop."""
    return await asyncio.to_thread(export, scenario, record, fmt)
