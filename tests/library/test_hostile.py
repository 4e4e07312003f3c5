"""Issue 6, part 4: every hostile file is refused, readably, within 2 s, with nothing stored,
while the event loop keeps answering (a ticker coroutine measures it during each check)."""

from __future__ import annotations

import re

import pytest

from bot.library import report, sandbox
from bot.library.checker import CHECKER
from bot.library.worker import Job
from tests.library import corpus
from tests.library.helpers import assert_within_discord_limits, check_while_ticking

CASES = corpus.all_cases()
TIME_BUDGET = 2.0  # seconds, from the issue
MAX_GAP = 0.25  # the longest the event loop may go without running the ticker


def test_the_corpus_has_at_least_50_files_and_every_committed_file_is_described() -> None:
    on_disk = {p.name for p in corpus.HOSTILE.iterdir()}
    assert on_disk == set(corpus.COMMITTED)
    assert len(on_disk) >= 50
    assert len(CASES) == len({c.name for c in CASES}) >= 70
    # Committed files stay small; the big ones are generated.
    assert max(len(c.raw) for c in corpus.committed()) < 4096


def _plain(text: str) -> str:
    """Text as a reader sees it: without Markdown escapes and the zero-width space after @."""
    return text.replace("\\", "").replace("@\u200b", "@")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_file_is_refused_readably_in_time(case: corpus.Case) -> None:
    timed = await check_while_ticking(case.raw, case.name)
    result = timed.result
    # Refused, and nothing that could be stored came back.
    assert not result.ok
    assert result.summary is None and result.balance is None and result.warnings == ()
    first = result.problems[0]
    assert re.search(case.expect, first.message), first.message
    if case.line is not None:
        assert first.line == case.line, first.format(case.name)
    # Readable: printable text, and a report that fits Discord and quotes the message.
    assert all(p.message.isprintable() for p in result.problems)
    reply = report.refusal(result)
    assert_within_discord_limits(reply)
    assert any(_plain(first.message[:40]) in _plain(f.value) for f in reply.embed.fields)
    # In time, and the event loop never stalled.
    assert timed.elapsed < TIME_BUDGET, f"{timed.elapsed:.2f} s"
    assert timed.max_gap < MAX_GAP, f"the event loop stalled for {timed.max_gap:.3f} s"


async def test_a_huge_file_is_refused_by_its_declared_size_without_starting_a_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_process(job: Job) -> None:
        raise AssertionError("a check process must not start for an oversized file")

    monkeypatch.setattr(CHECKER, "submit", no_process)
    declared = 10 * 1024 * 1024
    problem = sandbox.size_problem(declared)
    assert problem is not None
    assert problem.message == "the file is 10485760 bytes; the limit is 262144 bytes"
    result = await sandbox.check_upload(b"x" * declared, "big.yaml")
    assert not result.ok and result.problems == (problem,)
    assert sandbox.size_problem(sandbox.MAX_UPLOAD_BYTES) is None


async def test_hundreds_of_problems_are_capped_and_counted() -> None:
    case = next(c for c in CASES if c.name == "many-unknown-fields.yaml")
    result = await sandbox.check_upload(case.raw, case.name)
    assert len(result.problems) == 200 and result.more == 200
    reply = report.refusal(result)
    assert reply.attachment is not None
    assert "400 problems" in reply.embed.description
    assert reply.attachment.text.count("unknown field") == 200
