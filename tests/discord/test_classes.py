"""A class run, as a transcript: a teacher spreads a role over three groups and compares them.

The bot runs with the Server Members intent (``LEVERS_MEMBERS_INTENT=1``), so the server's
members come in GUILD_CREATE (and GUILD_MEMBER_ADD for one who joins later) through discord.py's
own parsers. Tess, a moderator, runs ``/class new groups:3 role:@Class``: three lobbies with the
same scenario and seed, the role's thirteen students (its bot left out) spread over the groups
and seats, and one post per group mentioning its students only. The groups play their round
(one group's student adds a move); ``/class compare`` is refused until every group is over, then
puts them side by side with a chart, and ``/class export`` gives the gradebook (a row per
student) and the class report. Then the refusals: no intent, no members, bad input.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.conftest import make_settings
from tests.discord.fake.payloads import FakeRole, FakeUser
from tests.discord.harness import Harness
from tests.discord.second_server import add_server
from tests.discord.test_refusals import refused


@pytest.fixture
async def with_members(tmp_path: Path) -> AsyncIterator[tuple[Harness, FakeRole, list[FakeUser]]]:
    """The bot with the Server Members intent, in a server whose @Class role has 12 students
    and a bot."""
    settings = make_settings(tmp_path).model_copy(update={"members_intent": True})
    h = Harness(settings)
    role = FakeRole("Class")
    h.roles.append(role)
    students = [FakeUser(f"Student{i:02d}", roles=[role.id]) for i in range(12)]
    h.members += [*students, FakeUser("Helper bot", roles=[role.id], bot=True), h.user("Other")]
    await h.start()
    try:
        yield h, role, students
        await h.settle()
    finally:
        await h.stop()
    assert not h.http.failures, f"the bot broke Discord's rules: {h.http.failures}"
    logged = [f"{r.name}: {r.getMessage()}" for r in h.errors.records]
    assert not logged, f"errors were logged: {logged}"


def _lobbies(h: Harness) -> list[object]:
    return [m for m in h.channel_messages(h.channel_id) if "Lobby" in m.text()]


async def test_a_class_of_three_groups_from_a_role_through_to_compare(
    with_members: tuple[Harness, FakeRole, list[FakeUser]],
) -> None:
    h, role, students = with_members
    late = FakeUser("Latecomer", roles=[role.id])
    h.join(late)  # GUILD_MEMBER_ADD: the cache has them too
    students = [*students, late]
    tess = h.user("Tess", moderator=True)

    made = await h.slash(
        tess, "class new", groups=3, team_size=2, role=role, rounds=1, deadline=5, seed=77
    )
    assert made.ephemeral and "Class run 1 is open with 3 groups" in made.text
    assert "13 members of Class" in made.text

    lobbies = [m for m in h.channel_messages(h.channel_id) if "Lobby" in m.text()]
    assert len(lobbies) == 3
    posts = [m for m in h.channel_messages(h.channel_id) if "Class run 1 · " in m.content]
    assert len(posts) == 3, "one seating post per group"
    told: dict[int, int] = {}
    for group, post in enumerate(posts, start=1):
        allowed = {int(u) for u in h.http.requests_for(post.id)["allowed_mentions"]["users"]}
        body = h.http.requests_for(post.id)["allowed_mentions"]
        assert body.get("parse", []) == [] and not body.get("roles"), "no role or mass ping"
        mentioned = {s.id for s in students if s.mention in post.content}
        assert allowed == mentioned, "pings are allowed to exactly the students named"
        for user in mentioned:
            told[user] = group
    assert set(told) == {s.id for s in students}, "every student (no bot) is told where"
    sizes = sorted(list(told.values()).count(g) for g in (1, 2, 3))
    assert sizes == [4, 4, 5], "groups differ by at most one student"

    matches = [await h.runtime.services.matches.get(m, SYSTEM) for m in (1, 2, 3)]
    assert {m.seed for m in matches} == {77} and len({m.scenario_sha256 for m in matches}) == 1
    for match in matches:
        counts = [len(s.holders) for s in match.seats]
        assert max(counts) - min(counts) <= 1, "a group's seats are filled evenly"
        assert match.host == str(tess.id)

    refused(await h.slash(tess, "class compare"), "still playing")
    for lobby in lobbies:
        assert isinstance(lobby, type(posts[0]))
        await h.click(tess, lobby, label="Start")
    status = await h.slash(students[0], "class status", **{"class": 1})
    assert "**Group 3** · match 3: Round 1" in status.text and "of 1 · 4 players" in status.text

    # In group 1 one student adds a move; the deadline then locks every draft as it stands.
    first = next(s for s in students if told[s.id] == 1)
    thread = int(await h.runtime.threads.of_match(1) or 0)
    briefing = next(
        m
        for m in h.channel_messages(thread)
        if any(c.get("label") == "Orders" for c in m.components())
    )
    panel = (await h.click(first, briefing, label="Orders")).message
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(h, first, panel, str(options[0]["value"]), "Group one's case")
    await h.advance(5 * 60 + 1)
    for number in (1, 2, 3):
        assert (await h.runtime.services.matches.get(number, SYSTEM)).finished

    compared = await h.slash(tess, "class compare", **{"class": 1})
    text = compared.text
    for expected in ("Class run 1", "Group 1 (match 1", "Group 3 (match 3", "policy scores"):
        assert expected in text, expected
    assert "Moves that differed most" in text or "the same moves" in text
    files = compared.message.files
    assert list(files) == ["levers-class-1-scores.png"] and files["levers-class-1-scores.png"]

    exported = await h.slash(students[3], "class export")
    files = exported.message.files
    assert sorted(files) == [
        "levers-class-1-gradebook.csv",
        "levers-class-1.html",
        "levers-class-1.md",
    ]
    rows = list(csv.DictReader(io.StringIO(files["levers-class-1-gradebook.csv"].decode())))
    assert sorted(int(r["player"]) for r in rows) == sorted(s.id for s in students)
    assert {int(r["group"]) for r in rows} == {1, 2, 3}
    author = next(r for r in rows if int(r["player"]) == first.id)
    assert author["arguments"] == "1"
    assert "# Class run 1" in files["levers-class-1.md"].decode()
    assert "Content-Security-Policy" in files["levers-class-1.html"].decode()

    conn = sqlite3.connect(h.settings.database)
    try:
        held = conn.execute("SELECT class_id, grp, match_id FROM class_matches").fetchall()
    finally:
        conn.close()
    assert sorted(held) == [(1, 1, 1), (1, 2, 2), (1, 3, 3)], "one class run with its matches"


async def test_class_refusals_without_the_members_intent(harness: Harness) -> None:
    h = harness
    tess = h.user("Tess", moderator=True)
    no_intent = await h.slash(tess, "class new", groups=2, role=h.roles[0])
    refused(no_intent, "Server Members")
    assert "LEVERS_MEMBERS_INTENT=1" in no_intent.text and "without a role" in no_intent.text
    assert not _lobbies(h), "nothing was opened"
    refused(await h.slash(tess, "class status", **{"class": 5}), "no class run 5")
    refused(await h.slash(tess, "class compare"), "no class run yet")

    made = await h.slash(tess, "class new", groups=2)  # without a role, students seat themselves
    assert "Students take their seats in the lobbies themselves" in made.text
    assert len(_lobbies(h)) == 2

    b = add_server(h)  # another server's moderator: class run 1 is not theirs
    for command in ("class status", "class compare", "class export"):
        answer = await h.slash(b.moderator, command, channel_id=b.channel_id, **{"class": 1})
        refused(answer, "no class run 1 in this server")


async def test_class_refusals_with_the_intent(
    with_members: tuple[Harness, FakeRole, list[FakeUser]],
) -> None:
    h, role, _students = with_members
    tess = h.user("Tess", moderator=True)
    empty = FakeRole("Nobody")
    refused(await h.slash(tess, "class new", groups=2, role=empty), "no members of Nobody")
    too_many = await h.slash(tess, "class new", groups=2, role=role, rounds=1, scenario="tutorial")
    refused(too_many, "do not fit")
    assert not _lobbies(h), "nothing was opened"
