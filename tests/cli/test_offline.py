"""`levers validate`, `levers simulate` and `levers schema`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.library.parallel import chunks
from bot.scenarios import SCENARIOS

TUTORIAL = SCENARIOS / "tutorial.yaml"


def test_validate_exits_0_for_valid_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(TUTORIAL)]) == 0
    assert capsys.readouterr().out == ""


def test_validate_prints_file_line_path_and_message_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        TUTORIAL.read_text().replace("metric: harvest, change: 6", "metric: harvst, change: 6")
    )
    assert main(["validate", str(TUTORIAL), str(broken)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    file, line, path, message = lines[0].split(":", 3)
    assert file == str(broken) and path.strip().endswith(".effects[0].metric")
    assert "harvst" in broken.read_text().splitlines()[int(line) - 1]
    assert "unknown metric 'harvst'" in message


def test_validate_reports_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().out


def _simulate(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    code = main(
        ["simulate", "--scenario", "tutorial", "--matches", "20", "--seed", "5", "--json", *extra]
    )
    assert code == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def test_simulate_json_has_exactly_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    report = _simulate(capsys)
    keys = {"matches", "seats", "metrics", "moves", "endings", "skipped", "debate", "deals"}
    assert set(report) == keys
    seats = report["seats"]
    assert isinstance(seats, dict)
    assert set(seats["upstream"]) == {"score", "wins", "credibility"}
    assert set(seats["upstream"]["score"]) == {"mean", "p10", "p90"}
    debate = report["debate"]
    assert isinstance(debate, dict)
    assert set(debate["upstream"]) == {"points", "forecasts"}
    assert set(debate["upstream"]["points"]) == {"mean", "p10", "p90"}
    assert set(debate["upstream"]["forecasts"]) == {"made", "hit"}
    assert debate["upstream"]["forecasts"]["made"] > 0  # AI-only matches argue and forecast
    endings = report["endings"]
    assert isinstance(endings, dict) and sum(endings.values()) == 20


def test_simulate_is_the_same_for_the_same_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert _simulate(capsys) == _simulate(capsys)


def test_simulate_hold_policy_plays_no_moves_for_that_seat(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = _simulate(capsys, "--policy", "council=hold")
    moves = report["moves"]
    assert isinstance(moves, dict)
    assert all(count == 0 for move, count in moves.items() if move.startswith("council."))
    assert any(count > 0 for move, count in moves.items() if move.startswith("upstream."))


def test_simulate_script_counts_skipped_illegal_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "dam.yaml"
    script.write_text(
        "rounds:\n  - [upstream.build_dam]\n"
    )  # once per match: illegal after round 1
    report = _simulate(capsys, "--policy", f"upstream={script}")
    moves, skipped = report["moves"], report["skipped"]
    assert isinstance(moves, dict) and isinstance(skipped, dict)
    assert moves["upstream.build_dam"] == 20
    assert skipped["upstream.build_dam"] > 0


def test_simulate_refuses_a_bad_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "simulate",
                "--scenario",
                "tutorial",
                "--matches",
                "2",
                "--seed",
                "1",
                "--policy",
                "nobody=ai",
            ]
        )
        == 2
    )
    assert "SEAT=ai|hold|FILE" in capsys.readouterr().err


def test_simulate_prints_tables_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--scenario", "tutorial", "--matches", "3", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "Seats over 3 matches" in out and "Endings" in out


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Scenario" and "moves" in schema["properties"]


def test_simulate_script_with_wait_plays_a_move_when_it_becomes_legal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # fund_both rests a round after it is played: round 2's order is illegal
    lines = {"plain": "rounds:\n  - [council.fund_both]\n  - [council.fund_both]\n  - []\n"}
    lines["wait"] = lines["plain"] + "wait: true\n"
    reports = {}
    for name, text in lines.items():
        script = tmp_path / f"{name}.yaml"
        script.write_text(text)
        reports[name] = _simulate(capsys, "--policy", f"council={script}")
    plain, wait = (reports[k]["moves"]["council.fund_both"] for k in ("plain", "wait"))  # type: ignore[index]
    assert plain == 20 and wait > 30  # round 1, then (waiting) round 3 unless the match ended
    assert reports["plain"]["skipped"] == {"council.fund_both": 20}
    assert reports["wait"]["skipped"] == {}


def test_simulate_rate_moves_a_seats_own_effects_within_the_bound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    venezuela = ("--scenario", "venezuela-2021")
    convinced: Any = _simulate(capsys, *venezuela, "--rate", "us=1")
    unconvinced: Any = _simulate(capsys, *venezuela, "--rate", "us=-1")
    neutral: Any = _simulate(capsys, *venezuela)
    standing = [r["metrics"]["us_standing"]["final"]["mean"] for r in (convinced, unconvinced)]
    assert standing[0] > standing[1]
    points = [r["debate"]["us"]["points"]["mean"] for r in (convinced, neutral, unconvinced)]
    assert points[0] > points[1] > points[2]


def test_simulate_rate_refuses_a_rating_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--matches", "2", "--seed", "1", "--rate", "us=2"]) == 2
    assert "from -1 to 1" in capsys.readouterr().err
    assert main(["simulate", "--matches", "2", "--seed", "1", "--rate", "nobody=1"]) == 2


def test_simulate_with_workers_prints_the_same_report_as_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "dam.yaml"
    script.write_text("rounds:\n  - [upstream.build_dam]\n")  # skipped moves are counted too
    base = ["simulate", "--scenario", "tutorial", "--matches", "23", "--seed", "8", "--json"]
    base += ["--policy", f"upstream={script}", "--policy", "council=hold"]
    assert main(base) == 0
    one = capsys.readouterr().out
    assert main([*base, "--workers", "3"]) == 0
    assert capsys.readouterr().out == one
    assert json.loads(one)["skipped"]["upstream.build_dam"] > 0


def test_simulate_refuses_a_bad_worker_count(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["simulate", "--scenario", "tutorial", "--matches", "2", "--seed", "1"]
    assert main([*base, "--workers", "0"]) == 2
    assert "--workers must be between 1 and 64" in capsys.readouterr().err


@pytest.mark.parametrize(("matches", "workers"), [(1, 4), (7, 2), (23, 3), (100, 64)])
def test_worker_chunks_cover_every_match_once_in_order(matches: int, workers: int) -> None:
    parts = chunks(matches, workers)
    assert [i for part in parts for i in part] == list(range(matches))
    assert all(len(part) > 0 for part in parts)


def test_a_script_entry_may_be_conditional_on_another_seats_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "talks.yaml"
    script.write_text("rounds:\n  - [{move: upstream.talks, if: council.mediate}]\n")
    held = _simulate(capsys, "--policy", f"upstream={script}", "--policy", "council=hold")
    assert isinstance(held["moves"], dict) and held["moves"]["upstream.talks"] == 0
    mediate = tmp_path / "mediate.yaml"
    mediate.write_text("rounds:\n  - [council.mediate]\n")
    both = _simulate(capsys, "--policy", f"upstream={script}", "--policy", f"council={mediate}")
    assert isinstance(both["moves"], dict)
    assert both["moves"]["upstream.talks"] == both["moves"]["council.mediate"] > 0


def test_a_conditional_script_entry_must_name_a_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("rounds:\n  - [{move: upstream.talks, if: council.nothing}]\n")
    args = ["simulate", "--scenario", "tutorial", "--matches", "1", "--seed", "1", "--policy"]
    assert main([*args, f"upstream={script}"]) == 2
    assert "council.nothing" in capsys.readouterr().err
