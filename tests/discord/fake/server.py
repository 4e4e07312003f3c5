"""The fake Discord's HTTP side: REST routes and the interaction webhooks, checked like Discord.

Every request is logged. Unknown routes, limit violations and protocol mistakes (a second initial
response, a response after 3 s, a followup before any response) are answered with Discord's own
error codes and recorded in ``failures`` so the test that caused them fails.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.discord.fake import limits, payloads
from tests.discord.fake.faults import Faults, inject
from tests.discord.fake.files import UPLOADS, attach
from tests.discord.fake.payloads import FakeUser, snowflake
from tests.discord.fake.state import EPHEMERAL, LOADING, InteractionRecord, Sent
from tests.discord.fake.wire import DiscordError, fail_if, read_body, reply

Json = dict[str, Any]
Handler = Callable[[web.Request, Json, dict[str, str]], Awaitable[web.Response]]
Dispatch = Callable[[str, Json], None]
TOKEN_LIFETIME = 15 * 60
ACK_DEADLINE = 3.0


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The loop running in this thread, or None (outside any loop)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@dataclass
class Request:
    """One request the bot made, as logged."""

    method: str
    path: str
    body: Json
    files: list[str]


class FakeDiscordHttp:
    """Routes and their handlers; the message and interaction state lives here too."""

    def __init__(self, bot_user: FakeUser, application_id: int, guild_id: int) -> None:
        self.bot_user = bot_user
        self.application_id = application_id
        self.guild_id = guild_id
        self.channels: dict[int, Json] = {}
        self.thread_members: dict[int, set[int]] = {}  # thread id -> user ids added to it
        self.messages: dict[int, Sent] = {}
        # (channel, nonce) -> the first message posted with it: Discord's duplicate check, kept
        # as an index (a scan of every message made each post cost O(messages), so a long
        # benchmark's posts slowed down the bot sharing this process)
        self._nonces: dict[tuple[int, Any], Sent] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.commands: dict[int | None, list[Json]] = {}
        self.requests: list[Request] = []
        self.failures: list[str] = []
        self.dispatch: Dispatch | None = None
        # The loop the tests and the bot run on, when this server runs on its own thread and
        # loop (``Harness(fake_thread=True)``); None when both share one loop. Events the
        # tests wait on are set there, and gateway dispatches run there.
        self.home_loop: asyncio.AbstractEventLoop | None = None
        self.tokens: dict[str, InteractionRecord] = {}
        self.gateway: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None
        self.faults = Faults()  # misbehaviour on command (tests/discord/fake/faults.py)
        self.private_threads = True  # False: the bot lacks Create Private Threads (403)
        self.posted = asyncio.Event()  # set at every new message (tests wait on it)
        self.clock: Callable[[], float] = lambda: (
            asyncio.get_running_loop().time() + self.faults.skew
        )
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._build_routes()

    def _wake(self, event: asyncio.Event) -> None:
        """Set an event the home loop waits on (an asyncio.Event is not thread-safe: set from
        another loop's thread, its waiters would not be woken reliably)."""
        home = self.home_loop
        if home is None or _running_loop() is home:
            event.set()
        else:
            home.call_soon_threadsafe(event.set)

    def _send(self, event: str, data: Json) -> None:
        """Hand a gateway dispatch to the bot (discord.py's parsers run on the bot's loop only).

        From the server's own thread the dispatch is queued on the home loop before the
        handler returns, so before its HTTP response is written: the bot's client can only read
        the response after a later poll of its socket, which queues the read behind the
        dispatch. So the bot sees the event before its request returns, as on a shared loop
        (where the dispatch runs inside the handler).
        """
        dispatch = self.dispatch
        if dispatch is None:
            return
        home = self.home_loop
        if home is None or _running_loop() is home:
            dispatch(event, data)
        else:
            home.call_soon_threadsafe(self._dispatch_now, dispatch, event, data)

    def _dispatch_now(self, dispatch: Dispatch, event: str, data: Json) -> None:
        # On the home loop, an exception would only reach asyncio's log: record it as a failure,
        # as the request that caused it would have failed on a shared loop.
        try:
            dispatch(event, data)
        except Exception as err:
            self.failures.append(f"dispatch {event}: {err!r}")

    def requests_for(self, message_id: int) -> Json:
        """The body of the request that created a message (to check what the bot asked for)."""
        sent = self.messages[message_id]
        return sent.history[0]

    def _route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(f"^/api/v10{pattern}$"), handler))

    def _build_routes(self) -> None:
        r, i = self._route, r"(?P<iid>\d+)/(?P<token>[^/]+)"
        hook, msg = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", r"(?P<message>@original|\d+)"
        r("GET", "/users/@me", self._me)
        r("GET", "/oauth2/applications/@me", self._application)
        r("PUT", r"/applications/(?P<app>\d+)/commands", self._sync)
        r("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands", self._sync)
        r("GET", r"/channels/(?P<channel>\d+)", self._get_channel)
        r("POST", r"/channels/(?P<channel>\d+)/messages", self._create_message)
        r("GET", r"/channels/(?P<channel>\d+)/messages", self._history)
        r("GET", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._get_message)
        r("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._edit_message)
        r("DELETE", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._delete)
        r("POST", r"/channels/(?P<channel>\d+)/threads", self._create_thread)
        r(
            "POST",
            r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)/threads",
            self._create_thread,
        )
        member = r"/channels/(?P<channel>\d+)/thread-members/(?P<user>\d+)"
        r("PUT", member, self._thread_member)
        r("DELETE", member, self._thread_member)
        r("POST", f"/interactions/{i}/callback", self._callback)
        r("POST", hook, self._followup)
        r("GET", f"{hook}/messages/{msg}", self._webhook_get)
        r("PATCH", f"{hook}/messages/{msg}", self._webhook_edit)
        r("DELETE", f"{hook}/messages/{msg}", self._webhook_delete)

    def app(self) -> web.Application:
        """The aiohttp application: one handler that routes, logs and checks."""
        application = web.Application(client_max_size=32 * 1024 * 1024)
        if self.gateway is not None:
            application.router.add_get("/gateway", self.gateway)
        application.router.add_route("*", "/{tail:.*}", self._handle)
        return application

    async def _handle(self, request: web.Request) -> web.Response:
        body, uploads = await read_body(request)
        names = [u.filename for u in uploads]
        self.requests.append(Request(request.method, request.path, body, names))
        UPLOADS.set(tuple(uploads))  # this request's task only: see ``files.attach``
        return await inject(self.faults, request, self.clock(), lambda: self._answer(request, body))

    async def _answer(self, request: web.Request, body: Any) -> web.Response:
        for method, pattern, handler in self.routes:
            found = pattern.match(request.path)
            if found and method == request.method:
                try:
                    return await handler(request, body, found.groupdict())
                except DiscordError as err:
                    self.failures.append(f"{request.method} {request.path}: {err.message}")
                    data = {"message": err.message, "code": err.code}
                    if err.errors is not None:
                        data["errors"] = err.errors
                    return reply(data, err.status)
        self.failures.append(f"unknown route {request.method} {request.path}")
        return reply({"message": "404: Not Found", "code": 0}, 404)

    # --- REST -----------------------------------------------------------------------------

    async def _me(self, request: web.Request, body: Json, p: dict[str, str]) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.token}":
            raise DiscordError(401, 0, "401: Unauthorized")
        return reply(self.bot_user.user())

    token = "fake-token"

    async def _application(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        return reply(
            {
                "id": str(self.application_id),
                "name": "Levers",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.bot_user.user(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "summary": "",
            }
        )

    async def _sync(self, request: web.Request, body: Any, p: dict[str, str]) -> web.Response:
        commands: list[Json] = body if isinstance(body, list) else []
        guild = int(p["guild"]) if "guild" in p else None
        fail_if(limits.check_commands(commands, global_=guild is None))
        stored = []
        for command in commands:
            stored.append(
                {
                    **command,
                    "id": str(snowflake()),
                    "application_id": str(self.application_id),
                    "version": str(snowflake()),
                    "type": command.get("type", 1),
                    **({"guild_id": str(guild)} if guild else {}),
                }
            )
        self.commands[guild] = stored
        return reply(stored)

    def _channel(self, channel_id: str) -> Json:
        found = self.channels.get(int(channel_id))
        if found is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return found

    async def _get_channel(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        return reply(self._channel(p["channel"]))

    def store(
        self, channel_id: int, body: Json, *, ephemeral: bool, owner: int | None, iid: int | None
    ) -> Sent:
        """Keep a new message and return it."""
        problems = limits.check_message(body)
        fail_if(problems)
        message_id = snowflake()
        flags = (EPHEMERAL if ephemeral else 0) | (int(body.get("flags") or 0) & ~EPHEMERAL)
        data = payloads.message(
            message_id, channel_id, self.bot_user.user(), body, guild_id=self.guild_id, flags=flags
        )
        sent = Sent(message_id, channel_id, data, ephemeral, owner, iid, [dict(body)])
        attach(sent, body)
        self.messages[message_id] = sent
        self._wake(self.posted)
        return sent

    def edit(self, sent: Sent, body: Json) -> Sent:
        """Apply an edit (only the keys given change) and return the message."""
        if sent.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        merged = {k: sent.data.get(k) for k in ("content", "embeds", "components")}
        merged.update({k: v for k, v in body.items() if k in merged})
        fail_if(limits.check_message(merged, edit=True))
        attach(sent, body)
        sent.data.update(merged)
        sent.data["flags"] = int(sent.data.get("flags") or 0) & ~LOADING
        sent.data["edited_timestamp"] = payloads.TIMESTAMP
        sent.history.append(dict(body))
        return sent

    async def _create_message(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        channel = self._channel(p["channel"])
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce") and not self.faults.forget_nonces:
            old = self._nonces.get((int(channel["id"]), nonce))
            if old is not None:
                return reply(old.data)  # Discord drops the duplicate, returns the original
        sent = self.store(int(channel["id"]), body, ephemeral=False, owner=None, iid=None)
        sent.nonce = nonce
        if nonce is not None:
            self._nonces.setdefault((sent.channel_id, nonce), sent)
        return reply(sent.data)

    async def _history(self, request: web.Request, body: Json, p: dict[str, str]) -> web.Response:
        """A channel's messages, newest first (``limit`` up to 100, ``before``/``after`` ids)."""
        channel_id = int(self._channel(p["channel"])["id"])
        limit = int(request.query.get("limit", "50"))
        if not 1 <= limit <= 100:
            raise DiscordError(400, 50035, "Invalid Form Body", {"limit": "1 to 100"})
        before = int(request.query.get("before", str(1 << 63)))
        after = int(request.query.get("after", "0"))
        found = [
            m.data
            for m in sorted(self.messages.values(), key=lambda m: m.id, reverse=True)
            if m.channel_id == channel_id
            and not m.ephemeral
            and not m.deleted
            and after < m.id < before
        ]
        return reply(found[:limit] if "after" not in request.query else found[-limit:])

    def _message(self, channel: str, message: str) -> Sent:
        found = self.messages.get(int(message))
        if found is None or found.deleted or found.channel_id != int(channel) or found.ephemeral:
            raise DiscordError(404, 10008, "Unknown Message")
        return found

    async def _get_message(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        return reply(self._message(p["channel"], p["message"]).data)

    async def _edit_message(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        return reply(self.edit(self._message(p["channel"], p["message"]), body).data)

    async def _delete(self, request: web.Request, body: Json, p: dict[str, str]) -> web.Response:
        self._message(p["channel"], p["message"]).deleted = True
        return web.Response(status=204)

    async def _thread_member(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        """Add a user to a thread, or remove one (private threads: who may see it)."""
        thread = self._channel(p["channel"])
        if thread["type"] not in (11, 12):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        if request.method == "DELETE" and thread["type"] == 11:
            # Without Manage Threads (which the bot never asks for) only a private thread's
            # creator may take someone out of it.
            raise DiscordError(403, 50013, "Missing Permissions")
        members = self.thread_members.setdefault(int(thread["id"]), set())
        if request.method == "PUT":
            members.add(int(p["user"]))
        else:
            members.discard(int(p["user"]))
        return web.Response(status=204)

    async def _create_thread(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        parent = self._channel(p["channel"])
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            raise DiscordError(400, 50035, "Invalid Form Body", {"name": "1 to 100 characters"})
        thread_id = int(p["message"]) if "message" in p else snowflake()
        kind = int(body.get("type") or 11)
        if kind == 12 and not self.private_threads:
            raise DiscordError(403, 50013, "Missing Permissions")
        guild_id = int(parent.get("guild_id") or self.guild_id)  # the parent's server
        thread = payloads.thread_channel(
            thread_id, guild_id, int(parent["id"]), name, self.bot_user.id, kind
        )
        self.channels[thread_id] = thread
        self._send("THREAD_CREATE", {**thread, "newly_created": True})
        return reply(thread, 201)

    # --- interactions ----------------------------------------------------------------------

    def _interaction(self, iid: str, token: str) -> InteractionRecord:
        record = self.interactions.get(int(iid))
        if record is None or record.token != token:
            raise DiscordError(404, 10062, "Unknown interaction")
        if self.clock() - record.created > TOKEN_LIFETIME:
            raise DiscordError(404, 10062, "Unknown interaction")
        return record

    def register(self, record: InteractionRecord) -> None:
        """An interaction handed to the bot: its id and token become valid."""
        self.interactions[record.id] = record
        self.tokens[record.token] = record

    def _by_token(self, app: str, token: str) -> InteractionRecord:
        record = self.tokens.get(token)
        if int(app) != self.application_id or record is None or not record.callbacks:
            raise DiscordError(404, 10015, "Unknown Webhook")
        return record

    async def _callback(self, request: web.Request, body: Json, p: dict[str, str]) -> web.Response:
        record = self._interaction(p["iid"], p["token"])
        now = self.clock()
        if record.callbacks:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if now - record.created > ACK_DEADLINE:
            raise DiscordError(404, 10062, "Unknown interaction")
        kind, data = int(body["type"]), body.get("data") or {}
        record.callbacks.append(kind)
        record.acked_at = now
        try:
            resource = self._respond(record, kind, data)
        finally:
            # Wake waiters only once the record is complete (its modal, message, choices): from
            # the fake's own thread a waiter runs at once, and would miss what is set after.
            self._wake(record.answered)
            record.touch(self._wake)
        answer: Json = {
            "interaction": {
                "id": str(record.id),
                "type": record.kind,
                "response_message_id": str(record.original) if record.original else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if resource is not None:
            answer["resource"] = resource
        return reply(answer)

    def _respond(self, record: InteractionRecord, kind: int, data: Json) -> Json | None:
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        if kind == 4:
            sent = self.store(
                record.channel_id, data, ephemeral=ephemeral, owner=record.user.id, iid=record.id
            )
            record.original = sent.id
            return {"type": 4, "message": sent.data}
        if kind == 5:
            placeholder = {"content": "", "flags": LOADING}
            sent = self._placeholder(record, placeholder, ephemeral)
            record.original, record.deferred_ephemeral = sent.id, ephemeral
            return {"type": 5, "message": sent.data}
        if kind in (6, 7):
            if record.message_id is None:
                raise DiscordError(400, 40004, "Interaction has no message to update")
            if kind == 7:
                self.edit(self.messages[record.message_id], data)
            return {"type": kind, "message": self.messages[record.message_id].data}
        if (kind == 8) != (record.kind == 4):
            raise DiscordError(400, 50035, "autocomplete is answered with choices (type 8) only")
        if kind == 8:
            fail_if(limits.check_choices(data))
            record.choices = list(data.get("choices") or [])
            return None
        if kind == 9:
            if record.kind == 5:
                raise DiscordError(400, 50035, "A modal cannot answer a modal submit")
            fail_if(limits.check_modal(data))
            record.modal = data
            return None
        raise DiscordError(400, 50035, f"unsupported interaction response type {kind}")

    def _placeholder(self, record: InteractionRecord, body: Json, ephemeral: bool) -> Sent:
        message_id = snowflake()
        flags = LOADING | (EPHEMERAL if ephemeral else 0)
        data = payloads.message(
            message_id,
            record.channel_id,
            self.bot_user.user(),
            body,
            guild_id=self.guild_id,
            flags=flags,
        )
        sent = Sent(message_id, record.channel_id, data, ephemeral, record.user.id, record.id)
        self.messages[message_id] = sent
        return sent

    async def _followup(self, request: web.Request, body: Json, p: dict[str, str]) -> web.Response:
        record = self._by_token(p["app"], p["token"])
        ephemeral = bool(int(body.get("flags") or 0) & EPHEMERAL)
        if record.callbacks == [5] and record.original and not record.followups:
            original = self.messages[record.original]
            if int(original.data.get("flags") or 0) & LOADING and not original.deleted:
                # The first followup after a deferral fills in the deferred message.
                self.edit(original, body)
                record.followups.append(original.id)
                record.touch(self._wake)
                return reply(original.data)
        sent = self.store(
            record.channel_id, body, ephemeral=ephemeral, owner=record.user.id, iid=record.id
        )
        record.followups.append(sent.id)
        record.touch(self._wake)
        return reply(sent.data)

    def _hook_message(self, record: InteractionRecord, message: str) -> Sent:
        original = record.original
        if original is None and record.callbacks[:1] in ([6], [7]):
            original = record.message_id  # after an update, @original is the clicked message
        message_id = original if message == "@original" else int(message)
        if message_id is None or message_id not in self.messages:
            raise DiscordError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    async def _webhook_get(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        record = self._by_token(p["app"], p["token"])
        return reply(self._hook_message(record, p["message"]).data)

    async def _webhook_edit(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        record = self._by_token(p["app"], p["token"])
        edited = self.edit(self._hook_message(record, p["message"]), body)
        record.edits += 1
        record.touch(self._wake)
        return reply(edited.data)

    async def _webhook_delete(
        self, request: web.Request, body: Json, p: dict[str, str]
    ) -> web.Response:
        record = self._by_token(p["app"], p["token"])
        self._hook_message(record, p["message"]).deleted = True
        return web.Response(status=204)

    def new_token(self) -> str:
        """A fresh interaction token."""
        return "tok_" + secrets.token_urlsafe(24)
