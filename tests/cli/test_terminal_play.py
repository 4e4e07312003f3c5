"""``levers play --seat us`` through a whole match on a real pseudo-terminal, key by key.

Round 1 takes a wrong key, an empty Enter, ``?``, a move with its argument and a confirmation;
round 2 is left with Ctrl-D after a move was chosen; ``levers resume`` finds that move in the
draft, answers the United States' event decision in round 5 and plays to the debrief. The store
is checked afterwards: what was typed is what was submitted.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.terminal import Terminal

PROMPT = r"Your choice \(a number, 0 to submit, \? for help\): "
MULTILATERAL, OUTREACH = "13", "17"  # us.multilateral_diplomacy, us.latino_outreach
FIRST_ARGUMENT = "Partners who act together are harder to ignore."
SECOND_ARGUMENT = "Say at home what we are doing, before others say it for us."


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.kill()


def _start(terminals: list[Terminal], *args: str) -> Terminal:
    terminal = Terminal(*args)
    terminals.append(terminal)
    return terminal


def _submitted(db: Path, round_number: int) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT o.move, o.argument FROM submissions s JOIN submission_orders o "
            "ON o.submission_id = s.id WHERE s.round = ? AND s.seat = 'us' "
            "AND s.status IN ('current', 'locked')",
            (round_number,),
        ).fetchall()
    finally:
        conn.close()
    return [(str(m), str(a)) for m, a in rows]


def _decisions(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        found = conn.execute("SELECT group_concat(records, '') FROM rounds").fetchone()[0]
    finally:
        conn.close()
    return str(found)


def _round_one(t: Terminal) -> None:
    t.expect(r"You are United States")
    t.expect(r"Your goals")
    t.expect(r"Secret objective")
    t.expect(r"Where this comes from: ")
    t.expect(r"United States: where you stand")
    t.expect(PROMPT)
    t.type("x")  # a wrong key: told so, nothing else changes
    t.expect(r"Not a choice: 'x'\. Type a move's number \(1-23\), 0 to submit, or \? for help\.")
    t.expect(PROMPT)
    before_enter = t.seen
    t.type("")  # an empty Enter: nothing but the prompt again
    t.expect(PROMPT)
    t.type("?")
    t.expect(r"Type a move's number to order it")
    shown_after_enter = t.screen[before_enter : t.seen]
    assert "Not a choice" not in shown_after_enter and "Your moves" not in shown_after_enter
    t.expect(PROMPT)
    t.type(MULTILATERAL)
    t.expect(r"Your argument: ")
    t.type(FIRST_ARGUMENT)
    t.expect(r"Add a forecast\? \(y/N\): ")
    t.type("y")  # a forecast typed at the keyboard (issue 13)
    t.expect(r"11\) International coordination")
    t.expect(r"Which metric \(1-18\): ")
    t.type("11")
    t.expect(r"Up or down\? \(u/d\): ")
    t.type("u")
    t.expect(r"By when\? ")
    t.type("0")
    t.expect(r"Your moves: 2 of 3 AP left")
    t.expect(r"✓ 13\) Multilateral diplomacy \(1 AP\) “Partners who act together")
    t.expect(r"17\) Latino outreach \(1 AP\)")  # the numbers did not move
    t.expect(PROMPT)
    t.type("0")
    t.expect(r"You have 2 AP unspent\.")
    t.expect(r"Submit anyway\? \(y/n\): ")
    t.type("y")
    t.expect(r"Orders in for United States\.")


RATING = r"      Your rating: "


def _rate_round_one(t: Terminal) -> None:
    """Open debate: the intentions, then the United States rates every other seat's moves."""
    t.expect(r"The intentions: rate each argument's plausibility")
    t.expect(r"United States: Multilateral diplomacy")
    t.expect(r"United States rates \(-2 implausible … \+2 convincing, Enter for 0\)")
    t.expect(r"Maduro government: ")
    t.expect(r"forecast: ")  # the AI argues with a forecast
    t.expect(RATING)
    t.type("5")
    t.expect(r"A whole number from -2 to 2, or Enter for 0\.")
    t.expect(RATING)
    t.type("+2")
    while t.expect_any(RATING, r"Round 1 \(Q1 2021\): the reveal")[0] == 0:
        t.type("")  # Enter: 0


def _finish(t: Terminal) -> int:
    """Submit whatever is in each round, answering any decision with its first option."""
    decisions = 0
    while True:
        index, _found = t.expect_any(
            PROMPT,
            r"Submit anyway\? \(y/n\): ",
            r"Your answer \(1-2, \? for help\): ",
            "Debrief",
            RATING,
        )
        if index == 0:
            t.type("0")
        elif index == 4:
            t.type("")
        elif index == 1:
            t.type("y")
        elif index == 2:
            decisions += 1
            t.type("1")
        else:
            return decisions


def test_a_whole_match_at_the_keyboard_with_ctrl_d_and_resume(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    db = tmp_path / "levers.db"
    t = _start(terminals, "play", "--seat", "us", "--seed", "7", "--db", str(db))
    _round_one(t)
    _rate_round_one(t)

    t.expect(r"United States: Multilateral diplomacy \(1 AP\)")
    t.expect(r"Why the numbers moved")
    t.expect(r"Ratings")
    # The forecast typed at the keyboard agrees with what the AI seats expect of the move, so
    # they rate it +1 (an argument without a forecast gets 0): its effects grow by 15%.
    t.expect(r"United States, Multilateral diplomacy: rated \+0\.50: its effects x1\.15")
    t.expect(r"Maduro government, [^:]+: rated \+0\.50: its effects x1\.15")
    t.expect(r"Forecasts")
    t.expect(
        r"United States, Multilateral diplomacy: forecast: International coordination ↑ up "
        r"this round: came true"
    )
    t.expect(r"Scoreboard \(goals so far\)")
    t.expect(r"Debate points")  # beside the scores, never summed
    t.expect(r"Round 2 \(Q2 2021\)")
    t.expect(PROMPT)
    t.type(OUTREACH)
    t.expect(r"Your argument: ")
    t.type(SECOND_ARGUMENT)
    t.expect(r"Add a forecast\? \(y/N\): ")
    t.type("")  # Enter: none
    t.expect(r"✓ 17\) Latino outreach")
    t.expect(PROMPT)
    t.key(b"\x04")  # Ctrl-D at the prompt
    t.expect(r"The match is saved and your orders so far are kept as a draft\.")
    t.expect(rf"To go on: levers resume --match 1 --db {re.escape(str(db))}")
    assert t.wait() == 1
    assert "Traceback" not in t.screen
    assert _submitted(db, 1) == [("us.multilateral_diplomacy", FIRST_ARGUMENT)]
    assert _submitted(db, 2) == []

    r = _start(terminals, "resume", "--match", "1", "--db", str(db))
    r.expect(r"Round 2 \(Q2 2021\)")
    r.expect(r"Your draft is restored")
    r.expect(r"✓ 17\) Latino outreach \(1 AP\) “Say at home what we are doing")
    decisions = _finish(r)
    assert decisions == 1  # the War in Ukraine, put to the United States in round 5
    r.expect(r"Final scores against each seat's goals")
    r.expect(r"Questions for discussion")
    assert r.wait() == 0, r.tail()
    assert "Traceback" not in r.screen
    assert r.screen.count("The last round is over.") <= 1
    assert _submitted(db, 2) == [("us.latino_outreach", SECOND_ARGUMENT)]
    assert "decision:ukraine_war.send_envoys" in _decisions(db)
    assert "Final state, nothing hidden" in r.screen


def test_ctrl_c_at_a_prompt_exits_130_without_a_traceback(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    db = tmp_path / "levers.db"
    t = _start(terminals, "play", "--seat", "us", "--seed", "3", "--db", str(db))
    t.expect(PROMPT)
    t.type(MULTILATERAL)
    t.expect(r"Your argument: ")
    t.key(b"\x03")  # Ctrl-C while writing the argument
    t.expect(r"levers resume --match 1")
    assert t.wait() == 130
    assert "Traceback" not in t.screen
