"""Drive the real Levers bot against the fake Discord, like a transcript.

``Harness`` starts the fake's HTTP server on 127.0.0.1, points discord.py at it (``Route.BASE``),
logs the real ``LeversBot`` in (so ``setup_hook`` loads the cogs and syncs commands over HTTP),
feeds READY and GUILD_CREATE through discord.py's own parsers, and then plays interactions:
``slash``, ``click``, ``choose`` and ``submit`` return what the bot answered. It waits on
discord.py's own tasks (and the bot's ``levers-`` tasks), never on sleeps.

With ``fake_thread=True`` the fake's HTTP server runs on its own thread and event loop, as a
real Discord runs outside the bot's process: its handlers no longer queue behind the bot's work
(the benchmark uses this, so latencies do not charge the fake's work to the bot). The fake then
sets the events tests wait on, and feeds its gateway dispatches, on the test's loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import discord
from aiohttp import web

from bot.discord.client import LeversBot, Starter, configure_endpoints
from bot.discord.runtime import Runtime, runtime_of, starter
from bot.discord.settings import Settings
from bot.services.clock import ManualClock
from bot.services.models import FiredTimer
from bot.services.throttle import Throttle
from tests.discord.fake import gateway, payloads
from tests.discord.fake.cdn import Cdn
from tests.discord.fake.payloads import FakeAttachment, FakeUser, snowflake
from tests.discord.fake.server import FakeDiscordHttp
from tests.discord.fake.state import InteractionRecord, Sent
from tests.discord.result import ErrorLog, Result

Json = dict[str, Any]
T = TypeVar("T")
TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
    "discord.py: on_interaction",
    "discord.py: on_ready",
    "levers-task-",
)


@dataclass
class Harness:
    """The fake Discord plus the real bot."""

    settings: Settings
    clock: ManualClock = field(default_factory=ManualClock)
    starter_factory: Callable[[ManualClock], Starter | None] = lambda clock: starter(
        clock, run_timers=False
    )
    bot_class: type[LeversBot] = LeversBot
    bot_user: FakeUser = field(default_factory=lambda: FakeUser("Levers", bot=True))
    application_id: int = field(default_factory=snowflake)
    guild_id: int = field(default_factory=snowflake)
    channel_id: int = field(default_factory=snowflake)
    bot: LeversBot | None = None
    errors: ErrorLog = field(default_factory=ErrorLog)
    fake_thread: bool = False  # serve the fake from its own thread and event loop

    def __post_init__(self) -> None:
        self.http = FakeDiscordHttp(self.bot_user, self.application_id, self.guild_id)
        self.http.token = self.settings.token.get_secret_value()
        self.cdn = Cdn(self.http)
        self.http.channels[self.channel_id] = payloads.text_channel(
            self.channel_id, self.guild_id, "debate"
        )
        self.owner = FakeUser("Owner", permissions=(1 << 41) - 1)
        self.roles: list[payloads.FakeRole] = [payloads.FakeRole("Teachers")]
        self.members: list[FakeUser] = []  # sent in GUILD_CREATE (the bot caches them only
        # with the Server Members intent, as discord.py does with Discord's own payload)
        self._runner: web.AppRunner | None = None
        self._fake_loop: asyncio.AbstractEventLoop | None = None  # with fake_thread only
        self._fake_thread: threading.Thread | None = None
        self.base = ""
        self._saved_base = discord.http.Route.BASE

    async def start(self) -> None:
        """Start the fake server and the bot."""
        await self.start_server()
        await self.start_bot()

    async def start_server(self) -> str:
        """Start the fake Discord alone and point discord.py at it; return its base URL."""
        if self.fake_thread:
            port = await self._serve_on_thread()
        else:
            port = await self._open_site()
        self.base = f"http://127.0.0.1:{port}"
        configure_endpoints(f"{self.base}/api/v10", None)
        for name in ("discord", "levers"):
            logging.getLogger(name).addHandler(self.errors)
        return self.base

    async def _open_site(self) -> int:
        """Serve the fake's app on a free port of 127.0.0.1 (on the running loop)."""
        runner = web.AppRunner(self.http.app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runner = runner
        return int(runner.addresses[0][1])

    async def _serve_on_thread(self) -> int:
        """Start a daemon thread running a new loop, and open the site on that loop."""
        # The fake gateway (tests/discord/fake/ws.py) is driven from the test's loop.
        assert self.http.gateway is None, "fake_thread serves HTTP only, not the gateway"
        self.http.home_loop = asyncio.get_running_loop()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=_run_loop, args=(loop,), name="fake-discord", daemon=True)
        self._fake_loop, self._fake_thread = loop, thread
        thread.start()
        return await self._on_fake_loop(self._open_site())

    async def _on_fake_loop(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the fake's loop and wait for it here without blocking."""
        assert self._fake_loop is not None
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._fake_loop))

    async def _stop_server(self) -> None:
        """Close the fake's server (on its own loop), then stop that loop and its thread."""
        runner, self._runner = self._runner, None
        loop, thread = self._fake_loop, self._fake_thread
        if loop is None or thread is None:
            if runner is not None:
                await runner.cleanup()
            return
        try:
            if runner is not None:
                await self._on_fake_loop(runner.cleanup())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)  # brief: the fake's loop only closes itself now
            assert not thread.is_alive(), "the fake's thread did not stop"
            self._fake_loop = self._fake_thread = None
            self.http.home_loop = None

    async def start_bot(self) -> LeversBot:
        """Log a new bot in, and hand it READY and the guild."""
        bot = self.bot_class(
            self.settings,
            self.starter_factory(self.clock),
            guild_ready_timeout=0.01,
            chunk_guilds_at_startup=False,
        )
        self.bot = bot
        await bot.login(self.settings.token.get_secret_value())
        self.http.dispatch = self.feed
        self.feed("READY", gateway.ready(self.bot_user, self.application_id, self.guild_id))
        channels = [c for c in self.http.channels.values() if c["type"] == 0]
        guild = payloads.guild(self.guild_id, self.owner, channels, self.roles, self.members)
        self.feed("GUILD_CREATE", guild)
        await bot.wait_until_ready()
        # The abuse limit counts real seconds: a transcript clicks faster than any player, and
        # how much faster depends on the machine's load, so its limit would refuse clicks at
        # random. Here each action moves its clock a second on; the limit itself is tested with
        # a stopped clock (test_refusals) and in tests/services/test_throttle.py.
        bot_runtime = getattr(bot, "runtime", None)  # None: a harness started without one
        if isinstance(bot_runtime, Runtime):
            bot_runtime.services.ctx.throttle = Throttle(clock=itertools.count().__next__)
        await self.settle()
        return bot

    async def restart(self) -> LeversBot:
        """Stop the bot as a crash would leave things, and start a fresh one on the same store."""
        await self.stop_bot()
        return await self.start_bot()

    async def stop_bot(self) -> None:
        """Close the bot (its store and workers), keeping the fake's state."""
        await self.settle()
        if self.bot is not None:
            await self.bot.close()
            self.bot = None

    async def stop(self) -> None:
        """Stop everything and restore discord.py's endpoints and loggers."""
        try:
            await self.stop_bot()
        finally:
            await self._stop_server()
            discord.http.Route.BASE = self._saved_base
            for name in ("discord", "levers"):
                logging.getLogger(name).removeHandler(self.errors)

    @property
    def runtime(self) -> Runtime:
        """The running bot's services and workers."""
        assert self.bot is not None, "the bot is not running"
        return runtime_of(self.bot)

    async def advance(self, seconds: float) -> list[FiredTimer]:
        """Move the services' clock on, fire what came due (as the timer worker would)."""
        self.clock.advance(seconds)
        fired = await self.runtime.timers.tick()
        await self.settle()
        return fired

    def feed(self, event: str, data: Json) -> None:
        """Hand a gateway dispatch to the bot through discord.py's own parser."""
        assert self.bot is not None, "the bot is not running"
        self.bot._connection.parsers[event](data)

    async def settle(self) -> None:
        """Wait until discord.py's handler tasks (and the bot's own) have all finished."""
        me = asyncio.current_task()
        while True:
            pending = [
                t
                for t in asyncio.all_tasks()
                if t is not me and not t.done() and t.get_name().startswith(TASK_PREFIXES)
            ]
            if not pending:
                return
            await asyncio.wait(pending)

    # --- people and interactions -----------------------------------------------------------

    def user(self, name: str, *, moderator: bool = False) -> FakeUser:
        """A new member of the server (with Manage Server when ``moderator``)."""
        permissions = payloads.VIEW_SEND_USE | (payloads.MANAGE_GUILD if moderator else 0)
        return FakeUser(name, permissions=permissions)

    def command(self, name: str) -> Json:
        """The synced command with this name (guild commands first)."""
        for scope in (self.guild_id, None):
            for command in self.http.commands.get(scope, []):
                if command["name"] == name:
                    return command
        raise AssertionError(f"no synced command /{name}")

    async def interact(
        self, user: FakeUser, kind: int, data: Json, channel_id: int, message: Sent | None = None
    ) -> Result:
        """Create an interaction, hand it to the bot, wait for the bot, and return its answer."""
        record = self.start_interaction(user, kind, data, channel_id, message)
        await self.settle()
        return Result(record, self.http)

    def start_interaction(
        self, user: FakeUser, kind: int, data: Json, channel_id: int, message: Sent | None = None
    ) -> InteractionRecord:
        """Hand an interaction to the bot without waiting (for concurrency tests and benches)."""
        record = self.new_record(user, kind, data, channel_id, message)
        self.feed("INTERACTION_CREATE", self.interaction_payload(record, message))
        return record

    def new_record(
        self, user: FakeUser, kind: int, data: Json, channel_id: int, message: Sent | None = None
    ) -> InteractionRecord:
        """Register a new interaction with the fake (its token becomes valid)."""
        iid, token = snowflake(), self.http.new_token()
        record = InteractionRecord(iid, token, user, kind, channel_id, self.http.clock(), data=data)
        record.message_id = message.id if message else None
        self.http.register(record)
        return record

    def interaction_payload(self, record: InteractionRecord, message: Sent | None) -> Json:
        """The INTERACTION_CREATE payload for a registered interaction."""
        return gateway.interaction(
            kind=record.kind,
            iid=record.id,
            token=record.token,
            application_id=self.application_id,
            guild_id=int(self.http.channels[record.channel_id].get("guild_id") or self.guild_id),
            channel=self.http.channels[record.channel_id],
            user=record.user,
            data=record.data,
            message=message.data if message else None,
        )

    def slash_data(self, command: str, values: dict[str, Any]) -> Json:
        """The data of ``/command sub ...`` with options, checked against the synced schema."""
        name, *path = command.split()
        return gateway.command_data(self.command(name), path, values)

    async def slash(
        self, user: FakeUser, command: str, channel_id: int | None = None, **values: Any
    ) -> Result:
        """``user`` runs ``/command sub`` with options in a channel (the main one by default)."""
        data = self.slash_data(command, values)
        return await self.interact(user, 2, data, channel_id or self.channel_id)

    def attach(self, filename: str, data: bytes, *, size: int | None = None) -> FakeAttachment:
        """A file to give a slash command's attachment option, served by the fake's CDN
        (``size``: what Discord declares, when a test wants it to differ)."""
        assert self.base, "start the fake server first"
        return self.cdn.add(self.base, filename, data, size)

    async def autocomplete(
        self, user: FakeUser, command: str, option: str, typed: str = "", **values: Any
    ) -> list[Json]:
        """The choices the bot offers while ``user`` types ``typed`` into ``option``."""
        data = gateway.focus(self.slash_data(command, {**values, option: typed}), option)
        record = self.start_interaction(user, 4, data, self.channel_id)
        await self.settle()
        assert record.callbacks == [8] and record.choices is not None, "no choices came back"
        return record.choices

    def join(self, user: FakeUser) -> None:
        """A member joins the server after the bot started (GUILD_MEMBER_ADD, which Discord
        sends only with the Server Members intent; discord.py caches them only then too)."""
        self.members.append(user)
        if self.bot is not None:
            self.feed("GUILD_MEMBER_ADD", {**user.member(), "guild_id": str(self.guild_id)})

    def new_channel(self, name: str) -> Json:
        """A new text channel in the server (the bot hears of it as Discord would tell it)."""
        channel = payloads.text_channel(snowflake(), self.guild_id, name)
        self.http.channels[int(channel["id"])] = channel
        if self.bot is not None:
            self.feed("CHANNEL_CREATE", channel)
        return channel

    def _check_can_see(self, user: FakeUser, message: Sent) -> None:
        assert not message.deleted, "the message was deleted"
        assert not message.ephemeral or message.owner == user.id, (
            f"{user.name} cannot see someone else's ephemeral message"
        )

    async def click(
        self, user: FakeUser, message: Sent, label: str | None = None, custom_id: str | None = None
    ) -> Result:
        """``user`` presses a button that the bot really rendered on ``message``."""
        self._check_can_see(user, message)
        button = message.component(label=label, custom_id=custom_id)
        assert button["type"] == 2 and not button.get("disabled"), f"{label} cannot be pressed"
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self.interact(user, 3, data, message.channel_id, message)

    async def choose(
        self, user: FakeUser, message: Sent, custom_id: str, values: list[str], forge: bool = False
    ) -> Result:
        """``user`` picks options in a select on ``message`` (``forge``: values not offered)."""
        self._check_can_see(user, message)
        select = message.component(custom_id=custom_id)
        offered = {o["value"] for o in select.get("options") or []}
        assert forge or set(values) <= offered, f"{values} are not all offered: {offered}"
        data = {"custom_id": custom_id, "component_type": select["type"], "values": values}
        return await self.interact(user, 3, data, message.channel_id, message)

    async def forge(self, user: FakeUser, message: Sent, custom_id: str) -> Result:
        """A click carrying a custom_id that the message does not have (a forged request)."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(user, 3, data, message.channel_id, message)

    async def submit(self, user: FakeUser, opened: Result, values: dict[str, str]) -> Result:
        """``user`` fills in and submits the modal the bot opened in ``opened`` (a select in a
        label takes one of its options, or none when ``values`` has ``""`` or omits it)."""
        modal = opened.modal
        rows: list[dict[str, Any]] = []
        for row in modal["components"]:
            inputs = row.get("components") or [row.get("component")]
            for item in inputs:
                assert item is not None
                if item["type"] == 3:
                    chosen = values.get(item["custom_id"], "")
                    offered = {o["value"] for o in item.get("options") or []}
                    assert not chosen or chosen in offered, f"{chosen!r} is not offered"
                    picked = {"type": 3, "custom_id": item["custom_id"], "values": []}
                    picked["values"] = [chosen] if chosen else []
                    rows.append({"type": 18, "component": picked})
                    continue
                value = values.get(item["custom_id"], item.get("value") or "")
                assert len(value) <= int(item.get("max_length", 4000)), "the input is too long"
                rows.append(
                    {
                        "type": 1,
                        "components": [{"type": 4, "custom_id": item["custom_id"], "value": value}],
                    }
                )
        data = {"custom_id": modal["custom_id"], "components": rows}
        source = self.http.messages.get(opened.record.message_id or 0)
        return await self.interact(user, 5, data, opened.record.channel_id, source)

    async def forge_modal(
        self, user: FakeUser, message: Sent, custom_id: str, fields: dict[str, str]
    ) -> Result:
        """A modal submission the bot never opened (a forged request)."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        return await self.interact(user, 5, data, message.channel_id, message)

    def channel_messages(self, channel_id: int) -> list[Sent]:
        """Public messages the bot posted in a channel or thread, oldest first."""
        # list() copies in one step: the fake's thread (fake_thread) may add messages meanwhile
        return [
            m
            for m in list(self.http.messages.values())
            if m.channel_id == channel_id and not m.ephemeral and not m.deleted
        ]

    def private_thread_of(self, message: Sent) -> int | None:
        """The private thread (a team's) the message is in, or None."""
        channel = self.http.channels.get(message.channel_id)
        return message.channel_id if channel is not None and channel["type"] == 12 else None

    def texts_seen_by(self, user: FakeUser) -> list[str]:
        """Every version of every message ``user`` can see: the public ones, those in the
        private threads they were added to, and their own ephemeral answers (for secrecy
        scans of spectators and other teams)."""
        texts = self.public_texts()
        for message in list(self.http.messages.values()):
            thread = self.private_thread_of(message)
            theirs = thread is not None and user.id in self.http.thread_members.get(thread, ())
            if (message.ephemeral and message.owner == user.id) or theirs:
                texts.append(message.text())
                texts.extend(str(v) for v in message.history)
        return texts

    def public_texts(self) -> list[str]:
        """Every version of every public message (not in a private thread), as text."""
        texts: list[str] = []
        for message in list(self.http.messages.values()):
            if not message.ephemeral and self.private_thread_of(message) is None:
                texts.append(message.text())
                texts.extend(str(v) for v in message.history)
        return texts


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The fake's thread: run its loop until stopped, then close it cleanly."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
