"""Persistent components: one ``DynamicItem`` for every ``lv:`` button and select, plus a router.

Views are built from plain buttons and selects whose custom_ids come from ``ids``; when one is
used, discord.py rebuilds it as a ``Routed`` item (registered in ``setup_hook``) and the router
calls the handler a cog registered for the action. Modal submissions and clicks that discord.py
would drop silently (a custom_id that is not on the message: forged or stale) reach
``on_interaction`` and get an answer too. No state lives in these objects: all of it is in the
store, so a button posted before a restart works after it.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.ui.view import BaseView

from bot.discord import ids, limits
from bot.discord.early import Early, early_of
from bot.discord.release import hold, unlink
from bot.discord.replies import on_error, refuse

log = logging.getLogger("levers.discord")


@dataclass(frozen=True)
class Given:
    """What the player gave with a click: the values chosen in a select, or a modal's fields."""

    values: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)


Handler = Callable[[discord.Interaction[Any], ids.Route, Given], Awaitable[None]]
NOT_ON_MESSAGE = "That control is not on this message any more. Use the latest one."
UNKNOWN = "That control is not one I know. Use the latest message of the match."
# the interactions whose every task is ours (``Router.dispatch``, ``on_interaction``)
ROUTED_TYPES = (discord.InteractionType.component, discord.InteractionType.modal_submit)


class Router:
    """Which handler answers which ``lv:`` action (cogs register theirs in ``setup``)."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._early: dict[str, Early] = {}

    def add(self, action: str, handler: Handler, early: Early | None = None) -> None:
        """Register the handler of an action; an action has exactly one handler. ``early``:
        the answer the bot may send as soon as the click is parsed (``bot/discord/early.py``),
        which must be what the handler itself would answer first."""
        if action in self._handlers:
            raise ValueError(f"two handlers for the action {action!r}")
        self._handlers[action] = handler
        if early is not None:
            self._early[action] = early

    def remove(self, action: str) -> None:
        """Forget an action's handler (when its cog is unloaded)."""
        self._handlers.pop(action, None)
        self._early.pop(action, None)

    def early(self, action: str) -> Early | None:
        """The early answer registered for an action, if any."""
        return self._early.get(action)

    async def dispatch(
        self, interaction: discord.Interaction[Any], route: ids.Route, given: Given
    ) -> None:
        """Run the action's handler; whatever it raises goes to ``on_error``."""
        hold(interaction)
        early = early_of(interaction.client)
        if early is not None:
            await early.settle(interaction)
        handler = self._handlers.get(route.action)
        if handler is None:
            await refuse(interaction, UNKNOWN)
            return
        try:
            await handler(interaction, route, given)
        except Exception as err:
            await on_error(interaction, err)


def router_of(client: discord.Client) -> Router:
    """The router of the running bot."""
    router = getattr(client, "router", None)
    assert isinstance(router, Router), "the client has no router"
    return router


class Routed(discord.ui.DynamicItem[discord.ui.Item[Any]], template=ids.TEMPLATE):
    """Any ``lv:`` button or select, rebuilt from its custom_id when it is used."""

    def __init__(self, item: discord.ui.Item[Any], route: ids.Route) -> None:
        self._view_ref: weakref.ref[BaseView] | None = None
        super().__init__(item)
        self.route = route

    # The view holds its items; an item's link back to its view is weak, so a view of these is
    # freed by reference counting once sent, not by the garbage collector (docs/performance.md).
    @property  # type: ignore[override]
    def _view(self) -> BaseView | None:
        return self._view_ref() if self._view_ref is not None else None

    @_view.setter
    def _view(self, view: BaseView | None) -> None:
        self._view_ref = weakref.ref(view) if view is not None else None

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Routed:
        """Wrap the component the message really has."""
        return cls(item, ids.route_of(match))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click (or the chosen values) to the router."""
        values = tuple(str(v) for v in getattr(self.item, "values", []) or [])
        try:
            await router_of(interaction.client).dispatch(interaction, self.route, Given(values))
        finally:
            unlink(self.view)  # the view discord.py rebuilt from the message, used up now


def button(
    custom_id: str,
    text: str,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    disabled: bool = False,
) -> Routed:
    """A persistent button (its label shortened to Discord's limit with a visible mark)."""
    route = ids.parse(custom_id)
    assert route is not None, f"{custom_id!r} is not an lv: custom_id"
    inner: discord.ui.Button[Any] = discord.ui.Button(
        label=limits.fit(text, limits.BUTTON_LABEL),
        style=style,
        custom_id=custom_id,
        disabled=disabled,
    )
    return Routed(inner, route)


def select(
    custom_id: str,
    options: Sequence[discord.SelectOption],
    placeholder: str,
    max_values: int = 1,
) -> Routed:
    """A persistent select menu with at most 25 options."""
    route = ids.parse(custom_id)
    assert route is not None, f"{custom_id!r} is not an lv: custom_id"
    inner: discord.ui.Select[Any] = discord.ui.Select(
        custom_id=custom_id,
        options=list(options),
        placeholder=limits.fit(placeholder, limits.PLACEHOLDER),
        min_values=1,
        max_values=max_values,
    )
    return Routed(inner, route)


def option(value: str, text: str, description: str | None = None) -> discord.SelectOption:
    """A select option; label and description shortened to 100 characters with a mark."""
    return discord.SelectOption(
        label=limits.fit(" ".join(text.split()), limits.OPTION_TEXT),
        value=value,
        description=limits.fit(" ".join(description.split()), limits.OPTION_TEXT)
        if description
        else None,
    )


def view(*rows: Sequence[Routed]) -> discord.ui.View:
    """A persistent view, one list of items per row, checked against Discord's limits."""
    made = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for item in row:
            item.row = number
            made.add_item(item)
    limits.check_view(made)
    # Never listened to: a click reaches its Routed item by custom_id (registered once in
    # setup_hook). A view discord.py listens to is kept until it times out, and it gives a
    # view sent in an ephemeral message a 15-minute timeout: every panel a player opened, its
    # selects and options with it, stayed in memory that long (docs/performance.md).
    made.stop()
    return made


def _message_has(message: discord.Message | None, custom_id: str) -> bool:
    if message is None:
        return False
    for row in message.components:
        for child in getattr(row, "children", []):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False


async def on_interaction(interaction: discord.Interaction[Any]) -> None:
    """Answer what discord.py itself does not dispatch: modal submissions and stray clicks.
    It runs for every interaction, so it is the one that forgets an early answer once settled."""
    if interaction.type in ROUTED_TYPES:
        hold(interaction)
    early = early_of(interaction.client)
    if early is not None:
        await early.settle(interaction, last=True)
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    if interaction.type is discord.InteractionType.modal_submit:
        route = ids.parse(custom_id)
        if route is None:
            await refuse(interaction, UNKNOWN)
            return
        given = Given(fields=modal_values(data))
        await router_of(interaction.client).dispatch(interaction, route, given)
    elif interaction.type is discord.InteractionType.component:
        if ids.parse(custom_id) is None and custom_id.startswith("lv:"):
            await refuse(interaction, UNKNOWN)
        elif ids.parse(custom_id) is not None and not _message_has(interaction.message, custom_id):
            await refuse(interaction, NOT_ON_MESSAGE)


def modal_values(data: dict[str, Any]) -> dict[str, str]:
    """The submitted inputs by custom_id (inside action rows or labels): a text input's value,
    a select's chosen value (the first; "" when none was chosen)."""
    found: dict[str, str] = {}
    for row in data.get("components") or []:
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for item in inner:
            if "custom_id" not in item:
                continue
            if "values" in item:
                chosen = item.get("values") or [""]
                found[str(item["custom_id"])] = str(chosen[0])
            else:
                found[str(item["custom_id"])] = str(item.get("value") or "")
    return found
