"""The sandbox's child process: check one uploaded file under resource limits and report back.

``zygote.py`` forks a fresh process per file and calls ``run`` in it (the validator and the
engine are already imported). The child limits its own address space, CPU time and file writes
before it touches the file, then writes JSON messages, one per line, to its pipe, in order:

- ``{"kind": "invalid", "problems": [...], "more": N}`` and stops, or
- ``{"kind": "valid", "summary": {...}, "warnings": [...]}`` once the file has loaded and a test
  match with the AI in every seat has been played, then, if a lint was asked for,
  ``{"kind": "lint", "stats": {...}, "warnings": [...]}``;
- ``{"kind": "memory"}`` when it ran out of memory, ``{"kind": "failed", "error": NAME}`` when the
  checker itself broke (a bug: the file is refused all the same).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import resource
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot import collector
from bot.game.match import play_match
from bot.game.scenario import Scenario
from bot.game.validate import Problem, ScenarioInvalid, load_scenario_report
from bot.library.lint import LintPart, collect_part, lint
from bot.library.results import Summary, problem_to_dict

MAX_PROBLEMS = 200  # problems sent back; the rest are only counted
SMOKE_SEED = 2021
# Processes the lint spreads its matches over (the child and forked helpers): the machine's
# cores, at most 4. ``/scenario check`` with 1,000 matches must answer within 10 s.
LINT_WORKERS = max(1, min(4, os.cpu_count() or 1))
SLICE = 25  # matches a helper plays between checks that the child is still there


@dataclass(frozen=True)
class Job:
    """Everything the child needs: the file, its limits and what to run."""

    raw: bytes
    filename: str
    memory_mb: int
    cpu_seconds: int
    lint_matches: int = 0
    lint_seed: int = 0


def limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time; forbid file writes and core dumps."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU (which ends the process), the hard one SIGKILL a second later.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.dont_write_bytecode = True


def _smoke(scenario: Scenario) -> Problem | None:
    """Play one whole match with the AI in every seat; a failure refuses the file."""
    try:
        play_match(scenario, SMOKE_SEED)
    except MemoryError:
        raise
    except Exception as err:  # the engine broke on a valid file: refuse it, say how
        return Problem("", f"a test match with the AI in every seat failed: {err!s:.200}")
    return None


def _helper(fd: int, scenario: Scenario, indices: range, seed: int, parent: int) -> None:
    """A forked helper's work: its run of matches, in slices; the parts pickled to ``fd``.

    It stops early when the child that forked it is gone (killed at its time limit)."""
    part: LintPart | None = None
    for start in range(indices.start, indices.stop, SLICE):
        if os.getppid() != parent:
            return
        piece = collect_part(scenario, range(start, min(start + SLICE, indices.stop)), seed)
        if part is None:
            part = piece
        else:
            part.extend(piece)
    view = memoryview(pickle.dumps(part))
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def forked_parts(scenario: Scenario, ranges: list[range], seed: int) -> list[LintPart]:
    """``collect_part`` of every range, the first here and the others in forked helpers (the
    engine is already imported; their resource limits are this process's). A helper that fails
    (out of memory, say) has its range played here instead, so the answer is always whole."""
    parent = os.getpid()
    helpers: list[tuple[int, int, range]] = []
    for indices in ranges[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(read_end)
                _helper(write_end, scenario, indices, seed, parent)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_end)
        helpers.append((pid, read_end, indices))
    parts = [collect_part(scenario, ranges[0], seed)]
    for pid, read_end, indices in helpers:
        data = _read_all(read_end)
        os.close(read_end)
        _pid, status = os.waitpid(pid, 0)
        found = pickle.loads(data) if data and status == 0 else None
        parts.append(
            found if isinstance(found, LintPart) else collect_part(scenario, indices, seed)
        )
    return parts


def _invalid(problems: list[Problem]) -> dict[str, Any]:
    return {
        "kind": "invalid",
        "problems": [problem_to_dict(p) for p in problems[:MAX_PROBLEMS]],
        "more": max(0, len(problems) - MAX_PROBLEMS),
    }


def check(job: Job) -> Iterator[dict[str, Any]]:
    """The messages for one file, in the order the module docstring gives."""
    try:
        scenario, found = load_scenario_report(job.raw, job.filename)
    except ScenarioInvalid as err:
        yield _invalid(err.problems)
        return
    failed = _smoke(scenario)
    if failed is not None:
        yield _invalid([failed])
        return
    yield {
        "kind": "valid",
        "summary": Summary.of(scenario).to_dict(),
        "warnings": [problem_to_dict(p) for p in found[:MAX_PROBLEMS]],
    }
    if job.lint_matches > 0:
        spread = (LINT_WORKERS, forked_parts)
        stats, warnings = lint(scenario, job.raw, job.lint_matches, job.lint_seed, spread=spread)
        yield {
            "kind": "lint",
            "stats": stats.to_dict(),
            "warnings": [problem_to_dict(p) for p in warnings[:MAX_PROBLEMS]],
        }


def _send(fd: int, message: dict[str, Any]) -> None:
    """Write one message as a line of ASCII JSON."""
    view = memoryview(json.dumps(message).encode("ascii") + b"\n")
    while view:
        view = view[os.write(fd, view) :]


def run(fd: int, job: Job) -> None:
    """The child's work: limit resources, check, and write every message to ``fd``.

    The caller exits the process afterwards, which closes ``fd`` (the end of the messages).
    """
    try:
        limit_resources(job.memory_mb, job.cpu_seconds)
        collector.quiet()
        for message in check(job):
            _send(fd, message)
    except MemoryError:
        with contextlib.suppress(Exception):
            _send(fd, {"kind": "memory"})
    except Exception as err:  # a bug in the checker: report its type, never the file's text
        with contextlib.suppress(Exception):
            _send(fd, {"kind": "failed", "error": type(err).__name__})
