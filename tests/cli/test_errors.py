"""Command-line errors are one line on stderr with a non-zero status, never a traceback."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main


def _one_line(capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def test_an_output_file_in_a_missing_folder_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such" / "match.html"
    assert main(["export", "--offline", "--seed", "1", "-o", str(target)]) == 2
    _one_line(capsys, "levers export: cannot write", "does not exist")
    assert main(["export", "--offline", "--seed", "1", "-o", str(tmp_path)]) == 2
    _one_line(capsys, "it is a folder")


def test_a_policy_script_naming_an_unknown_move_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "script.yaml"
    script.write_text("rounds:\n  - [upstream.build_dam]\n  - [upstream.build_a_canal]\n")
    policy = f"upstream={script}"
    code = main(
        ["simulate", "--scenario", "tutorial", "--matches", "2", "--seed", "1", "--policy", policy]
    )
    assert code == 2
    _one_line(capsys, "there is no move 'upstream.build_a_canal'")


@pytest.mark.parametrize(
    "command",
    [
        ["matches"],
        ["replay", "--match", "1"],
        ["export", "--match", "1"],
        ["resume"],
        ["play", "--scenario", "tutorial", "--rounds", "1"],
    ],
)
def test_a_database_that_is_not_levers_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert main([*command, "--db", str(other)]) == 2
    _one_line(capsys, "not a Levers one (it has tables notes)")
    assert other.read_bytes() == before
    garbage = tmp_path / "garbage.db"
    garbage.write_text("this is not a database\n" * 10)
    assert main([*command, "--db", str(garbage)]) == 2
    _one_line(capsys, "is not a Levers database")


def test_a_locked_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "levers.db"
    assert (
        main(["play", "--scenario", "tutorial", "--rounds", "1", "--seed", "1", "--db", str(db)])
        == 0
    )
    capsys.readouterr()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["matches", "--db", str(db)]) == 1
        _one_line(capsys, "is locked by another process")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_levers_run_without_a_network_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    monkeypatch.setenv("LEVERS_DB", str(tmp_path / "levers.db"))
    monkeypatch.setenv("LEVERS_DISCORD_API", "http://127.0.0.1:9/api/v10")  # nothing listens
    assert main(["run", "--no-sync"]) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("levers run: cannot reach Discord at http://127.0.0.1:9/api/v10")
    assert "check the network" in line


def test_piped_input_that_ends_keeps_the_draft_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("2\nsmall turbines first\n"))
    code = main(
        ["play", "--scenario", "tutorial", "--seed", "3", "--seat", "upstream", "--db", str(db)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"levers resume --match 1 --db {db}" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["resume", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "Your draft is restored" in out
    assert "✓  2) Small turbines (1 AP) “small turbines first”" in out
