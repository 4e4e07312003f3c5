"""Exports: Markdown and HTML keep a hostile argument inert, the HTML fetches nothing, the CSV
has one row per player with figures computed from the orders."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from bot.review.build import MatchFacts, PlayedRound, TurnMeta, build_record, record_from_log
from bot.review.export_csv import COLUMNS, to_csv
from bot.review.export_markdown import to_markdown
from bot.review.exports import FORMATS, Format, export, filename
from bot.review.record import HolderInfo, MatchRecord
from bot.review.text import md
from tests.review.helpers import (
    HOSTILE,
    html_of,
    players_log,
    players_record,
    scenario,
    tutorial_record,
)


class Tags(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_html_fetches_nothing_and_runs_no_script() -> None:
    page = html_of("players")
    tags = _tags(page)
    assert not [t for t, _ in tags if t in ("script", "link", "iframe", "object", "embed")]
    for _, attrs in tags:
        for name in ("src", "href", "srcset", "action", "poster"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:image/png;base64,")), value
    assert not re.search(r"url\(|@import", page)
    assert "default-src 'none'" in page


def test_html_escapes_arguments() -> None:
    page = html_of("players")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    links = [a.get("href") for t, a in _tags(page) if t == "a"]
    assert links == ["#scores", "#charts", "#debrief", "#timeline", "#arguments"]


def test_html_has_the_sections_a_reviewer_needs() -> None:
    page = html_of("tutorial")
    ids = [a.get("id") for _, a in _tags(page)]
    for section in ("scores", "charts", "debrief", "timeline", "arguments"):
        assert section in ids
    rounds = tutorial_record().match.rounds_played
    assert [i for i in ids if i and i.startswith("round-")] == [
        f"round-{n}" for n in range(rounds + 1)
    ]
    assert ids.count("chart-scores") == ids.count("chart-metrics") == 1
    assert 'name="viewport"' in page


def test_markdown_escapes_user_text() -> None:
    assert md(HOSTILE) == (
        r"\*\*bold\*\* \_it\_ \[link\](https://evil.example/x) \<script\>alert(1)\</script\>"
        r" # head \| =SUM(A1)"
    )
    assert md("# title") == r"\# title" and md("1. one") == r"1\. one" and md("- x") == r"\- x"
    text = to_markdown(scenario(), players_record())
    assert HOSTILE.splitlines()[0] not in text and md(HOSTILE) in text


def _rows(record: MatchRecord) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(record))))


def test_csv_has_one_row_per_player_with_their_figures() -> None:
    record, log = players_record(), players_log()
    rows = _rows(record)
    assert tuple(rows[0]) == COLUMNS
    assert [(r["seat"], r["player_name"], r["ai"]) for r in rows] == [
        ("upstream", "AI", "yes"),
        ("downstream", "Ana", "no"),
        ("council", "AI", "yes"),
    ]
    ana = rows[1]
    arguments = [o.argument for p in log.rounds for o in p.orders["downstream"].moves]
    assert int(ana["rounds_played"]) == int(ana["orders_on_time"]) == len(log.rounds)
    assert int(ana["arguments_written"]) == len(arguments)
    assert int(ana["argument_characters"]) == sum(len(a.strip()) for a in arguments)
    assert ana["player_id"] == "111" and ana["orders_missed"] == "0"
    assert record.result is not None
    assert float(ana["final_score"]) == pytest.approx(record.result.scores["downstream"])


def test_csv_counts_a_missed_deadline_and_does_not_credit_the_ais_arguments() -> None:
    log = players_log()
    rounds = [
        PlayedRound(
            p.round,
            p.orders,
            p.records,
            p.state,
            turns={"downstream": TurnMeta(source="ai" if p.round == 2 else "players")},
        )
        for p in log.rounds
    ]
    facts = MatchFacts(holders={"downstream": [HolderInfo(player="111", name="Ana")]})
    record = build_record(scenario(), log.seed, log.start, log.opening, rounds, facts)
    ana = _rows(record)[1]
    assert (ana["orders_on_time"], ana["orders_missed"]) == (str(len(rounds) - 1), "1")
    assert ana["arguments_written"] == str(len(rounds) - 1)


def test_csv_defuses_spreadsheet_formulas() -> None:
    facts = MatchFacts(holders={"council": [HolderInfo(player="9", name="=HYPERLINK(1)")]})
    record = record_from_log(scenario(), players_log(), facts)
    assert "'=HYPERLINK(1)" in to_csv(record)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("json", "levers-tutorial-seed-7.json"),
        ("markdown", "levers-tutorial-seed-7.md"),
        ("html", "levers-tutorial-seed-7.html"),
        ("csv", "levers-tutorial-seed-7.csv"),
        ("gradebook", "levers-tutorial-seed-7.gradebook.csv"),
    ],
)
def test_every_format_exports_with_a_fitting_name(fmt: Format, name: str) -> None:
    record = tutorial_record()
    made = export(scenario(), record, fmt)
    assert made.filename == filename(record, fmt) == name
    assert made.data.decode("utf-8").strip()
    assert set(FORMATS) == {"json", "markdown", "html", "csv", "gradebook"}
