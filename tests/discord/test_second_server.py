"""Two servers: nothing one server does reaches the other's matches, library or settings.

Server A (the harness's own) has match 1 running (Ana and Ben seated, Ana's orders in), match 2
in its lobby, class run 1 (matches 3 and 4), and a scenario (``cuba-thaw``) in its library. From
server B, its moderator Mb runs
**every** slash command and uses **every** component action, naming A's matches and scenario:
each is refused as *not found* (or, for commands about B's own things, answered with B's alone),
A's rows in the store are unchanged, and nothing is posted or edited in A's channels.

The tables are checked against the running bot: a command or a component action added later
without a row here fails ``test_every_command_has_a_case`` / ``test_every_action_has_a_case``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from discord import app_commands

from bot.discord.components import router_of
from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.harness import Harness
from tests.discord.result import Result
from tests.discord.second_server import (
    Server,
    add_server,
    button,
    in_direct_message,
    plant,
    select,
)
from tests.discord.test_library import CUBA

Values = Callable[[Server], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """A command run from server B: its options, and whether it must be refused as not found
    (else it is about B's own things and must show nothing of A)."""

    values: Values = field(default=lambda _b: {})
    refused: bool = True


OWN = Case(refused=False)
COMMANDS: dict[str, Case] = {
    "match new": OWN,
    "match status": Case(lambda b: {"match": 1}),
    "match leave": Case(lambda b: {"match": 1}),
    "match end": Case(lambda b: {"match": 1, "reason": "from elsewhere"}),
    "match pause": Case(lambda b: {"match": 1}),
    "match resume": Case(lambda b: {"match": 1}),
    "match substitute": Case(lambda b: {"match": 1, "seat": "us", "player": b.member}),
    "match assign": Case(lambda b: {"match": 2, "seat": "us", "player": b.member}),
    "match remove": Case(lambda b: {"match": 1, "player": b.member}),
    "match captain": Case(lambda b: {"match": 1, "player": b.member}),
    "match watchers": Case(lambda b: {"match": 1}),
    "match history": OWN,
    "match log": Case(lambda b: {"match": 1}),
    "match export": Case(lambda b: {"match": 1, "format": "json"}),
    "match verify": Case(lambda b: {"match": 1}),
    "match whatif": Case(lambda b: {"match": 1, "from_round": 1, "seeds": 2}),
    "match rematch": Case(lambda b: {"match": 1, "swap": "rotate"}),
    "scenario upload": Case(refused=False),  # values filled in by the test (a file)
    "scenario list": OWN,
    "scenario show": Case(lambda b: {"scenario": "cuba-thaw"}),
    "scenario export": Case(lambda b: {"scenario": "cuba-thaw"}),
    "scenario enable": Case(lambda b: {"scenario": "cuba-thaw"}),
    "scenario disable": Case(lambda b: {"scenario": "cuba-thaw"}),
    "scenario default": Case(lambda b: {"scenario": "cuba-thaw"}),
    "scenario check": Case(lambda b: {"scenario": "cuba-thaw", "matches": 10}),
    "levers settings": Case(lambda b: {"default_deadline": 5}, refused=False),
    "levers audit": OWN,
    "scenarios": OWN,
    "class new": Case(lambda b: {"groups": 2}, refused=False),
    "class status": Case(lambda b: {"class": 1}),
    "class compare": Case(lambda b: {"class": 1}),
    "class export": Case(lambda b: {"class": 1}),
    "deal propose": Case(
        lambda b: {"match": 1, "seat": "maduro", "get": "maduro.electoral_guarantees"}
    ),
    "deal list": Case(lambda b: {"match": 1}),
    "deal talks": Case(lambda b: {"match": 1, "seat": "maduro"}),
}


@dataclass(frozen=True)
class Action:
    """A hand-crafted component naming A's things: a button, a select (with values) or a
    modal (with fields); ``refused`` as for ``Case``."""

    custom_id: str
    kind: str = "button"
    values: tuple[str, ...] = ()
    refused: bool = True


ACTIONS: dict[str, Action] = {
    "orders": Action("lv:m:1:r:1:orders"),
    "pick": Action("lv:m:1:r:1:pick", "select", ("us.oil_sanctions",)),
    "arg": Action("lv:m:1:r:1:arg:us.oil_sanctions", "modal", ("argument",)),
    "drop": Action("lv:m:1:r:1:drop", "select", ("us.oil_sanctions",)),
    "dec": Action("lv:m:1:r:1:dec:any_event", "select", ("any_option",)),
    "submit": Action("lv:m:1:r:1:submit"),
    "withdraw": Action("lv:m:1:r:1:withdraw"),
    "causes": Action("lv:m:1:r:1:causes"),
    "seat": Action("lv:m:2:seat:us"),
    "leave": Action("lv:m:2:leave"),
    "start": Action("lv:m:2:start"),
    "watch": Action("lv:m:1:watch"),
    "log": Action("lv:m:1:log:n:1.0"),
    "logjump": Action("lv:m:1:logjump", "select", ("1.0",)),
    "charts": Action("lv:m:1:charts"),
    "hist": Action("lv:hist:n:0", refused=False),
    "audit": Action("lv:audit:n:0", refused=False),
    "page": Action("lv:page:n:1", refused=False),
    "rt": Action("lv:m:1:r:1:rt:us.oil_sanctions", "select", ("2",)),
    "ans": Action("lv:m:1:r:1:ans:us.oil_sanctions"),
    "anm": Action("lv:m:1:r:1:anm:us.oil_sanctions", "modal", ("counter",)),
    "ump": Action("lv:m:1:r:1:ump:us"),
    "rul": Action("lv:m:1:r:1:rul:us.oil_sanctions", "select", ("-2",)),
    "dne": Action("lv:m:1:r:1:dne"),
    "cls": Action("lv:m:1:r:1:cls"),
    "lat": Action("lv:m:1:r:1:lat:0"),
    "rta": Action("lv:m:1:r:1:rta:us.oil_sanctions", "select", ("1",)),
    "submitok": Action("lv:m:1:r:1:submitok"),
    "dealyes": Action("lv:m:1:r:1:dealyes:d1"),
    "dealno": Action("lv:m:1:r:1:dealno:d1"),
    "dealctr": Action("lv:m:1:r:1:dealctr:d1"),
    "dealcm": Action("lv:m:1:r:1:dealcm:d1", "modal", ("get", "kind", "rounds")),
}


def leaves(h: Harness) -> set[str]:
    """The qualified names of every command the bot has (not the groups)."""
    assert h.bot is not None
    return {
        c.qualified_name for c in h.bot.tree.walk_commands() if isinstance(c, app_commands.Command)
    }


def test_every_command_has_a_case(harness: Harness) -> None:
    assert leaves(harness) == set(COMMANDS), "add a case for every command (and remove old ones)"


def test_every_action_has_a_case(harness: Harness) -> None:
    assert harness.bot is not None
    actions = set(router_of(harness.bot)._handlers)
    assert actions == set(ACTIONS), "add a case for every component action"


async def _server_a(h: Harness) -> None:
    """Match 1 running with Ana's orders in and Ben's not; match 2 in its lobby; cuba-thaw in
    A's library (uploaded by A's moderator); class run 1 (matches 3 and 4) opened by Mo."""
    ana, ben, mo = h.user("Ana"), h.user("Ben"), h.user("Mo", moderator=True)
    t.accepted(await h.slash(mo, "scenario upload", file=h.attach("cuba.yaml", CUBA)))
    await t.start_two_player_match(h, ana, ben)
    await t.play_first_move(h, ana, "Ana's argument")
    await h.slash(ana, "match new", rounds=2)
    await h.slash(mo, "class new", groups=2, rounds=1)  # class run 1: matches 3 and 4
    assert (await h.runtime.services.matches.get(1, SYSTEM)).phase == "orders"
    assert (await h.runtime.services.matches.get(2, SYSTEM)).phase == "lobby"


def _a_rows(h: Harness) -> list[list[tuple[Any, ...]]]:
    """Everything the store holds about server A's matches, library, settings and audit."""
    guild = str(h.guild_id)
    queries = [
        ("SELECT * FROM matches WHERE guild_id = ? ORDER BY id", guild),
        ("SELECT * FROM seat_holders WHERE match_id IN (1, 2) ORDER BY 1, 2", None),
        ("SELECT * FROM match_log WHERE match_id IN (1, 2) ORDER BY id", None),
        ("SELECT * FROM submissions WHERE match_id IN (1, 2) ORDER BY id", None),
        ("SELECT * FROM outbox WHERE match_id IN (1, 2) ORDER BY id", None),
        ("SELECT * FROM timers WHERE match_id IN (1, 2) ORDER BY id", None),
        ("SELECT * FROM debate_windows WHERE match_id IN (1, 2) ORDER BY 1, 2", None),
        ("SELECT * FROM debate_ratings WHERE match_id IN (1, 2) ORDER BY id", None),
        ("SELECT * FROM debate_counters WHERE match_id IN (1, 2) ORDER BY 1, 2, 3, 4", None),
        ("SELECT * FROM debate_rulings WHERE match_id IN (1, 2) ORDER BY id", None),
        ("SELECT * FROM debate_done WHERE match_id IN (1, 2) ORDER BY 1, 2, 3", None),
        ("SELECT * FROM deal_events WHERE match_id IN (1, 2) ORDER BY 1, 2", None),
        ("SELECT * FROM talk_threads WHERE match_id IN (1, 2) ORDER BY 1, 2", None),
        ("SELECT * FROM guild_settings WHERE guild_id = ?", guild),
        ("SELECT * FROM guild_scenarios WHERE guild_id = ? ORDER BY id", guild),
        ("SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id", guild),
        ("SELECT * FROM classes WHERE guild_id = ? ORDER BY id", guild),
        ("SELECT * FROM class_matches WHERE class_id = 1 ORDER BY grp", None),
        ("SELECT * FROM match_forks ORDER BY id", None),
        ("SELECT * FROM seat_swaps ORDER BY match_id", None),
    ]
    conn = sqlite3.connect(h.settings.database)
    try:
        return [conn.execute(sql, () if p is None else (p,)).fetchall() for sql, p in queries]
    finally:
        conn.close()


def _a_messages(h: Harness) -> list[tuple[int, int, bool]]:
    """Every message in A's channels and threads: id, versions, deleted."""
    a_channels = {
        int(c["id"]) for c in h.http.channels.values() if c.get("guild_id") == str(h.guild_id)
    }
    return [
        (m.id, len(m.history), m.deleted)
        for m in h.http.messages.values()
        if m.channel_id in a_channels
    ]


def _not_found(result: Result, b: Server) -> None:
    """One ephemeral refusal to B's moderator that says the thing is not there."""
    assert result.messages, "the bot did not answer"
    answer = result.messages[-1]
    assert answer.ephemeral and answer.owner == b.moderator.id, answer.text()
    text = answer.text().lower()
    phrases = ("no match", "no longer in this server", "no scenario", "no class run")
    assert any(w in text for w in phrases), text


def _nothing_of_a(result: Result) -> None:
    text = result.text.lower()
    assert "cuba thaw" not in text and "ana's argument" not in text, text


def _judge(
    h: Harness,
    result: Result,
    b: Server,
    refused: bool,
    before: tuple[list[list[tuple[Any, ...]]], list[tuple[int, int, bool]]],
) -> None:
    """Refused as not found (or showing nothing of A), and A untouched."""
    if refused:
        _not_found(result, b)
    else:
        _nothing_of_a(result)
    assert _a_rows(h) == before[0], "server A's matches, library, settings or audit changed"
    assert _a_messages(h) == before[1], "something was posted or edited in server A"


@pytest.mark.parametrize("name", sorted(COMMANDS))
async def test_every_command_from_another_server(harness: Harness, name: str) -> None:
    h = harness
    await _server_a(h)
    b = add_server(h)
    rows, messages = _a_rows(h), _a_messages(h)
    case = COMMANDS[name]
    values = case.values(b)
    if name == "scenario upload":
        values = {"file": h.attach("cuba.yaml", CUBA.replace(b"Cuba thaw", b"Elsewhere"))}
    result = await h.slash(b.moderator, name, channel_id=b.channel_id, **values)
    _judge(h, result, b, case.refused, (rows, messages))


@pytest.mark.parametrize("name", sorted(ACTIONS))
async def test_every_component_from_another_server(harness: Harness, name: str) -> None:
    h = harness
    await _server_a(h)
    b = add_server(h)
    rows, messages = _a_rows(h), _a_messages(h)
    action = ACTIONS[name]
    if action.kind == "modal":
        message = plant(h, b, [button("lv:m:1:r:1:orders")])
        fields = dict.fromkeys(action.values, "forged")
        result = await h.forge_modal(b.moderator, message, action.custom_id, fields)
    elif action.kind == "select":
        message = plant(h, b, [select(action.custom_id, list(action.values))])
        result = await h.choose(b.moderator, message, action.custom_id, list(action.values))
    else:
        message = plant(h, b, [button(action.custom_id)])
        result = await h.click(b.moderator, message, custom_id=action.custom_id)
    _judge(h, result, b, action.refused, (rows, messages))


async def test_autocomplete_offers_only_this_servers_scenarios(harness: Harness) -> None:
    h = harness
    await _server_a(h)
    b = add_server(h)
    home = h.channel_id
    assert await h.autocomplete(b.moderator, "scenario show", "scenario", "cuba") != []
    h.channel_id = b.channel_id  # the harness types in its main channel: make it B's
    try:
        assert await h.autocomplete(b.moderator, "scenario show", "scenario", "cuba") == []
        assert await h.autocomplete(b.moderator, "match new", "scenario", "cuba") == []
    finally:
        h.channel_id = home


async def test_a_direct_message_is_refused_and_changes_nothing(harness: Harness) -> None:
    h = harness
    await _server_a(h)
    rows, messages = _a_rows(h), _a_messages(h)
    zed = h.user("Zed")
    status = await in_direct_message(h, zed, 2, h.slash_data("match status", {"match": 1}))
    end = await in_direct_message(
        h, zed, 2, h.slash_data("match end", {"match": 1, "reason": "from a DM"})
    )
    click = await in_direct_message(
        h, zed, 3, {"custom_id": "lv:m:1:r:1:submit", "component_type": 2}
    )
    for result in (status, end):
        assert result.messages, "the bot did not answer"
        assert result.ephemeral and "use this command in a server" in result.text.lower()
    assert click.ephemeral, "a click from a direct message is refused too"
    assert _a_rows(h) == rows and _a_messages(h) == messages
