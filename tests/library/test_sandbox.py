"""The sandbox: uploads are checked in a separate process, within time and memory limits."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from bot.library import checker, sandbox
from bot.library.checker import CHECKER, Ticket
from bot.library.lint import BalanceStats
from bot.library.results import CheckResult, Summary
from tests.library import corpus
from tests.library.helpers import check_while_ticking
from tests.library.scenarios import LOPSIDED, MIRROR

SLOW = next(c.raw for c in corpus.generated() if c.name == "slowest-parse.yaml")


def _server_pid() -> int:
    server = CHECKER._server
    assert server is not None, "the check server is not running"
    return server.process.pid


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (zombies excluded), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


async def test_a_valid_file_is_summarised() -> None:
    timed = await check_while_ticking(LOPSIDED.encode(), "lopsided.yaml")
    result = timed.result
    assert result.ok and result.problems == ()
    assert result.summary == Summary(
        scenario_id="lopsided",
        title="Lopsided",
        version="1.0",
        author="Levers tests",
        rounds=3,
        seats=result.summary.seats if result.summary else (),
        moves=4,
        metrics=3,
        events=1,
        endings=1,
    )
    assert [(s.id, s.name, s.moves) for s in result.summary.seats] == [
        ("north", "North", 3),
        ("south", "South", 1),
    ]
    assert result.balance is None and result.warnings == ()
    assert result.size == len(LOPSIDED.encode()) and len(result.sha256) == 64
    assert timed.elapsed < 2.0 and timed.max_gap < 0.25  # the issue allows 2 s per file


async def test_the_lint_runs_in_the_sandbox_when_asked() -> None:
    result = await sandbox.check_upload(LOPSIDED.encode(), "lopsided.yaml", lint_matches=30)
    assert result.ok and isinstance(result.balance, BalanceStats)
    assert result.balance.matches == 30
    assert result.balance.win_share("north") == 1.0
    paths = {w.path for w in result.warnings}
    assert {"seats[0]", "seats[1]", "moves[0]", "moves[1]", "moves[2]"} <= paths
    assert all(w.severity == "warning" and w.line for w in result.warnings)


async def test_a_file_over_the_time_limit_is_stopped_and_its_process_killed() -> None:
    # 10 ms: well under what reading and parsing the densest allowed file takes even with
    # libyaml (about 0.1 s here), so the limit is what stops it on any machine.
    timed = await check_while_ticking(SLOW, "slow.yaml", time_limit=0.01)
    assert not timed.result.ok
    assert (
        timed.result.problems[0].message
        == "checking the file took longer than 0.01 s and was stopped"
    )
    assert timed.elapsed < 2.0 and timed.max_gap < 0.25  # the issue allows 2 s per file
    deadline = time.monotonic() + 2
    while _children(_server_pid()) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert _children(_server_pid()) == []


async def test_a_file_needing_more_memory_than_allowed_is_refused() -> None:
    result = await sandbox.check_upload(SLOW, "big.yaml", memory_mb=20, time_limit=5)
    assert not result.ok
    assert "MB of memory" in result.problems[0].message


async def test_a_slow_lint_leaves_the_file_valid_with_a_warning() -> None:
    # 20 ms: the fast engine, spread over the check's helpers, now plays this small file's
    # 1,000 matches in about 0.2 s, so a 0.2 s limit no longer always stops it
    result = await sandbox.check_upload(
        LOPSIDED.encode(), "lopsided.yaml", lint_matches=1000, lint_time_limit=0.02
    )
    assert result.ok and result.lint_stopped and result.balance is None
    assert result.warnings[-1].message == (
        "the balance check took longer than 0.02 s and was stopped; the file itself is valid"
    )


async def test_many_uploads_at_once_are_all_checked() -> None:
    files = [LOPSIDED.encode(), MIRROR.encode(), b"a: &x 1\n"] * 3
    results = await asyncio.gather(*(sandbox.check_upload(f, "f.yaml") for f in files))
    assert [r.ok for r in results] == [True, True, False] * 3


async def test_the_check_server_is_restarted_after_it_dies() -> None:
    os.kill(_server_pid(), signal.SIGKILL)  # the server this test session started
    await asyncio.sleep(0.1)
    result = await sandbox.check_upload(MIRROR.encode(), "mirror.yaml")
    assert result.ok


def test_the_check_server_gets_no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret")
    environment = checker._environment()
    assert "DISCORD_TOKEN" not in environment
    assert environment["PYTHONPATH"].split(os.pathsep)[0] == str(checker.ROOT)


def test_the_declared_size_is_checked_before_downloading() -> None:
    assert sandbox.size_problem(1) is None
    assert sandbox.size_problem(sandbox.MAX_UPLOAD_BYTES) is None
    too_big = sandbox.size_problem(sandbox.MAX_UPLOAD_BYTES + 1)
    assert too_big is not None and too_big.line == 1
    empty = sandbox.size_problem(0)
    assert empty is not None and empty.message == "the file is empty"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("cuba.yaml", "cuba.yaml"),
        ("../../etc/passwd", "passwd"),
        ("@everyone <@&1>.yaml", "everyone_1_.yaml"),
        ("café thaw.yaml", "caf_thaw.yaml"),
        ("", "scenario.yaml"),
        ("x" * 300, "x" * 80),
    ],
)
def test_filenames_are_made_safe_to_show(name: str, clean: str) -> None:
    assert sandbox.clean_filename(name) == clean


async def test_the_result_names_the_cleaned_file() -> None:
    result = await sandbox.check_upload(b"a: &x 1\n", "<@&1> bomb.yaml")
    assert result.filename == "1_bomb.yaml"
    assert result.problems[0].format(result.filename).startswith("1_bomb.yaml:1: ")


def test_lint_match_counts_are_bounded() -> None:
    with pytest.raises(ValueError, match="lint_matches"):
        asyncio.run(sandbox.check_upload(b"a: 1\n", "a.yaml", lint_matches=10**6))


def test_a_result_is_ok_only_with_a_summary_and_no_problems() -> None:
    base = CheckResult("f.yaml", "0" * 64, 1)
    assert not base.ok


class _Replies(Ticket):
    """A ticket whose replies are given up front (no process)."""

    def __init__(self, *replies: bytes | None) -> None:
        super().__init__(0)
        for reply in replies:
            self.replies.put(reply)


def _collected(*replies: bytes | None, lint: bool = False) -> CheckResult:
    run = sandbox._Run(CheckResult("f.yaml", "0" * 64, 1), lint=lint, memory_mb=64)
    sandbox._collect(run, _Replies(*replies), (0.2, 0.2))
    return run.result(time.monotonic())


VALID = (
    b'{"kind": "valid", "warnings": [], "summary": {"scenario_id": "a", "title": "A", '
    b'"version": "1", "author": "x", "rounds": 1, "seats": [], "moves": 1, "metrics": 1, '
    b'"events": 0, "endings": 0}}'
)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b'{"kind": "failed", "error": "KeyError"}', "failed inside the checker (KeyError)"),
        (b'{"kind": "memory"}', "needed more than 64 MB of memory and was stopped"),
        (b"exit -9", "used up its CPU time and was stopped"),
        (b"exit -6", "stopped unexpectedly (it probably ran out of its 64 MB of memory)"),
        (b"exit 3", "stopped unexpectedly (exit code 3)"),
        (None, "stopped unexpectedly (the check server stopped)"),
    ],
)
def test_every_way_a_check_can_end_badly_reads_as_a_refusal(
    reply: bytes | None, message: str
) -> None:
    result = _collected(reply)
    assert not result.ok and result.problems[0].message == f"checking the file {message}"


def test_a_lint_that_ends_badly_leaves_the_file_valid() -> None:
    result = _collected(VALID, b"exit -9", lint=True)
    assert result.ok and result.lint_stopped
    assert result.warnings[0].message == (
        "the balance check used up its CPU time and was stopped; the file itself is valid"
    )


def test_a_check_that_sends_nothing_times_out() -> None:
    result = _collected()
    assert result.problems[0].message == "checking the file took longer than 0.2 s and was stopped"
