"""Acknowledgments sent the moment an interaction is parsed, before any handler runs.

Most handlers begin with the same deferral whatever the click (``defer()`` for a button that
redraws the panel, ``defer(ephemeral=True, thinking=True)`` for one that answers privately), and
the argument modal a pick opens depends only on the move and the match's scenario. A cog says
so when it registers the action (``Router.add(action, handler, early=...)``); the bot's
INTERACTION_CREATE parser then hands that answer to ``AckSender`` (its own thread and loop)
before discord.py even builds the ``Interaction``, so the acknowledgment never waits behind the
work queued on the bot's event loop. The handler runs as before: ``Router.dispatch`` and
``on_interaction`` first ``settle`` the interaction (wait for the callback's answer and put an
``EarlyResponse`` in place), after which the handler's own ``defer()`` or ``send_modal()`` is a
no-op and its followups and edits go out as usual.

If the early callback fails (the network, Discord), the interaction is left unanswered and the
handler's own call makes the normal attempt, so nothing changes for the player but the delay.
An early answer that differs from what the handler then asks for is logged as an error: the
registration is wrong, and the whole Discord test suite runs with early answers on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
from discord.interactions import InteractionCallbackResponse

from bot.discord import ids
from bot.discord.ack_sender import AckSender
from bot.discord.release import unlink
from bot.discord.replies import ALREADY_ACKNOWLEDGED

log = logging.getLogger("levers.discord")

Json = dict[str, Any]
Parser = Callable[[Any], None]
COMPONENT, MODAL_SUBMIT = 3, 5  # the interaction types with an lv: custom_id
ACK_WAIT = 3.0  # Discord's own deadline: past it, the early answer is of no use anyway
PENDING_MAX = 10_000  # early answers not yet settled (on_interaction settles each at once)
REMEMBERED = 4_096  # what modal builders keep (a pick's scenario per player and match)


@dataclass(frozen=True)
class Deferral:
    """A deferral, as ``InteractionResponse.defer`` would send it for a component or a modal
    submission: a deferred update (type 6), or "thinking" (type 5), ephemeral or not."""

    thinking: bool = False
    ephemeral: bool = False

    def payload(self) -> Json:
        """The callback's body."""
        body: Json = {"type": self.response_type.value}
        if self.thinking and self.ephemeral:
            body["data"] = {"flags": discord.MessageFlags(ephemeral=True).value}
        return body

    @property
    def response_type(self) -> discord.InteractionResponseType:
        """The response type discord.py records once it is sent."""
        if self.thinking:
            return discord.InteractionResponseType.deferred_channel_message
        return discord.InteractionResponseType.deferred_message_update


DEFER = Deferral()
THINKING_PRIVATELY = Deferral(thinking=True, ephemeral=True)


@dataclass(frozen=True)
class Asked:
    """What the parser knows of a click before discord.py builds the interaction."""

    route: ids.Route
    values: tuple[str, ...]
    user_id: int
    guild_id: int | None


# Builds the modal a click opens from what is in memory, or None to leave it to the handler.
ModalFor = Callable[["EarlyAcks", Asked], discord.ui.Modal | None]
Early = Deferral | ModalFor
Lookup = Callable[[str], Early | None]


class EarlyResponse(discord.InteractionResponse[Any]):
    """An interaction's response once the early answer reached Discord: the handler's own
    ``defer`` or ``send_modal`` returns what was already sent instead of sending again."""

    __slots__ = ("_answer", "_sent")

    def __init__(
        self, parent: discord.Interaction[Any], sent: Deferral | Json, answer: Any
    ) -> None:
        super().__init__(parent)
        self._sent = sent
        self._answer = answer
        self._response_type = (
            sent.response_type
            if isinstance(sent, Deferral)
            else discord.InteractionResponseType.modal
        )

    def _sent_response(self) -> InteractionCallbackResponse[Any]:
        assert self._response_type is not None
        return InteractionCallbackResponse(
            data=self._answer,
            parent=self._parent,
            state=self._parent._state,
            type=self._response_type,
        )

    async def defer(
        self, *, ephemeral: bool = False, thinking: bool = False
    ) -> InteractionCallbackResponse[Any] | None:
        """Already deferred (as the handler asks now, or the registration is wrong: logged)."""
        asked = Deferral(thinking=thinking, ephemeral=ephemeral and thinking)
        if asked != self._sent:
            log.error(
                "early answer %r to %s, but its handler deferred as %r",
                self._sent,
                _custom_id(self._parent),
                asked,
            )
        return self._sent_response() if self._answer else None

    async def send_modal(self, modal: discord.ui.Modal, /) -> InteractionCallbackResponse[Any]:
        """Already sent (the handler built the same modal, or the registration is wrong)."""
        opened = modal.to_dict()
        unlink(modal)  # not kept: what was sent is ``self._sent``
        if self._sent != opened:
            log.error(
                "early answer %r to %s, but its handler opened a modal",
                self._sent,
                _custom_id(self._parent),
            )
        return self._sent_response()


def _custom_id(interaction: discord.Interaction[Any]) -> str:
    data: Json = dict(interaction.data or {})
    return str(data.get("custom_id", "?"))


@dataclass
class _Posted:
    """An early answer handed to the sender: its future, what it was, how to send it again,
    and (once someone waits for it) the one task that finds out whether it arrived."""

    future: concurrent.futures.Future[Any]
    sent: Deferral | Json  # a deferral, or the modal's body as sent
    token: str
    payload: Json
    outcome: asyncio.Future[tuple[bool, Any]] | None = None


class EarlyAcks:
    """The early answers of one bot: sent from the parser, settled by the handlers."""

    def __init__(self, lookup: Lookup, sender: AckSender | None) -> None:
        self._lookup = lookup
        self._sender = sender
        self._pending: dict[int, _Posted] = {}
        self._remembered: OrderedDict[Hashable, Any] = OrderedDict()
        self.sent = 0  # early answers handed to the sender (for tests and the benchmark)

    @property
    def enabled(self) -> bool:
        """False when the operator turned early answers off (``LEVERS_EARLY_ACK=0``)."""
        return self._sender is not None

    def wrap(self, parser: Parser) -> Parser:
        """``parser``, answering early what can be before it runs."""
        if self._sender is None:
            return parser

        def parse(data: Any) -> None:
            try:
                self.answer(data)
            except Exception:  # an early answer is an optimisation: never lose the parse
                log.exception("could not answer interaction %s early", data.get("id"))
            parser(data)

        return parse

    def answer(self, data: Json) -> bool:
        """Send the registered early answer of this INTERACTION_CREATE payload, if it has one."""
        if self._sender is None or data.get("type") not in (COMPONENT, MODAL_SUBMIT):
            return False
        if data.get("guild_id") is None:
            return False  # a direct message: the handlers refuse those with a message of their own
        inner: Json = data.get("data") or {}
        route = ids.parse(str(inner.get("custom_id", "")))
        early = self._lookup(route.action) if route is not None else None
        if route is None or early is None:
            return False
        sent: Deferral | Json
        if isinstance(early, Deferral):
            if not early.thinking and not data.get("message"):
                return False  # nothing to update: the handler finds out and says so
            sent = early
            payload = early.payload()
        else:
            if data["type"] != COMPONENT:
                return False  # a modal answers a click, never a modal's submission
            built = early(self, _asked(route, data))
            if built is None:
                return False
            sent = built.to_dict()
            unlink(built)  # its body is all that is kept
            payload = {"type": discord.InteractionResponseType.modal.value, "data": sent}
        interaction_id = int(data["id"])
        if len(self._pending) >= PENDING_MAX:
            self._pending.pop(next(iter(self._pending)))
        token = str(data["token"])
        future = self._sender.post(interaction_id, token, payload)
        self._pending[interaction_id] = _Posted(future, sent, token, payload)
        self.sent += 1
        return True

    async def settle(self, interaction: discord.Interaction[Any], *, last: bool = False) -> None:
        """Wait for the interaction's early answer, if it had one, and mark it answered.
        ``last``: the final caller (``on_interaction``, which runs for every interaction)
        forgets the entry."""
        entry = (self._pending.pop if last else self._pending.get)(interaction.id, None)
        if entry is None or isinstance(interaction.response, EarlyResponse):
            return
        if entry.outcome is None:  # the router and on_interaction both wait: one asks again
            entry.outcome = asyncio.ensure_future(self._outcome(interaction.id, entry))
        arrived, answer = await asyncio.shield(entry.outcome)
        if arrived and not isinstance(interaction.response, EarlyResponse):
            response = EarlyResponse(interaction, entry.sent, answer)
            interaction._cs_response = response  # type: ignore[attr-defined]

    async def _outcome(self, interaction_id: int, entry: _Posted) -> tuple[bool, Any]:
        """Whether the early answer reached Discord, and Discord's answer to it."""
        future = entry.future
        for attempt in (1, 2):
            try:
                return True, await asyncio.wait_for(asyncio.wrap_future(future), ACK_WAIT)
            except discord.HTTPException as err:
                if err.code == ALREADY_ACKNOWLEDGED:
                    return True, None  # an earlier attempt arrived; its answer was lost
                log.warning(
                    "early answer to %s refused (%s); the handler answers", interaction_id, err
                )
                return False, None
            except (aiohttp.ClientError, OSError) as err:
                if attempt == 2 or self._sender is None:
                    log.warning(
                        "early answer to %s lost (%r); the handler answers", interaction_id, err
                    )
                    return False, None
                # the answer was lost on the way back: ask again, as ``replies.respond`` does;
                # "already acknowledged" then means the first one arrived
                future = self._sender.post(interaction_id, entry.token, entry.payload)
            except TimeoutError:
                log.warning(
                    "early answer to %s took over %s s; the handler answers",
                    interaction_id,
                    ACK_WAIT,
                )
                return False, None
        return False, None

    def remember(self, key: Hashable, value: Any) -> None:
        """Keep something a modal builder needs (the latest REMEMBERED keys)."""
        self._remembered[key] = value
        self._remembered.move_to_end(key)
        if len(self._remembered) > REMEMBERED:
            self._remembered.popitem(last=False)

    def recall(self, key: Hashable) -> Any:
        """What was remembered under ``key``, or None."""
        return self._remembered.get(key)

    async def close(self) -> None:
        """Stop the sender's thread."""
        if self._sender is not None:
            await self._sender.close()


def _asked(route: ids.Route, data: Json) -> Asked:
    inner: Json = data.get("data") or {}
    member: Json = data.get("member") or {}
    user: Json = member.get("user") or data.get("user") or {}
    guild = data.get("guild_id")
    return Asked(
        route=route,
        values=tuple(str(v) for v in inner.get("values") or ()),
        user_id=int(user.get("id") or 0),
        guild_id=int(guild) if guild is not None else None,
    )


def early_of(client: discord.Client) -> EarlyAcks | None:
    """The bot's early answers (None for a client without them)."""
    found = getattr(client, "early", None)
    return found if isinstance(found, EarlyAcks) else None
