"""Check results rendered for Discord (within its limits, escaped) and the win-share chart."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.game.validate import Problem
from bot.library import report
from bot.library.chart import win_share_png
from bot.library.lint import BalanceStats
from bot.library.results import CheckResult, SeatSummary, Summary
from tests.library.helpers import assert_within_discord_limits

PNG = b"\x89PNG\r\n\x1a\n"
SUMMARY = Summary(
    scenario_id="cuba_thaw",
    title="Cuba Thaw",
    version="1.2",
    author="Ms. Ortiz's class",
    rounds=6,
    seats=(SeatSummary("us", "United States", 12), SeatSummary("cuba", "Cuban government", 9)),
    moves=21,
    metrics=8,
    events=4,
    endings=2,
)
STATS = BalanceStats(
    matches=200,
    seed=0,
    rounds=1200,
    wins={"us": 150.0, "cuba": 50.0},
    endings={"last_round": 150, "normalisation": 50},
)


def _refused(*problems: Problem, more: int = 0) -> CheckResult:
    return CheckResult("cuba.yaml", "a" * 64, 100, problems=problems, more=more)


def _accepted(warnings: tuple[Problem, ...] = (), **changes: object) -> CheckResult:
    result = CheckResult("cuba.yaml", "b" * 64, 5000, summary=SUMMARY, warnings=warnings)
    return replace(result, **changes)  # type: ignore[arg-type]


def test_a_refusal_lists_each_problem_with_line_and_path() -> None:
    reply = report.refusal(
        _refused(
            Problem("moves[3].effects[0].metric", "unknown metric 'harvst'", 41),
            Problem("", "the file is not valid UTF-8 (bad byte at offset 9)", 2),
        )
    )
    assert_within_discord_limits(reply)
    assert reply.embed.title == "cuba.yaml was not loaded"
    assert "Found 2 problems, so nothing was stored" in reply.embed.description
    assert [(f.name, f.value) for f in reply.embed.fields] == [
        ("Line 41 · `moves[3].effects[0].metric`", "unknown metric 'harvst'"),
        ("Line 2 · the file", "the file is not valid UTF-8 (bad byte at offset 9)"),
    ]
    assert reply.attachment is None


def test_a_long_refusal_attaches_the_full_report() -> None:
    problems = tuple(Problem(f"moves[{i}].name", "x" * 900, i + 10) for i in range(200))
    reply = report.refusal(_refused(*problems, more=50))
    assert_within_discord_limits(reply)
    assert reply.attachment is not None
    lines = reply.attachment.text.splitlines()
    assert lines[0] == "cuba.yaml: 250 problems; nothing was stored. The first 200 are listed."
    assert lines[1] == "cuba.yaml:10: moves[0].name: " + "x" * 900
    assert len(lines) == 201
    assert reply.attachment.filename == "cuba-problems.txt"
    assert reply.embed.footer == "All 250 problems are in the attached report."


def test_text_from_the_file_cannot_ping_or_format() -> None:
    hostile = "got '@everyone **bold** `code` <@&1> [x](http://e.vil)'"
    reply = report.refusal(_refused(Problem("a`b", hostile, 3)))
    field = reply.embed.fields[0]
    assert "@everyone" not in field.value and "@\u200beveryone" in field.value
    assert "\\*\\*bold\\*\\*" in field.value and "\\`code\\`" in field.value
    assert "\\<@\u200b&1>" in field.value and "\\[x\\]" in field.value
    assert field.name == "Line 3 · `a'b`"  # a backtick cannot close the code span


def test_an_accepted_upload_shows_title_seats_moves_rounds_and_warnings() -> None:
    warning = Problem("seats[0]", "wins 75% of 200 simulated matches", 30, "warning")
    reply = report.accepted(_accepted((warning,), elapsed=0.41), version_number=3)
    assert_within_discord_limits(reply)
    embed = reply.embed
    assert embed.title == "Loaded Cuba Thaw as version 3"
    assert "`cuba_thaw` 1.2 by Ms. Ortiz's class" in embed.description
    assert "2 seats · 21 moves · 6 rounds" in embed.description
    assert embed.fields[0].value == (
        "United States (`us`): 12 moves\nCuban government (`cuba`): 9 moves"
    )
    assert embed.fields[1].name == "Warnings (1)"
    assert embed.fields[1].value == "Line 30 · `seats[0]`: wins 75% of 200 simulated matches"
    assert embed.colour == report.AMBER and reply.attachment is None
    assert embed.footer.endswith("5000 bytes · checked in 0.41 s")


def test_many_warnings_go_to_an_attachment() -> None:
    warnings = tuple(
        Problem(f"moves[{i}]", "never chosen by the AI " * 5, i, "warning") for i in range(60)
    )
    reply = report.accepted(_accepted(warnings))
    assert_within_discord_limits(reply)
    assert reply.attachment is not None and reply.attachment.text.count("\n") == 61
    assert reply.embed.footer.startswith("All warnings are in the attached report.")


def test_an_accepted_upload_without_warnings_is_green() -> None:
    reply = report.accepted(_accepted())
    assert reply.embed.colour == report.GREEN and len(reply.embed.fields) == 1


def test_accepted_needs_a_summary() -> None:
    with pytest.raises(ValueError, match="refusal"):
        report.accepted(_refused(Problem("", "bad", 1)))


def test_the_balance_report_shows_win_shares_and_endings_and_names_the_chart() -> None:
    reply = report.balance(_accepted(balance=STATS, elapsed=4.2))
    assert_within_discord_limits(reply)
    shares, endings = reply.embed.fields[:2]
    assert shares.value == "United States: 75%\nCuban government: 25%"
    assert endings.value == "after the last round: 75%\n`normalisation`: 25%"
    assert "200 simulated matches" in reply.embed.description
    assert "A fair share of wins is 50%" in reply.embed.description
    assert reply.image == report.CHART_NAME


def test_the_balance_report_needs_statistics() -> None:
    with pytest.raises(ValueError, match="lint statistics"):
        report.balance(_accepted())


def test_the_chart_is_a_png() -> None:
    png = win_share_png(_accepted(balance=STATS))
    assert png.startswith(PNG) and len(png) > 5000


def test_the_chart_survives_awkward_names_and_ten_seats() -> None:
    seats = tuple(SeatSummary(f"s{i}", f"$x$ {'^_' * 30} {i} \\", 1) for i in range(10))
    stats = BalanceStats(matches=10, seed=0, wins={s.id: 1.0 for s in seats})
    result = _accepted(summary=replace(SUMMARY, seats=seats), balance=stats)
    assert win_share_png(result).startswith(PNG)


def test_cut_marks_what_it_removes() -> None:
    assert report.cut("abc", 3) == "abc"
    assert report.cut("abcdef", 4) == "abc…"
