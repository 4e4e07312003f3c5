"""A misbehaving Discord (tests/discord/fake/faults.py): rate limits, 5xx, lost answers, slow
answers, interactions delivered twice, restarts in the middle of a burst.

Each test scripts one fault kind and checks the promises of docs/reliability.md: every
announcement reaches Discord exactly once and in order (``faulty.ledger``), an interaction acts
once, the player gets an answer, discord.py's rate limiter is obeyed (the fake records any
request sent while its bucket was limited) and nothing acknowledged is lost.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from discord.http import Route

from bot.services.models import SYSTEM
from tests.discord import faulty
from tests.discord import transcript as t
from tests.discord.fake.faults import IN_FLIGHT, Fault, Faults
from tests.discord.fake.payloads import FakeUser
from tests.discord.harness import Harness

# Exactly-once transcripts count announcements: play with the AI's talks off, so none depends
# on whether the AI makes a deal offer (its talks have their own tests in test_deals.py).
pytestmark = pytest.mark.usefixtures("no_ai_talks")


async def start_match(h: Harness, rounds: int = 2) -> tuple[int, FakeUser]:
    """Ana opens a match, takes a seat and starts it (the thread and briefing get posted)."""
    ana = h.user("Ana")
    await h.slash(ana, "match new", rounds=rounds)
    lobby = t.lobby(h)
    await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
    await h.click(ana, lobby, label="Start")
    return 1, ana


async def pending(h: Harness) -> int:
    return len(await h.runtime.services.outbox.pending(scope="discord"))


def posts_to_threads(h: Harness) -> int:
    return sum(1 for r in h.http.requests if r.method == "POST" and r.path.endswith("/messages"))


async def test_a_route_429_is_waited_out_and_nothing_is_lost_or_doubled(harness: Harness) -> None:
    h = harness
    h.http.faults.on("messages", Fault.ratelimit(0.05), times=3)
    match_id, ana = await start_match(h)
    await t.play_first_move(h, ana, "through the rate limit")
    assert h.http.faults.injected["ratelimit"] == 3
    assert await pending(h) == 0
    assert await faulty.ledger(h, [match_id]) == []
    assert not h.http.faults.violations, "discord.py waited out every retry_after"


async def test_an_exhausted_bucket_is_respected_by_discord_py_own_limiter(
    harness: Harness,
) -> None:
    h = harness
    h.http.faults.on("messages", Fault.exhaust(0.2), times=2)
    match_id, _ana = await start_match(h)
    assert h.http.faults.injected["exhaust"] == 2
    assert not h.http.faults.violations, "no post went out before its bucket reset"
    assert await faulty.ledger(h, [match_id]) == []


async def test_a_429_storm_slows_announcements_down_and_the_bot_keeps_answering(
    harness: Harness,
) -> None:
    h = harness
    match_id, ana = await start_match(h)
    # More 429s in a row than discord.py retries (5): the announcement fails, stays pending,
    # and the timer worker retries it on its own (no new event needed).
    h.http.faults.on("messages", Fault.ratelimit(0.02), times=20)
    h.http.faults.on("messages", Fault.ratelimit(0.05, global_=True), times=2, skip=0)
    await t.play_first_move(h, ana, "in the storm")
    assert await pending(h) > 0, "the storm held the reveal back"
    assert h.runtime.announcer.backlog
    # The bot still answers people while its announcements wait.
    status = await h.slash(h.user("Cy"), "scenarios")
    assert status.messages, "an interaction was answered during the storm"
    h.runtime.timers.start()
    try:

        async def delivered() -> bool:
            return await pending(h) == 0

        await faulty.eventually(delivered)
    finally:
        await h.runtime.timers.stop()
    assert await faulty.ledger(h, [match_id]) == []
    assert not h.http.faults.violations


async def test_5xx_mid_announcement_does_not_repost_what_went_out(harness: Harness) -> None:
    h = harness
    h.http.faults.forget_nonces = True  # exactly once must not rest on Discord's nonce
    # match_started posts two messages; the second gets a 503 (discord.py does not retry it).
    h.http.faults.on("messages", Fault.server_error(503), skip=2)
    match_id, ana = await start_match(h)
    assert h.http.faults.injected["server_error"] == 1
    assert await pending(h) == 1
    assert await h.runtime.announcer.flush() == 1  # the next flush (a change, or the worker)
    assert await faulty.ledger(h, [match_id]) == []
    # 500 and 502 are retried inside discord.py (after 1 s), answering the same post.
    h.http.faults.on("messages", Fault.server_error(500))
    h.http.faults.on("messages", Fault.server_error(502))
    await t.play_first_move(h, ana, "after the 5xx")
    assert h.http.faults.injected["server_error"] == 3
    assert await pending(h) == 0
    assert await faulty.ledger(h, [match_id]) == []


async def test_a_post_applied_whose_answer_is_lost_is_found_not_reposted(
    harness: Harness,
) -> None:
    h = harness
    h.http.faults.forget_nonces = True  # minutes later: Discord no longer drops a resend
    h.http.faults.on("messages", Fault.lost(), skip=1)
    match_id, _ana = await start_match(h)
    assert h.http.faults.injected["lost"] == 1
    assert await pending(h) == 1, "the bot cannot know the post arrived"
    await h.runtime.announcer.flush()
    assert await pending(h) == 0
    assert await faulty.ledger(h, [match_id]) == []
    assert any(r.method == "GET" and r.path.endswith("/messages") for r in h.http.requests)


async def test_a_restart_mid_burst_resumes_without_doubling(harness: Harness) -> None:
    h = harness
    h.http.faults.forget_nonces = True
    match_id, ana = await start_match(h)
    # The reveal burst: the second post is stored but its answer is slow; the bot dies then.
    h.http.faults.on("messages", Fault.slow(1.0, after=True), skip=1)
    panel = await t.open_panel(h, ana)
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list)
    await t.add_move(h, ana, panel, str(options[0]["value"]), "cut off")
    before = posts_to_threads(h)
    click = h.start_interaction(
        ana,
        3,
        {"custom_id": panel.component(label="Submit")["custom_id"], "component_type": 2},
        panel.channel_id,
        panel,
    )
    await faulty.wait_until(h, lambda: posts_to_threads(h) >= before + 2)
    await faulty.crash(h)
    assert click.callbacks, "the submission was acknowledged before the crash"
    await h.start_bot()  # the new process flushes what is pending on its first change
    await h.runtime.announcer.flush()
    assert await pending(h) == 0
    assert await faulty.ledger(h, [match_id]) == []
    history = await h.runtime.services.rounds.history(match_id, SYSTEM)
    assert len(history) >= 2, "the acknowledged submission resolved its round"


async def test_an_interaction_delivered_twice_acts_once(harness: Harness) -> None:
    h = harness
    ana = h.user("Ana")
    record = h.new_record(ana, 2, h.slash_data("match new", {"rounds": 1}), h.channel_id)
    payload = h.interaction_payload(record, None)
    h.feed("INTERACTION_CREATE", payload)
    h.feed("INTERACTION_CREATE", payload)  # the gateway's at-least-once delivery
    await h.settle()
    matches = await h.runtime.services.matches.list_matches(SYSTEM)
    assert len(matches) == 1, "one match, not two"
    assert record.callbacks == [5] or len(record.callbacks) == 1


async def test_an_acknowledgment_whose_answer_is_lost_still_answers_the_player(
    harness: Harness,
) -> None:
    h = harness
    ana = h.user("Ana")
    # /scenarios answers at once: Discord stores the answer, the bot never hears back.
    h.http.faults.on("callback", Fault.lost())
    shown = await h.slash(ana, "scenarios")
    assert h.http.faults.injected["lost"] == 1
    assert len(shown.messages) == 1, "the player has the answer, once"
    # A deferring command: the deferral is stored, its answer lost; the command stops there,
    # and the followup tells the player (instead of a "thinking…" that never ends).
    h.http.faults.on("callback", Fault.lost())
    started = await h.slash(ana, "match new", rounds=1)
    assert started.record.callbacks == [5]
    assert started.messages and started.text, "the deferred answer was filled in"
    # The bot learnt that its lost acknowledgments had arrived from Discord's "already
    # acknowledged" (40060): expected refusals here, not protocol mistakes.
    assert all("already been acknowledged" in f for f in h.http.failures), h.http.failures
    assert len(h.http.failures) == 2
    h.http.failures.clear()
    h.errors.records.clear()  # report_error logged the lost deferral, as it should


async def test_a_slow_discord_near_the_deadline(harness: Harness) -> None:
    h = harness
    ana = h.user("Ana")
    # Discord takes 2.7 s (on its clock) before it sees the deferral: still in time.
    h.http.faults.on("callback", Fault.slow(2.7, virtual=True))
    started = await h.slash(ana, "match new", rounds=1)
    assert started.record.callbacks == [5] and "Lobby" in t.lobby(h).text()
    # 3.2 s: the deferral misses the deadline; Discord tells the player the interaction
    # failed, and the bot did nothing (nothing was acknowledged, so nothing is lost).
    h.http.faults.on("callback", Fault.slow(3.2, virtual=True))
    lobby = t.lobby(h)
    late = await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
    assert late.record.callbacks == []
    match = (await h.runtime.services.matches.list_matches(SYSTEM))[0]
    assert not any(str(ana.id) in s.players for s in match.seats), "no seat was taken"
    h.http.failures.clear()  # the late callback was refused, as Discord refuses it
    h.errors.records.clear()


async def test_a_thread_created_whose_answer_is_lost_is_not_created_twice(
    harness: Harness,
) -> None:
    h = harness
    h.http.faults.on("threads", Fault.lost())
    match_id, _ana = await start_match(h)
    assert h.http.faults.injected["lost"] == 1
    await h.runtime.announcer.flush()
    assert t.thread_id(h), "one thread (thread_id checks there is exactly one)"
    assert await pending(h) == 0
    assert await faulty.ledger(h, [match_id]) == []


async def test_429s_on_the_interaction_callback_and_followup_are_waited_out(
    harness: Harness,
) -> None:
    h = harness
    ana = h.user("Ana")
    h.http.faults.on("callback", Fault.ratelimit(0.05, global_=True))
    h.http.faults.on("followup", Fault.ratelimit(0.05))
    started = await h.slash(ana, "match new", rounds=1)
    assert h.http.faults.injected["ratelimit"] == 2
    assert started.record.callbacks == [5] and started.text, "the player got the answer"
    assert "Lobby" in t.lobby(h).text()
    assert not h.http.faults.violations


async def test_a_global_429_holds_back_retries_and_posts_queued_on_a_bucket(
    harness: Harness,
) -> None:
    """discord.py checks for a global limit once, before a request takes its bucket's lock; a
    post queued behind that lock, or retried after a 500, would go out during a global 429 that
    began meanwhile. The bot's request hook (bot/discord/global_limit.py) waits for it."""
    h = harness
    a, b, c = (int(h.new_channel(name)["id"]) for name in "abc")
    faults = h.http.faults
    faults.on(rf"POST /channels/{a}/messages", Fault.server_error(500))  # retried after 1 s
    faults.on(rf"POST /channels/{b}/messages", Fault.slow(0.6, after=True))  # holds b's lock
    faults.on(rf"POST /channels/{c}/messages", Fault.ratelimit(1.5, global_=True))

    bot = h.bot
    assert bot is not None

    async def post(channel: int, text: str) -> Any:
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
        return await bot.http.request(route, json={"content": text})

    retried = asyncio.create_task(post(a, "retried after a 500"))
    held = asyncio.create_task(post(b, "answered slowly"))
    await asyncio.sleep(0.1)
    queued = asyncio.create_task(post(b, "queued on the bucket's lock"))
    await asyncio.sleep(0.05)
    await post(c, "got the global 429")  # until about 1.65 s; its own retry waits it out
    await asyncio.gather(retried, held, queued)
    assert faults.injected == {"server_error": 1, "slow": 1, "ratelimit": 1}
    assert bot.global_limit.waited >= 2, "the hook held back the retry and the queued post"
    assert not faults.violations, faults.violations
    faults.violations.clear()
    sent = [m.text() for channel in (a, b, c) for m in h.channel_messages(channel)]
    assert sorted(sent) == sorted(
        [
            "retried after a 500",
            "answered slowly",
            "queued on the bucket's lock",
            "got the global 429",
        ]
    )


async def test_a_wake_racing_a_stop_still_stops_the_timer_worker(harness: Harness) -> None:
    """A kill cancels the timer worker; a wake() in the same instant must not let it run on
    (Python 3.11's wait_for returned the event's result and swallowed the cancellation, and
    the fault soak's restart waited for the worker forever)."""
    timers = harness.runtime.timers
    timers.start()

    async def napping() -> bool:
        return timers.napping

    await faulty.eventually(napping, timeout=10)
    timers.wake()
    await asyncio.wait_for(timers.stop(), 5)
    running = [t for t in asyncio.all_tasks() if t.get_name() == "levers-worker-timers"]
    assert not [t for t in running if not t.done()], "the worker ran on after its stop"


def test_the_fake_tells_a_request_already_on_its_way_from_a_violation() -> None:
    """The fake's own rule: a post within IN_FLIGHT of a global 429 left before the client could
    read it (counted apart); one later is a violation; interaction routes are never bound."""
    faults = Faults()
    faults.ratelimited("POST", "/channels/1/messages", Fault.ratelimit(1.0, global_=True), 10.0)
    faults.check_limits("POST", "/channels/2/messages", 10.0 + IN_FLIGHT / 2)
    assert faults.in_flight == 1 and not faults.violations
    faults.check_limits("POST", "/interactions/5/tok/callback", 10.5)
    assert not faults.violations
    faults.check_limits("POST", "/channels/3/messages", 10.5)
    assert faults.violations == [
        "POST /channels/3/messages: sent during a global rate limit (500 ms after its 429)"
    ]
    faults.check_limits("POST", "/channels/4/messages", 11.1)  # the limit is over
    assert len(faults.violations) == 1
