"""Sending the outbox: after a change is committed, post what it announces, then mark it sent.

Each announcement is rendered from the store (never from memory), posted, and only then marked
sent. The match's thread is created by its ``match_started`` announcement.

Exactly once: each post carries a nonce (Discord drops a resend within a few minutes) and a
marker (``markers``). When an attempt's outcome is unknown (the connection dropped, a 5xx, or the
announcement was already pending when this process started, so a previous one may have posted
it before dying), the announcer reads the channel back and skips the posts whose marker is
there. Posts confirmed in this process are never sent again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
import discord

from bot.discord import (
    limits,
    markers,
    offload,
    render_deals,
    render_debate,
    render_match,
    render_review,
    render_round,
    team_threads,
)
from bot.discord.text import esc
from bot.game.scenario import Scenario
from bot.review.charts import Chart
from bot.review.from_store import read_stored
from bot.services import Services
from bot.services.clock import parse_time
from bot.services.models import SYSTEM, Announcement, Match
from bot.services.threads import ThreadService

log = logging.getLogger("levers.discord")
SENDING = 8  # announcements rendered and posted at once (each of its own match)
# Failures Discord or the network cause; they pass (retried soon), unlike a bug in rendering.
TRANSIENT = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError, TimeoutError)


@dataclass
class Post:
    """One message to post."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)
    charts: list[Chart] = field(default_factory=list)  # attached as PNG files


def _time(text: Any) -> datetime | None:
    return parse_time(str(text)) if text else None


def uncertain(error: BaseException) -> bool:
    """Whether a failed post may still have been applied by Discord.

    A 4xx is a refusal (nothing stored); a 5xx, a dropped connection or a timeout may come
    after Discord stored the message.
    """
    if isinstance(error, discord.HTTPException):
        return error.status >= 500
    return True


@dataclass
class _MatchDelivery:
    """One match's delivery task, whether to look at the outbox again, who waits for it."""

    task: asyncio.Task[None] = field(init=False)
    again: bool = True
    waiters: list[asyncio.Future[tuple[int, bool]]] = field(default_factory=list)


class Announcer:
    """Delivers pending announcements: in order within a match, matches side by side.

    Each match with something pending gets a task of its own (``levers-task-announce-<id>``),
    so a slow announcement (a debrief with charts, a channel Discord is throttling) holds back
    only its own match's later ones, never another match's reveal.
    """

    def __init__(self, client: discord.Client, services: Services, threads: ThreadService):
        self._client = client
        self._services = services
        self._threads = threads
        self._lock = asyncio.Lock()  # one look at the outbox at a time
        self._inherited: set[int] | None = None  # pending when this process first looked
        self._unsure: set[int] = set()  # an attempt here may have posted without confirmation
        self._confirmed: dict[int, int] = {}  # posts Discord confirmed, per announcement
        self._matches: dict[int, _MatchDelivery] = {}
        # Announcements being rendered and posted at once: enough that a slow one does not
        # hold the others back, few enough not to flood Discord (or the event loop) at once.
        self._busy = asyncio.Semaphore(SENDING)
        self.backlog = False  # the last flush left something pending after a failure

    async def flush(self) -> int:
        """Send everything pending, match by match (in order within a match); return how many
        were sent. Returns once every match that had something pending is done with it.

        A failure is logged and retried on the next flush (``backlog`` tells the timer worker
        to flush again soon); it holds back only its own match's later announcements, never
        another match's.
        """
        runs = await self.start()
        if not runs:
            self.backlog = False
            return 0
        await asyncio.wait(runs)
        outcomes = [run.result() for run in runs]
        self.backlog = any(failed for _sent, failed in outcomes)
        return sum(sent for sent, _failed in outcomes)

    async def start(self) -> list[asyncio.Future[tuple[int, bool]]]:
        """Start (or tell to look again) the delivery of every match with something pending,
        without waiting for them (the runtime's way, after a commit); the outcomes to await."""
        async with self._lock:
            outbox = self._services.outbox
            if self._inherited is None:
                everything = await outbox.pending(scope="discord", limit=1_000_000)
                self._inherited = {a.id for a in everything}
            # Every page: a burst (200 rounds resolved at once) can leave more than one pending.
            pending = await outbox.pending(scope="discord", limit=1_000_000)
            return [self._start(m) for m in sorted({a.match_id for a in pending if a.match_id})]

    async def idle(self) -> None:
        """Wait until no match's delivery is running."""
        while self._matches:
            await asyncio.wait([d.task for d in self._matches.values()])

    def _start(self, match_id: int) -> asyncio.Future[tuple[int, bool]]:
        """The match's delivery, started or told to look again; its outcome when it next ends."""
        delivery = self._matches.get(match_id)
        if delivery is None or delivery.task.done():
            delivery = _MatchDelivery()
            delivery.task = asyncio.create_task(
                self._deliver(match_id, delivery), name=f"levers-task-announce-{match_id}"
            )
            self._matches[match_id] = delivery
        delivery.again = True
        waiter: asyncio.Future[tuple[int, bool]] = asyncio.get_running_loop().create_future()
        delivery.waiters.append(waiter)
        return waiter

    async def _deliver(self, match_id: int, delivery: _MatchDelivery) -> None:
        """Send the match's pending announcements until none is left or one fails."""
        sent, failed = 0, False
        try:
            while delivery.again and not failed:
                delivery.again = False
                tried: set[int] = set()
                try:
                    sent += await self._services.outbox.deliver(
                        functools.partial(self._send_tracked, tried=tried),
                        scope="discord",
                        match_id=match_id,
                    )
                except TRANSIENT as err:
                    failed = True
                    log.warning("could not announce for match %s (%r); retrying", match_id, err)
                except Exception:
                    failed = True
                    log.exception("could not announce for match %s; it stays pending", match_id)
                if not failed:  # all of them sent and marked: forget their bookkeeping
                    self._unsure -= tried
                    for done in tried:
                        self._confirmed.pop(done, None)
        finally:
            if failed:
                self.backlog = True  # the timer worker flushes again soon
            if self._matches.get(match_id) is delivery:
                del self._matches[match_id]
            for waiter in delivery.waiters:
                if not waiter.done():
                    waiter.set_result((sent, failed))

    async def _send_tracked(self, item: Announcement, tried: set[int]) -> None:
        tried.add(item.id)
        async with self._busy:
            await self._send(item)

    async def _send(self, item: Announcement) -> None:
        assert item.match_id is not None and item.channel_id is not None
        match = await self._services.matches.get(item.match_id, SYSTEM)
        if item.kind == "team_member":
            data = item.payload
            await team_threads.change_member(
                self._client,
                self._services,
                match.id,
                str(data["seat"]),
                str(data["player"]),
                bool(data["joined"]),
            )
            return
        if item.kind == "match_started":
            target = await self._thread(match, int(item.channel_id))
        elif item.kind == "deal_offer":
            found = await self._offer_thread(match, item.payload)
            if found is None:
                return  # no private place: the panel and /deal list show the offer
            target = found
        else:
            thread = await self._threads.of_match(match.id)
            target = int(thread or item.channel_id)
        posts = await self._render(item, match)
        channel = self._client.get_partial_messageable(target)
        done = self._confirmed.get(item.id, 0)
        there: set[str] = set()
        if item.id in self._unsure or item.id in (self._inherited or ()) or item.attempts:
            wanted = [markers.marker(item.nonce, i) for i in range(done, len(posts))]
            assert self._client.user is not None
            there = await markers.present(channel, self._client.user.id, wanted)
        for index in range(done, len(posts)):
            post, mark = posts[index], markers.marker(item.nonce, index)
            if mark not in there:
                content, embeds = markers.stamp(post.content, post.embeds, mark)
                limits.check_message(content, embeds, post.view)
                try:
                    await channel.send(
                        content=content,
                        embeds=embeds,
                        view=post.view or discord.utils.MISSING,
                        files=render_review.chart_files(post.charts) or discord.utils.MISSING,
                        allowed_mentions=post.mentions,
                        nonce=f"{item.nonce}{index}",  # discord.py adds enforce_nonce
                    )
                except BaseException as err:
                    if uncertain(err):
                        self._unsure.add(item.id)
                    raise
            self._confirmed[item.id] = index + 1
        if item.kind == "match_started":
            await team_threads.open_team_threads(self._client, self._services, match)

    async def _thread(self, match: Match, channel_id: int) -> int:
        """The match's thread, created (and remembered) the first time."""
        known = await self._threads.of_match(match.id)
        if known is not None:
            return int(known)
        channel = self._client.get_channel(channel_id) or await self._client.fetch_channel(
            channel_id
        )
        if not isinstance(channel, discord.TextChannel):
            return channel_id  # a thread or forum post already: play there
        title = (await self._services.scenarios.of_match(match.id, SYSTEM)).meta.title
        name = limits.fit(f"Match {match.id}: {title}", limits.THREAD_NAME)
        me = self._client.user.id if self._client.user else None
        # A creation whose answer was lost: Discord announced the thread (THREAD_CREATE).
        made = [t for t in channel.threads if t.owner_id == me and t.name == name]
        thread = (
            made[0]
            if made
            else await channel.create_thread(
                name=name, type=discord.ChannelType.public_thread, auto_archive_duration=10080
            )
        )
        await self._threads.set(match.id, str(thread.id))
        return thread.id

    async def _offer_thread(self, match: Match, data: dict[str, Any]) -> int | None:
        """Where only the asked seat's team sees an offer: its team thread, else the private
        talks thread of the two seats, else nowhere."""
        seat, proposer = str(data.get("seat")), str(data.get("proposer"))
        team = (await self._services.team_threads.of_match(match.id)).get(seat)
        if team is not None:
            return int(team)
        talks = await self._services.deals.talk_threads(match.id, SYSTEM)
        pair = next((t.thread_id for t in talks if set(t.seats) == {seat, proposer}), None)
        return int(pair) if pair is not None else None

    async def _offer(self, scenario: Scenario, match: Match, data: dict[str, Any]) -> list[Post]:
        """An AI's offer with Accept, Reject and Counter, while it still waits for the seat
        (an answer given meanwhile, or a round gone by, leaves nothing to post)."""
        seat, number = str(data.get("seat")), int(data.get("round") or 0)
        deal = await self._services.deals.current(match.id, SYSTEM, str(data.get("deal")))
        if deal is None or deal.status != "proposed" or seat in deal.accepted_by:
            return []
        if match.round != number or match.phase != "orders":
            return []
        text, embeds, view = render_deals.offer(scenario, match.id, deal, seat)
        return [Post(text, embeds, view)]

    async def _render(self, item: Announcement, match: Match) -> list[Post]:
        scenario = await self._services.scenarios.of_match(match.id, SYSTEM)
        data = item.payload
        rounds = self._services.rounds
        if item.kind == "match_started":
            opening = await rounds.get(match.id, 0, SYSTEM)
            players = sorted({p for s in match.seats for p in s.players if p.isdigit()})
            text = f"**Match {match.id} starts.** " + " ".join(f"<@{p}>" for p in players)
            ping = discord.AllowedMentions(users=[discord.Object(int(p)) for p in players])
            embeds, view = render_match.briefing(
                scenario,
                match,
                opening.state,
                opening.records_of(1),
                None,
                _time(data.get("deadline_at")),
            )
            return [Post(limits.fit(text, limits.CONTENT), mentions=ping), Post(None, embeds, view)]
        if item.kind == "round_resolved":
            number = int(data["round"])
            result = await rounds.get(match.id, number, SYSTEM)
            last = await rounds.get(match.id, number - 1, SYSTEM)
            before = last.state
            earlier = None
            if number >= 2:  # last round's next-round forecasts are due in this reveal
                two_back = (await rounds.get(match.id, number - 2, SYSTEM)).state
                earlier = (last.orders, two_back)
            points = (await self._services.debate.points(match.id, SYSTEM)).seat_points
            groups = render_round.reveal(
                scenario, match, result, before, earlier=earlier, points=points
            )
            at = render_round.with_causes_button(groups)
            posts = [
                Post(
                    None, group, render_round.all_causes_view(match.id, number) if i == at else None
                )
                for i, group in enumerate(groups)
            ]
            if not await self._services.debate.had_window(match.id, number, SYSTEM):
                later = render_debate.later_view(match.id, number)
                if posts[-1].view is None:
                    posts[-1].view = later
                else:  # the All causes button is on the same message: one row, both buttons
                    for moved_item in list(later.children):
                        later.remove_item(moved_item)
                        posts[-1].view.add_item(moved_item)
            if data.get("next_round"):
                embeds, view = render_match.briefing(
                    scenario,
                    match,
                    result.state,
                    result.records_of(number + 1),
                    before,
                    _time(data.get("deadline_at")),
                )
                posts.append(Post(None, embeds, view))
            return posts
        if item.kind == "match_ended":
            return await self._ended(item, match)
        if item.kind == "debate_opened":
            debate = await self._services.debate.view(match.id, int(data["round"]), SYSTEM)
            made = render_debate.intentions(scenario, match, debate)
            return [Post(None, embeds, view) for embeds, view in made]
        if item.kind == "deal_offer":
            return await self._offer(scenario, match, data)
        if item.kind == "debate_counter":
            return [Post(render_debate.counter_post(scenario, data))]
        if item.kind == "debate_ruling":
            return [Post(render_debate.ruling_post(scenario, data))]
        if item.kind == "reminder":
            text, mentions = render_match.reminder(
                scenario,
                list(data.get("waiting") or []),
                list(data.get("players") or []),
                data.get("which") == "last_minute",
                _time(data.get("deadline_at")),
            )
            return [Post(text, mentions=mentions)]
        return [Post(render_match.notice(scenario, item.kind, data))]

    async def _ended(self, item: Announcement, match: Match) -> list[Post]:
        scenario = await self._services.scenarios.of_match(match.id, SYSTEM)
        data = item.payload
        if data.get("reason") == "finished":
            last = await self._services.rounds.get(match.id, int(item.round or match.round), SYSTEM)
            table = {str(k): float(v) for k, v in (data.get("scores") or last.scores).items()}
            tally = await self._services.debate.points(match.id, SYSTEM)
            posts = [
                Post(None, group)
                for group in render_round.final(scenario, match, last.state, table, tally)
            ]
        else:
            by = str(data.get("by") or "")
            note = esc(str(data.get("note") or ""))
            text = f"**Match {match.id} was ended** by <@{by}>: {note}" if by.isdigit() else note
            posts = [Post(limits.fit(text, limits.CONTENT))]
        if match.rounds_resolved > 0:
            posts += await self._debrief(match.id, scenario)
        return posts

    async def _debrief(self, match_id: int, scenario: Scenario) -> list[Post]:
        """The debrief (``bot.review``) with its charts attached.

        A failure here is logged and the debrief left out: it never holds back the final
        scores (the announcement would otherwise stay pending, retried forever).
        """
        try:
            stored = await read_stored(self._services.ctx, match_id)  # with the text
            self._busy.release()  # waiting for the worker takes no sending slot
            try:
                post = await offload.debrief(scenario, stored)  # built in a worker process
            finally:
                await self._busy.acquire()
        except Exception:
            log.exception("could not build the debrief of match %s; posting without it", match_id)
            return []
        return [
            Post(None, message.embeds, charts=message.charts)
            for message in render_review.debrief_messages(post)
        ]
