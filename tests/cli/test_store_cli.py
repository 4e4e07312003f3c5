"""``levers play`` stores its matches; ``matches``, ``replay --verify`` and ``resume``."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.services import Actor, Services
from bot.services.models import SYSTEM
from tests.services.helpers import ANA


class Keyboard:
    """Answers prompts: the scripted lines first, then submit, confirm and keep the default."""

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        print(f">>{prompt}")  # where on the screen it was asked
        if self.script:
            return self.script.pop(0)
        if prompt.startswith("Your answer"):  # an event's decision: the first option
            return "1"
        return "y" if prompt.startswith("Submit anyway") else "0"


def _play(db: Path, *extra: str) -> int:
    return main(["play", "--scenario", "tutorial", "--db", str(db), *extra])


def test_play_prints_the_match_id_first_and_stores_a_replayable_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    assert _play(db, "--seed", "5") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Match 1"
    assert "Final scores" in out
    assert main(["replay", "--match", "1", "--db", str(db), "--verify"]) == 0
    assert "4 resolved round(s) replay exactly" in capsys.readouterr().out


def test_the_default_database_is_data_levers_db_and_levers_db_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEVERS_DB", raising=False)
    assert main(["play", "--scenario", "tutorial", "--seed", "2021"]) == 0  # what `make demo` runs
    assert (tmp_path / "data" / "levers.db").is_file()
    monkeypatch.setenv("LEVERS_DB", str(tmp_path / "env.db"))
    assert main(["play", "--scenario", "tutorial", "--seed", "1", "--rounds", "1"]) == 0
    assert (tmp_path / "env.db").is_file()
    capsys.readouterr()
    assert main(["matches", "--json"]) == 0
    assert [m["id"] for m in json.loads(capsys.readouterr().out)] == [1]


def test_matches_lists_every_match_as_a_table_or_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    _play(db, "--seed", "1")
    _play(db, "--seed", "2", "--rounds", "2")
    capsys.readouterr()
    assert main(["matches", "--db", str(db), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(m["id"], m["scenario"], m["round"], m["phase"], m["finished"]) for m in found] == [
        (2, "tutorial", 2, "finished", True),
        (1, "tutorial", 4, "finished", True),
    ]
    assert all(m["winners"] and m["seats"]["council"]["controller"] == "ai" for m in found)
    assert main(["matches", "--db", str(db)]) == 0
    table = capsys.readouterr().out
    assert "tutorial" in table and "finished" in table
    assert main(["matches", "--db", str(tmp_path / "none.db")]) == 2


def test_replay_verify_names_the_round_that_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    _play(db, "--seed", "3")
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER rounds_no_update")
    conn.execute(
        "UPDATE rounds SET state = json_set(state, '$.metrics.power', 1.5) WHERE round = 3"
    )
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["replay", "--match", "1", "--db", str(db), "--verify"]) == 1
    err = capsys.readouterr().err
    assert "round 3 differs" in err and "metrics.power" in err
    assert main(["replay", "--match", "9", "--db", str(db), "--verify"]) == 2


async def _half_played(db: Path) -> int:
    services = await Services.open(db)
    try:
        stored = await services.scenarios.add_builtin("tutorial")
        match = await services.matches.create(ANA, stored.sha256, seed=8)
        await services.matches.assign_seat(match.id, ANA, "local:upstream", "up", "upstream")
        await services.matches.start(match.id, ANA)
        await services.orders.submit(
            match.id, Actor("local:upstream"), [("upstream.talks", "talk")]
        )
        await services.rounds.resolve(match.id, 1, SYSTEM)
        return match.id
    finally:
        await services.close()


def test_resume_continues_an_unfinished_terminal_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    match_id = asyncio.run(_half_played(db))
    capsys.readouterr()
    assert main(["replay", "--match", str(match_id), "--db", str(db), "--verify"]) == 0
    assert "1 resolved round(s)" in capsys.readouterr().out
    monkeypatch.setattr("bot.cli.menu.ask", Keyboard([]))  # submit no moves in each round
    monkeypatch.setattr("bot.cli.debate_cli.ask", Keyboard([]))  # rate every argument 0
    assert main(["resume", "--match", str(match_id), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"Match {match_id}")
    assert "Round 2" in out and "Final scores" in out
    assert main(["matches", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["phase"] == "finished"
    assert main(["replay", "--match", str(match_id), "--db", str(db), "--verify"]) == 0
    assert main(["resume", "--match", str(match_id), "--db", str(db)]) == 0  # nothing left


def test_play_with_a_seat_reads_orders_from_the_keyboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    monkeypatch.setattr("bot.cli.menu.ask", Keyboard(["3", "because talking helps"]))
    monkeypatch.setattr("bot.cli.debate_cli.ask", Keyboard([]))  # rate every argument 0
    assert _play(db, "--seed", "9", "--seat", "upstream") == 0
    conn = sqlite3.connect(db)
    first = conn.execute(
        "SELECT s.player, o.move, o.argument FROM submissions s JOIN submission_orders o "
        "ON o.submission_id = s.id WHERE s.round = 1"
    ).fetchall()
    conn.close()
    assert len(first) == 1 and first[0][0] == "local:upstream"
    assert first[0][2] == "because talking helps"


def test_hot_seat_play_passes_the_keyboard_before_each_private_panel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    keyboard = Keyboard([])
    monkeypatch.setattr("bot.cli.menu.ask", keyboard)
    monkeypatch.setattr("bot.cli.play.ask", keyboard)
    monkeypatch.setattr("bot.cli.debate_cli.ask", keyboard)
    seats = ["--seat", "upstream", "--seat", "downstream"]
    assert _play(tmp_path / "levers.db", "--seed", "4", "--rounds", "2", *seats) == 0
    out = capsys.readouterr().out
    names = ["Upstream town", "Downstream town"]
    passes = [p for p in keyboard.prompts if p.startswith("Pass the keyboard")]
    assert passes == [f"Pass the keyboard to {n}, then press Enter: " for n in names * 2]
    # Round 1 on screen: each seat's private panel comes after its own pause, never before.
    marks = [out.index(f">>Pass the keyboard to {names[0]}")]
    marks.append(out.index(f"{names[0]}: where you stand"))
    marks.append(out.index(f">>Pass the keyboard to {names[1]}"))
    marks.append(out.index(f"{names[1]}: where you stand"))
    assert marks == sorted(marks)
    assert "You are Upstream town" in out and "You are Downstream town" in out
