"""The terminal commands take a ``postgresql://`` URL for ``--db`` as well as a file: a match
played into PostgreSQL is exported and forked from there, and equals the same match in SQLite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main


def _export(db: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["export", "--db", db, "--match", "1", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_play_export_and_whatif_on_postgresql_match_the_same_match_in_sqlite(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(tmp_path / "levers.db")
    for db in (pg_url, file):
        assert main(["play", "--scenario", "tutorial", "--db", db, "--seed", "5"]) == 0
    on_pg, on_file = _export(pg_url, capsys), _export(file, capsys)
    assert on_pg["rounds"], "the match was stored in PostgreSQL"
    played = [[(r["metrics"], r["scores"]) for r in x["rounds"]] for x in (on_pg, on_file)]
    assert played[0] == played[1], "the same match, whichever store holds it"
    capsys.readouterr()
    fork = ["whatif", "--db", pg_url, "--match", "1", "--from-round", "2", "--seeds", "2"]
    assert main([*fork, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["match"] == 1 and report["seeds"] == 2
