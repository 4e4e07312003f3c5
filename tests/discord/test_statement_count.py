"""The Submit click is one use case: a pinned number of SQL statements and transactions.

Counted with SQLite's own trace callback on every connection of the store (``Store.trace``),
from the moment the click reaches the bot until the bot has answered and everything it started
(announcements included) has finished. Budgets (issue 10): a Submit that does not resolve the
round runs at most ``MAX_STATEMENTS`` statements in at most ``MAX_TRANSACTIONS`` transactions.
BEGIN/COMMIT are not counted as statements; a statement that fires triggers is counted once.
Measured: 15 statements in 5 transactions before issue 10, 6 in 2 after (``pytest -s`` prints
the figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.discord import transcript as t
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.result import Result

MAX_STATEMENTS = 12
MAX_TRANSACTIONS = 3
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@dataclass
class Count:
    """Statements seen by the trace callback."""

    lines: list[str] = field(default_factory=list)

    def __call__(self, statement: str) -> None:
        text = " ".join(statement.split())
        # SQLite reports each trigger a statement fires as that statement again: count it once
        if not self.lines or self.lines[-1] != text:
            self.lines.append(text)

    @property
    def transactions(self) -> int:
        """How many transactions were begun."""
        return sum(1 for s in self.lines if s.upper().startswith("BEGIN"))

    @property
    def statements(self) -> int:
        """Statements other than BEGIN / COMMIT / ROLLBACK."""
        return sum(1 for s in self.lines if not s.upper().startswith(CONTROL))

    def report(self) -> str:
        """Every statement, one a line (for a failing test's message)."""
        return "\n".join(self.lines)


async def counted_submit(h: Harness, user: FakeUser, panel: Sent) -> tuple[Result, Count]:
    """``user`` presses Submit on their panel; the statements it cost."""
    count = Count()
    store = h.runtime.services.store
    await store.trace(count)
    try:
        result = await h.click(user, panel, label="Submit")
    finally:
        await store.trace(None)
    return t.accepted(result), count


async def _round_one(h: Harness) -> tuple[FakeUser, FakeUser]:
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    return ana, ben


async def _panel_with_a_move(h: Harness, user: FakeUser) -> Sent:
    panel = await t.open_panel(h, user)
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list) and options
    await t.add_move(h, user, panel, str(options[0]["value"]), "an argument")
    return panel


async def test_a_submit_that_does_not_resolve_stays_within_its_budget(harness: Harness) -> None:
    h = harness
    ana, _ben = await _round_one(h)
    panel = await _panel_with_a_move(h, ana)
    _result, count = await counted_submit(h, ana, panel)
    print(f"non-resolving Submit: {count.statements} statements, {count.transactions} tx")
    assert count.statements <= MAX_STATEMENTS, count.report()
    assert count.transactions <= MAX_TRANSACTIONS, count.report()


async def test_the_last_submit_resolves_the_round(harness: Harness) -> None:
    """Not budgeted (resolution writes the round, the log and the announcements), but
    reported, so the figure in the closing note can be measured again."""
    h = harness
    ana, ben = await _round_one(h)
    await t.play_first_move(h, ana, "first")
    panel = await _panel_with_a_move(h, ben)
    result, count = await counted_submit(h, ben, panel)
    assert "resolved" in result.text
    print(f"resolving Submit: {count.statements} statements, {count.transactions} tx")
    assert count.transactions >= 2, "the round was written"
