"""``levers whatif`` on a match stored by ``levers play``: the JSON shape, the stored match as
the as-played arm for its own seed, determinism, and one-line errors for bad input."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.services import Services
from tests.cli.test_store_cli import _half_played
from tests.services.helpers import ANA


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("whatif") / "levers.db"
    assert main(["play", "--scenario", "tutorial", "--db", str(path), "--seed", "5"]) == 0
    return path


def _whatif(db: Path, *extra: str) -> int:
    return main(["whatif", "--db", str(db), "--match", "1", *extra])


def _json(db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    assert _whatif(db, *extra, "--json") == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _stored_record(db: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--match", "1", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_one_seed_without_changes_gives_the_stored_match_in_both_arms(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = _stored_record(db, capsys)
    report = _json(db, capsys, "--from-round", "2", "--seeds", "1")
    assert list(report) == ["match", "from_round", "seeds", "as_played", "what_if", "delta"]
    assert (report["match"], report["from_round"], report["seeds"]) == (1, 2, 1)
    final = record["rounds"][-1]["metrics"]
    arm = report["as_played"]
    assert {k: v["mean"] for k, v in arm["metrics"].items()} == {
        k: round(v, 3) for k, v in final.items()
    }
    assert {k: v["mean"] for k, v in arm["scores"].items()} == {
        k: round(v, 3) for k, v in record["result"]["scores"].items()
    }
    assert arm["endings"] == {record["result"]["ending"]: 1}
    assert report["what_if"] == arm
    assert report["delta"] == {
        "metrics": dict.fromkeys(final, 0.0),
        "scores": dict.fromkeys(record["result"]["scores"], 0.0),
    }


def test_the_same_command_gives_the_same_output(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--from-round", "2", "--policy", "upstream=hold", "--drop", "council.mediate")
    first = _json(db, capsys, *args, "--seeds", "30")
    assert first == _json(db, capsys, *args, "--seeds", "30")
    arm, other = first["what_if"], first["as_played"]
    assert sum(arm["endings"].values()) == sum(other["endings"].values()) == 30
    for key in ("metrics", "scores"):
        for ident, spread in arm[key].items():
            assert spread["p10"] <= spread["mean"] <= spread["p90"]
            expected = round(spread["mean"] - other[key][ident]["mean"], 3)
            assert abs(first["delta"][key][ident] - expected) <= 0.0015
    assert any(first["delta"]["scores"].values()), "holding a seat changes somebody's score"


def test_a_script_file_plays_a_seat_and_the_table_names_both_arms(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "council.yaml"
    script.write_text("rounds: [[council.mediate]]\n")
    capsys.readouterr()
    assert _whatif(db, "--from-round", "4", "--policy", f"council={script}", "--seeds", "5") == 0
    out = capsys.readouterr().out
    assert "As played" in out and "What if" in out and "from round 4, 5 seeds" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--match", "7", "--from-round", "1"), 1, "there is no match 7"),
        (("--from-round", "5"), 2, "round 5 is out of range: a fork starts from round 1 to 4"),
        (("--from-round", "0"), 2, "out of range"),
        (("--from-round", "2", "--policy", "mayor=ai"), 2, "--policy mayor=ai: expected SEAT"),
        (("--from-round", "2", "--policy", "upstream"), 2, "expected SEAT=ai|hold|FILE"),
        (("--from-round", "2", "--drop", "upstream.fly"), 2, "there is no move 'upstream.fly'"),
        (("--from-round", "2", "--policy", "upstream=/no/such.yaml"), 2, "cannot read"),
        (("--from-round", "2", "--seeds", "0"), 2, "--seeds must be between 1 and 10000"),
    ],
)
def test_bad_input_is_one_line_on_stderr(
    db: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int, message: str
) -> None:
    capsys.readouterr()
    assert main(["whatif", "--db", str(db), "--match", "1", *args]) == code
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("levers whatif: ") and message in err


def test_a_bad_script_file_is_named(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for text, message in (
        ("rounds: 3\n", "expected 'rounds: [[move ids"),
        ("rounds: [[council.mediate]]\n", "'council.mediate' is not a move of seat 'upstream'"),
        ("rounds: [\n", "YAML"),
    ):
        script = tmp_path / "bad.yaml"
        script.write_text(text)
        capsys.readouterr()
        assert _whatif(db, "--from-round", "2", "--policy", f"upstream={script}") == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(script) in err and message in err


def test_a_missing_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _whatif(tmp_path / "none.db", "--from-round", "1") == 2
    assert "no database at" in capsys.readouterr().err


def test_a_running_match_is_forked_only_with_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    match_id = asyncio.run(_half_played(db))
    capsys.readouterr()
    args = ["whatif", "--db", str(db), "--match", str(match_id), "--from-round", "2"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "still running" in err and "--full" in err
    assert main([*args, "--full", "--seeds", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["seeds"] == 3


async def _lobby(db: Path) -> int:
    services = await Services.open(db)
    try:
        stored = await services.scenarios.add_builtin("tutorial")
        return (await services.matches.create(ANA, stored.sha256, seed=3)).id
    finally:
        await services.close()


def test_a_match_still_in_its_lobby_has_nothing_to_fork(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "levers.db"
    match_id = asyncio.run(_lobby(db))
    args = ["whatif", "--db", str(db), "--match", str(match_id), "--from-round", "1", "--full"]
    assert main(args) == 2
    assert f"match {match_id} has not started" in capsys.readouterr().err
