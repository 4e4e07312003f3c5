"""``levers class``: list the class runs, compare one, write its gradebook and report."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.scenarios import default_id
from bot.services import Services
from bot.services.models import SYSTEM, Actor
from tests.services.helpers import ai_moves

HOST = Actor("7", "Tess", guild_id="g1", front="discord")
STUDENTS = [(str(100 + i), f"Student{i}") for i in range(9)]


async def _class_run(db: Path, finish: bool) -> None:
    """Class run 1: three groups of the default scenario (one round), nine students; group 1's
    first student orders the AI's moves, then every round resolves (the AI fills the rest)."""
    services = await Services.open(db)
    try:
        sha = (await services.scenarios.add_builtin(default_id())).sha256
        made = await services.classes.create(
            HOST, sha, groups=3, seed=77, rounds=1, channel_id="c1", members=STUDENTS
        )
        for match in made.matches:
            await services.matches.start(match.id, HOST)
        first = next(p for p in made.placements if p.group == 1)
        started = await services.matches.get(first.match_id, SYSTEM)
        scenario = await services.scenarios.get(sha)
        moves = ai_moves(scenario, started, first.seat, seed=3)
        student = Actor(first.player, first.name, guild_id="g1", front="discord")
        await services.orders.submit(first.match_id, student, moves)
        if finish:
            for match in made.matches:
                await services.rounds.resolve(match.id, 1, SYSTEM)
    finally:
        await services.close()


def test_class_lists_compares_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    asyncio.run(_class_run(db, finish=True))
    assert main(["class", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "venezuela-2021" in listed and "finished" in listed

    assert main(["class", "--db", str(db), "--class", "1"]) == 0
    compared = capsys.readouterr().out
    print(compared)  # the excerpt quoted in docs/teachers.md
    for expected in ("Class run 1:", "Group 1 (match 1, 3 students)", "Group 3 (match 3"):
        assert expected in compared, expected
    assert "policy scores:" in compared

    out = tmp_path / "grades.csv"
    assert (
        main(["class", "--db", str(db), "--class", "1", "--format", "gradebook", "-o", str(out)])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted(r["player"] for r in rows) == sorted(p for p, _n in STUDENTS)
    assert main(["class", "--db", str(db), "--class", "1", "--format", "html"]) == 0
    assert "<h1>Class run 1" in capsys.readouterr().out


def test_a_running_or_missing_class_run_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    asyncio.run(_class_run(db, finish=False))
    assert main(["class", "--db", str(db), "--class", "1"]) == 1
    assert "still playing" in capsys.readouterr().err
    assert main(["class", "--db", str(db), "--class", "9"]) == 1
    assert "no class run 9" in capsys.readouterr().err
