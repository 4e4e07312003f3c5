"""``levers export``, run as a user runs it: offline, from a database, and its mistakes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.review.record import MatchRecord
from bot.services.app import Services
from bot.services.models import SYSTEM, Actor


def test_offline_export_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "match.json"
    code = main(
        [
            "export",
            "--offline",
            "--scenario",
            "tutorial",
            "--seed",
            "5",
            "--format",
            "json",
            "-o",
            str(out),
        ]
    )
    assert code == 0 and f"{out}:" in capsys.readouterr().err
    record = MatchRecord.from_json(out.read_text())
    assert record.match.seed == 5 and record.scenario.id == "tutorial" and record.over


def test_offline_export_needs_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--offline", "--format", "csv"]) == 2
    assert "--seed" in capsys.readouterr().err


def test_schema_is_the_records(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "MatchRecord" and "rounds" in schema["properties"]


async def _stored_match(path: Path) -> int:
    app = await Services.open(path)
    try:
        stored = await app.scenarios.add_builtin("tutorial")
        host = Actor("1", "Host")
        match = await app.matches.create(host, stored.sha256, seed=3)
        await app.matches.take_seat(match.id, Actor("111", "Ana"), "upstream")
        await app.matches.start(match.id, host)
        await app.rounds.resolve(match.id, 1, SYSTEM)
        return match.id
    finally:
        await app.close()


def test_export_from_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "levers.db"
    match_id = asyncio.run(_stored_match(db))
    assert main(["export", "--match", str(match_id), "--db", str(db), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    ana = next(r for r in rows if r["player_name"] == "Ana")
    assert (ana["match_id"], ana["status"], ana["rounds_played"]) == (str(match_id), "running", "1")
    assert ana["orders_missed"] == "1"  # she never submitted: the AI played her seat
    assert main(["export", "--match", str(match_id), "--db", str(db), "--as", "nobody"]) == 2
    assert main(["export", "--match", "99", "--db", str(db)]) == 1
    assert "no match 99" in capsys.readouterr().err


def test_a_missing_database_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none.db"
    assert main(["export", "--match", "1", "--db", str(db)]) == 2
    assert not db.exists() and "no database" in capsys.readouterr().err
