"""Checks of a database a worker was killed in, and the uninterrupted reference run.

Each check reads the file with a fresh sqlite3 connection (what a restarted process would find)
and raises AssertionError naming what is wrong.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.cli.main import main
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.policies import AiPolicy
from bot.game.scenario import Scenario
from bot.game.state import MatchState, SeatOrders, canonical_json
from bot.scenarios import read_scenario
from bot.services import Services
from bot.services.models import SYSTEM, ReplayReport
from db.migrate import load_migrations
from tests.services.crash_worker import PLAYERS, argument, player_orders

SEATS = 3  # the tutorial's


@contextmanager
def connect(db: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to the file."""
    conn = sqlite3.connect(db)
    try:
        yield conn
    finally:
        conn.close()


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text().splitlines() if x.endswith("}")]


def check_integrity(conn: sqlite3.Connection) -> None:
    """SQLite's own check of the file."""
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def check_acks(conn: sqlite3.Connection, acks: Path) -> None:
    """Every acknowledged submission is stored as sent, and is what got locked."""
    latest: dict[tuple[int, int, str], int] = {}
    for ack in _lines(acks):
        row = conn.execute(
            "SELECT match_id, round, seat FROM submissions WHERE id = ?", (ack["submission"],)
        ).fetchone()
        assert row == (ack["match"], ack["round"], ack["seat"]), f"lost acknowledged {ack}"
        moves = conn.execute(
            "SELECT move, argument FROM submission_orders WHERE submission_id = ? ORDER BY slot",
            (ack["submission"],),
        ).fetchall()
        assert [list(m) for m in moves] == ack["moves"], f"changed acknowledged {ack}"
        key = (ack["match"], ack["round"], ack["seat"])
        latest[key] = max(latest.get(key, 0), ack["submission"])
    for (match_id, round_number, seat), sub_id in latest.items():
        live = conn.execute(
            "SELECT id FROM submissions WHERE match_id = ? AND round = ? AND seat = ? "
            "AND status IN ('current', 'locked')",
            (match_id, round_number, seat),
        ).fetchone()
        assert live is not None and live[0] >= sub_id, f"acknowledged orders dropped: {seat}"
        locked = conn.execute(
            "SELECT source, submission_id FROM locked_orders WHERE match_id = ? AND round = ? "
            "AND seat = ?",
            (match_id, round_number, seat),
        ).fetchone()
        assert locked is None or locked == ("players", live[0]), f"locked other orders: {seat}"


def _count(conn: sqlite3.Connection, sql: str, *params: Any) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def check_round(conn: sqlite3.Connection, match_id: int, number: int, resolved: bool) -> None:
    """A round is wholly resolved (round, orders, log, announcement) or wholly untouched."""
    m = match_id
    parts = {
        "round": _count(
            conn, "SELECT count(*) FROM rounds WHERE match_id=? AND round=?", m, number
        ),
        "locked": _count(
            conn, "SELECT count(*) FROM locked_orders WHERE match_id=? AND round=?", m, number
        ),
        "logged": _count(
            conn,
            "SELECT count(*) FROM match_log WHERE match_id=? AND round=? AND kind='round_resolved'",
            m,
            number,
        ),
        "announced": _count(
            conn,
            "SELECT count(*) FROM outbox WHERE match_id=? AND round=? AND kind='round_resolved'",
            m,
            number,
        ),
        "locked_subs": _count(
            conn,
            "SELECT count(*) FROM submissions WHERE match_id=? AND round=? AND status='locked'",
            m,
            number,
        ),
    }
    if resolved:
        whole = {"round": 1, "locked": SEATS, "logged": 1, "announced": 1}
        assert {k: v for k, v in parts.items() if k != "locked_subs"} == whole, (m, number, parts)
        current = "SELECT count(*) FROM submissions WHERE match_id=? AND round=? AND status=?"
        assert _count(conn, current, m, number, "current") == 0
    else:
        assert not any(parts.values()), f"match {m} round {number} half resolved: {parts}"


def check_matches(conn: sqlite3.Connection) -> list[int]:
    """Every match's rounds are whole or untouched and its state is its last round's."""
    ids = []
    for match_id, phase, number, state in conn.execute(
        "SELECT id, phase, round, state FROM matches ORDER BY id"
    ).fetchall():
        ids.append(match_id)
        if phase == "lobby":
            assert _count(conn, "SELECT count(*) FROM rounds WHERE match_id=?", match_id) == 0
            continue
        last = number if phase == "finished" else number - 1
        for r in range(1, last + 1):
            check_round(conn, match_id, r, resolved=True)
        if phase == "orders":
            check_round(conn, match_id, number, resolved=False)
        stored = conn.execute(
            "SELECT state FROM rounds WHERE match_id=? AND round=?", (match_id, last)
        ).fetchone()
        assert stored is not None and stored[0] == state, f"match {match_id}: state != round"
    return ids


def check_announcements(conn: sqlite3.Connection, sink: Path) -> None:
    """Nothing was announced that was not committed; what is marked sent was sent."""
    nonces = dict(conn.execute("SELECT nonce, sent_at FROM outbox").fetchall())
    shown = [line["nonce"] for line in _lines(sink)]
    assert len(shown) == len(set(shown)), "an announcement was shown twice"
    assert set(shown) <= set(nonces), "announced something that was never committed"
    sent = {n for n, at in nonces.items() if at is not None}
    assert sent <= set(shown), "marked sent but never sent"


def check_replays(db: Path, ids: list[int]) -> None:
    """``levers replay --match ID --verify`` passes for every match (in this process)."""
    for match_id in ids:
        assert main(["replay", "--match", str(match_id), "--db", str(db), "--verify"]) == 0


async def _verify_all(db: Path, ids: list[int]) -> list[ReplayReport]:
    services = await Services.open(db)
    try:
        return [await services.verify_replay(match_id, SYSTEM) for match_id in ids]
    finally:
        await services.close()


def check_replays_fast(db: Path, ids: list[int]) -> None:
    """What ``replay --verify`` checks, for every match through one ``Services``."""
    for report in asyncio.run(_verify_all(db, ids)):
        assert report.ok, report


def migrated(conn: sqlite3.Connection) -> bool:
    """False when the first start-up was killed while migrating: then nothing may exist."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = _count(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    if version == 0:
        assert tables == 0, "a migration was half applied"
        return False
    assert version == len(load_migrations())
    return True


def check_after_kill(db: Path, acks: Path, sink: Path) -> None:
    """Everything the crash tests require of a database after a kill."""
    with connect(db) as conn:
        check_integrity(conn)
        if not migrated(conn):
            assert not _lines(acks) and not _lines(sink)
            return
        check_acks(conn, acks)
        ids = check_matches(conn)
        check_announcements(conn, sink)
    check_replays_fast(db, ids)


def reference(scenario: Scenario, seed: int) -> list[MatchState]:
    """The states of an uninterrupted match with the worker's orders (round 0 first)."""
    state = new_match(scenario, round_rng(seed, 0)).state
    states = [state]
    while not state.finished:
        orders: dict[str, SeatOrders] = {}
        for seat in scenario.seat_ids:
            if seat in PLAYERS:
                orders[seat] = player_orders(scenario, state, seat, seed)
            else:
                orders[seat] = AiPolicy().orders(scenario, state, seat, seed)
        state = resolve_round(scenario, state, orders, round_rng(seed, state.round)).state
        states.append(state)
    return states


def check_complete(db: Path, sink: Path, seed: int, matches: int) -> None:
    """After a run that was not killed: every match equals the uninterrupted reference, and
    every announcement was shown exactly once."""
    scenario = read_scenario("tutorial")[0]
    with connect(db) as conn:
        rows = conn.execute("SELECT id, seed, phase FROM matches ORDER BY id").fetchall()
        assert [(r[1], r[2]) for r in rows] == [(seed + i, "finished") for i in range(matches)]
        for match_id, match_seed, _phase in rows:
            stored = conn.execute(
                "SELECT state FROM rounds WHERE match_id = ? ORDER BY round", (match_id,)
            ).fetchall()
            expected = [canonical_json(s.to_dict()) for s in reference(scenario, match_seed)]
            assert [s[0] for s in stored] == expected, f"match {match_id} differs"
            args = conn.execute(
                "SELECT DISTINCT o.argument FROM submission_orders o JOIN submissions s "
                "ON s.id = o.submission_id WHERE s.match_id = ? AND s.round = 1",
                (match_id,),
            ).fetchall()
            assert all(a[0].startswith(argument(match_id, 1, "")[:6]) for a in args)
        pending = _count(conn, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        assert pending == 0, "announcements left unsent"
        total = _count(conn, "SELECT count(*) FROM outbox")
    assert len(_lines(sink)) == total, "not every announcement was shown exactly once"
    check_replays(db, [r[0] for r in rows])


class Zygote:
    """The forking worker server (``python -m tests.services.crash_worker``)."""

    def __init__(self, log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.services.crash_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )

    def _ask(self, line: str) -> list[str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().split()

    def run(self, config: dict[str, Any]) -> int:
        """Fork a worker; return its pid."""
        return int(self._ask("run " + json.dumps(config))[1])

    def reap(self) -> int:
        """Wait for the last worker; return its exit status (-9: SIGKILL)."""
        return int(self._ask("reap")[2])

    def close(self) -> None:
        """Stop the zygote."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.log.close()
