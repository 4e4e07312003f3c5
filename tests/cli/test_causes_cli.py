"""The causes in terminal play (issue 12 §4): three a metric by default and every one with
``--all-causes`` (``--verbose`` is its old name); in hot-seat play each seat gets, privately,
what moved the metrics only it sees, a noisy one with directions and its own estimate only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.cli.test_store_cli import Keyboard

VENEZUELA = ["play", "--scenario", "venezuela-2021", "--rounds", "1", "--seed", "3"]


def _reveal(out: str) -> str:
    start = out.index("Why the numbers moved")
    return out[start : out.index("Scoreboard", start)]


def test_all_causes_lists_every_cause_and_verbose_is_its_old_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*VENEZUELA, "--db", str(tmp_path / "a.db")]) == 0
    short = _reveal(capsys.readouterr().out)
    assert "(--all-causes)" in short  # some metric had more than three causes
    assert not re.search(r"^ {6}\S", short, flags=re.M)  # one line a metric
    assert main([*VENEZUELA, "--all-causes", "--db", str(tmp_path / "b.db")]) == 0
    full = _reveal(capsys.readouterr().out)
    assert "(--all-causes)" not in full
    assert re.search(r"^ {6}\S.* [+-]\d+\.\d \(", full, flags=re.M)  # one line a cause
    assert main([*VENEZUELA, "--verbose", "--db", str(tmp_path / "c.db")]) == 0
    assert _reveal(capsys.readouterr().out) == full


def test_hot_seat_players_each_see_what_moved_their_own_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Round 1: the upstream town opens talks (trust up), the council submits nothing.
    keys = Keyboard(["3", "talk first", "", "0", "y", "0", "y"])
    monkeypatch.setattr("bot.cli.menu.ask", keys)
    monkeypatch.setattr("bot.cli.play.ask", lambda _prompt: "")  # pass the keyboard
    monkeypatch.setattr("bot.cli.debate_cli.ask", Keyboard([]))
    args = ["play", "--scenario", "tutorial", "--rounds", "2", "--seed", "3"]
    seats = ["--seat", "upstream", "--seat", "council", "--db", str(tmp_path / "h.db")]
    assert main([*args, *seats]) == 0
    out = capsys.readouterr().out
    public = _reveal(out)
    assert "Trust between the towns" not in public  # the public does not see trust
    title = "What moved your metrics in Round 1"
    town, council = [out[i : out.index("\n\n", i)] for i in _all(out, title)][:2]
    trust = next(line for line in town.splitlines() if "Trust between the towns" in line)
    assert re.search(r"≈[+-]\d+\.\d \(your estimate\): Open talks ↑", trust), trust
    assert not re.search(r"↑ [+-]?\d|[+-]\d+\.\d(?! \(your)", trust.split(": ", 1)[1])
    exact = next(line for line in council.splitlines() if "Trust between the towns" in line)
    assert "Open talks +6.0" in exact


def _all(text: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), text)]


def test_a_seat_played_alone_sees_its_noisy_metrics_causes_in_its_reveal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("bot.cli.menu.ask", Keyboard([]))  # the US submits nothing
    monkeypatch.setattr("bot.cli.debate_cli.ask", Keyboard([]))
    assert main([*VENEZUELA, "--seat", "us", "--db", str(tmp_path / "us.db")]) == 0
    reveal = _reveal(capsys.readouterr().out)
    cohesion = next(line for line in reveal.splitlines() if "Regime cohesion" in line)
    head, _, why = cohesion.partition("(your estimate): ")
    assert "≈" in head and re.search(r"[↑↓]", why), cohesion
    assert not re.search(r"[+-]\d+\.\d", why), f"an exact amount leaked: {cohesion}"
