"""Issue 6, part 3: the balance lint, and ``levers validate --lint``."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.game.scenario import Scenario
from bot.game.validate import load_scenario
from bot.library.lint import BalanceStats, collect, lint, warnings
from tests.library.scenarios import LOPSIDED, MIRROR


def _scenario(text: str) -> Scenario:
    return load_scenario(text)


def _line_of(text: str, marker: str) -> int:
    """The 1-based line of the list item whose trailing comment names ``marker``."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if f"# {marker}:" in line)
    while not lines[index].lstrip().startswith("- "):
        index -= 1
    return index + 1


EXPECTED = {
    "seats[0]": "wins 100% of 40 simulated matches; a fair share is 50%: it may be too strong",
    "seats[1]": "wins 0% of 40 simulated matches; a fair share is 50%: it may be too weak",
    "moves[0]": "chosen every time it was legal (120 of 120 rounds with other legal moves)",
    "moves[1]": "legal in 120 rounds but never chosen by the AI in 40 simulated matches",
    "moves[2]": "never legal in 40 simulated matches: check its cost, condition and requires",
    "metrics[1]": "at its maximum (100) after 100% of 120 simulated rounds",
    "metrics[2]": "never changed in 40 simulated matches",
    "endings[0]": "never ended a match in 40 simulated matches",
    "events[0]": "never happened in 40 simulated matches",
    "interactions[0]": "never fired in 40 simulated matches",
}


def test_each_kind_of_warning_names_its_field_and_line() -> None:
    _stats, found = lint(_scenario(LOPSIDED), LOPSIDED, matches=40)
    assert sorted(w.path for w in found) == sorted(EXPECTED)
    for warning in found:
        assert warning.severity == "warning"
        assert warning.message.startswith(EXPECTED[warning.path]), warning.message
        assert warning.line == _line_of(LOPSIDED, warning.path), warning.path
    assert [w.line for w in found] == sorted(w.line or 0 for w in found)  # file order


def test_an_even_game_earns_no_seat_warning() -> None:
    stats, found = lint(_scenario(MIRROR), MIRROR, matches=20)
    assert stats.wins == {"east": 10.0, "west": 10.0}  # every match a tie, split
    assert stats.fair_share == 0.5 and stats.win_share("east") == 0.5
    assert not [w for w in found if w.path.startswith("seats")]


def test_counts_add_up() -> None:
    stats = collect(_scenario(LOPSIDED), matches=10, seed=3)
    assert stats.matches == 10 and stats.rounds == 30
    assert sum(stats.wins.values()) == pytest.approx(10)
    assert sum(stats.endings.values()) == 10
    assert stats.moves["north.push"].chosen == 30
    assert stats.moves["north.push"].legal == stats.moves["north.nudge"].legal == 30
    assert stats.moves["north.miracle"].legal == 0


def test_the_same_seed_gives_the_same_statistics_and_they_survive_json() -> None:
    scenario = _scenario(LOPSIDED)
    first, second = collect(scenario, 15, seed=9), collect(scenario, 15, seed=9)
    assert first.to_dict() == second.to_dict()
    assert BalanceStats.from_dict(first.to_dict()) == first


def test_without_the_text_warnings_have_no_lines() -> None:
    scenario = _scenario(LOPSIDED)
    found = warnings(scenario, collect(scenario, 5))
    assert found and all(w.line is None for w in found)


def test_the_lint_needs_a_match() -> None:
    with pytest.raises(ValueError, match="at least one match"):
        collect(_scenario(MIRROR), 0)


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_validate_lint_prints_file_line_path_warning_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "lopsided.yaml", LOPSIDED)
    assert main(["validate", "--lint", "--matches", "40", path]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == len(EXPECTED)
    for line in lines:
        file, number, where, message = line.split(":", 3)
        assert file == path and message.startswith(" warning: ")
        assert int(number) == _line_of(LOPSIDED, where.strip())
        assert message.removeprefix(" warning: ").startswith(EXPECTED[where.strip()])
    assert "10 balance warnings from 40 matches" in err


def test_validate_without_lint_prints_nothing_for_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", _write(tmp_path, "lopsided.yaml", LOPSIDED)]) == 0
    assert capsys.readouterr().out == ""


def test_validate_lint_still_fails_invalid_files_without_simulating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "bad.yaml", LOPSIDED.replace("start: 50", "start: 500"))
    assert main(["validate", "--lint", path]) == 1
    out = capsys.readouterr().out
    assert "metrics[0].start: start 500.0 is outside 0.0..100.0" in out
    assert "warning" not in out


def test_validate_lint_refuses_a_bad_match_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--lint", "--matches", "0", "x.yaml"]) == 2
    assert "--matches" in capsys.readouterr().err
