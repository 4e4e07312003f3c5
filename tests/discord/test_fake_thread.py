"""The fake Discord on its own thread and loop (``Harness(fake_thread=True)``, as the benchmark
runs it): a match is set up and a player gives orders, and every answer arrives.

The waits go through the fake's events (set on the test's loop from the fake's thread), each
bounded, so a wake-up lost across threads fails the test instead of hanging it. In a match the
bot's own requests keep its loop busy enough to hide a lost wake-up, so one test calls the fake
from a plain thread while the loop has nothing to do but wait.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.discord import transcript as t
from tests.discord.conftest import make_settings, running
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import InteractionRecord, Sent
from tests.discord.harness import Harness

TIMEOUT = 30.0
ARGUMENT = "Ana argues from across a thread"


@pytest.fixture
async def threaded(tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot against a fake Discord serving from its own thread."""
    async with running(Harness(make_settings(tmp_path), fake_thread=True)) as h:
        yield h
    assert h.http.home_loop is None and not any(
        th.name == "fake-discord" and th.is_alive() for th in threading.enumerate()
    ), "stop() ends the fake's thread"


async def step(
    h: Harness,
    player: FakeUser,
    kind: int,
    data: dict[str, Any],
    on: Sent,
    done: Callable[[InteractionRecord], bool],
) -> InteractionRecord:
    """Hand one interaction to the bot and wait (on the fake's events) until ``done`` holds."""
    record = h.start_interaction(player, kind, data, on.channel_id, on)
    await asyncio.wait_for(record.answered.wait(), TIMEOUT)
    await asyncio.wait_for(record.until(done), TIMEOUT)
    return record


async def test_a_player_gives_orders_against_a_fake_on_its_own_thread(threaded: Harness) -> None:
    h = threaded
    main = threading.get_ident()
    stored_on: set[int] = set()
    fed_on: list[tuple[str, int]] = []
    store, feed = h.http.store, h.http.dispatch
    assert feed is not None

    def store_where(*args: Any, **kwargs: Any) -> Sent:
        stored_on.add(threading.get_ident())
        return store(*args, **kwargs)

    def feed_where(event: str, data: dict[str, Any]) -> None:
        fed_on.append((event, threading.get_ident()))
        feed(event, data)

    h.http.store = store_where  # type: ignore[method-assign]
    h.http.dispatch = feed_where

    ana = h.user("Ana")
    await h.slash(ana, "match new", rounds=1)
    lobby = t.lobby(h)
    await h.click(ana, lobby, label=str(lobby.components()[0]["label"]))
    await h.click(ana, lobby, label="Start")
    thread = t.thread_id(h)
    assert h.bot is not None and h.bot.get_channel(thread) is not None, "THREAD_CREATE reached it"
    assert ("THREAD_CREATE", main) in fed_on, "the thread's dispatch ran on the bot's thread"
    assert all(ident == main for _event, ident in fed_on), fed_on

    briefing = t.briefing(h)
    orders = {"custom_id": briefing.component(label="Orders")["custom_id"], "component_type": 2}
    opened = await step(h, ana, 3, orders, briefing, lambda r: bool(r.followups))
    panel = h.http.messages[opened.followups[0]]
    assert panel.ephemeral and panel.owner == ana.id, "the orders panel came back to Ana"

    pick = t.pick_select(panel)
    options: Any = pick["options"]
    chosen = {"custom_id": pick["custom_id"], "component_type": 3, "values": [options[0]["value"]]}
    picked = await step(h, ana, 3, chosen, panel, lambda r: r.modal is not None)
    assert picked.callbacks == [9] and picked.modal is not None, "a modal opened"

    argument = [
        {"type": 1, "components": [{"type": 4, "custom_id": "argument", "value": ARGUMENT}]}
    ]
    modal = {"custom_id": picked.modal["custom_id"], "components": argument}
    argued = await step(h, ana, 5, modal, panel, lambda r: r.edits > 0 or bool(r.followups))
    assert argued.callbacks, "the argument was acknowledged"

    h.http.posted.clear()
    submit = {"custom_id": panel.component(label="Submit")["custom_id"], "component_type": 2}
    submitted = await step(h, ana, 3, submit, panel, lambda r: r.edits > 0 or bool(r.followups))
    assert submitted.callbacks, "Submit was acknowledged"
    await asyncio.wait_for(h.http.posted.wait(), TIMEOUT)  # the reveal (set from the thread)
    await h.settle()

    assert ARGUMENT in "\n".join(m.text() for m in h.channel_messages(thread)), "the reveal is out"
    records = [opened, picked, argued, submitted]
    assert all(r.acked_at is not None and r.acked_at >= r.created for r in records)
    assert stored_on and main not in stored_on, "the fake stored messages on its own thread"
    assert not h.http.failures, h.http.failures


async def test_a_callback_wakes_the_waiting_loop_from_the_fake_thread(tmp_path: Path) -> None:
    h = Harness(make_settings(tmp_path), fake_thread=True)
    await h.start_server()
    try:
        record = h.new_record(h.user("Ana"), 2, {"name": "x"}, h.channel_id)
        request = urllib.request.Request(
            f"{h.base}/api/v10/interactions/{record.id}/{record.token}/callback",
            data=json.dumps({"type": 5}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        # A plain thread, not the loop's: only the fake's wake-up can rouse the loop. An event
        # set from the wrong thread would leave it asleep until wait_for's timer (which then
        # returns the result rather than raising), hence the check of the time it took.
        caller = threading.Thread(target=urllib.request.urlopen, args=(request,), daemon=True)
        loop = asyncio.get_running_loop()
        began = loop.time()
        caller.start()
        await asyncio.wait_for(record.answered.wait(), TIMEOUT)
        assert loop.time() - began < TIMEOUT / 2, "the loop slept through the fake's wake-up"
        assert record.original is not None, "woken before the fake had stored its answer"
        caller.join(TIMEOUT)
        assert record.callbacks == [5] and record.acked_at is not None
        assert not h.http.failures, h.http.failures
    finally:
        await h.stop()
