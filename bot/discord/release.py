"""Interactions freed by reference counting when their handlers are done, not by the collector.

discord.py keeps an interaction and its response in a reference cycle (``Interaction.response``
is cached on the interaction and points back to it; so does the state of the message an edit
returns). Each click therefore outlived its handlers until a garbage-collector pass found it,
with everything it holds: its payload, the parsed message and member. Those were most of what
set off the bot's collector passes (about 70 in the benchmark's 30 s), which hold the
interpreter lock and so the acknowledgments sent from other threads (docs/performance.md, the
sixth pass of the acknowledgment).

``hold`` is called by each task of ours that handles a component interaction or a modal
submission (the router's dispatch and ``on_interaction``); when the last of them is done, and
the interaction is held by nothing else (checked with its reference count, so a listener or task
of anyone else's that still has it keeps it whole), the cached response and original response
are dropped from it, which breaks the cycles.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from typing import Any

import discord
from discord.ui.view import BaseView


class Holds:
    """The tasks of ours still handling each interaction, by interaction id."""

    def __init__(self) -> None:
        self._held: dict[int, int] = {}
        self.released = 0  # interactions whose cycles were broken (tests, the benchmark)

    def hold(self, interaction: discord.Interaction[Any]) -> None:
        """The running task handles ``interaction``; let it go when the task is done."""
        task = asyncio.current_task()
        if task is None:
            return
        key = interaction.id
        self._held[key] = self._held.get(key, 0) + 1
        task.add_done_callback(lambda _done: self._let_go(interaction))

    def held(self) -> int:
        """How many interactions are being handled now."""
        return len(self._held)

    def _let_go(self, interaction: discord.Interaction[Any]) -> None:
        key = interaction.id
        left = self._held.get(key, 1) - 1
        if left > 0:
            self._held[key] = left
            return
        self._held.pop(key, None)
        if _refs(interaction) - _inner_refs(interaction) <= _OURS:
            # what may point back to the interaction from inside it: its cached response, and
            # the state of the message an edit or ``original_response`` returned
            interaction._original_response = None
            with contextlib.suppress(AttributeError):  # a response never asked for
                del interaction._cs_response  # type: ignore[attr-defined]
            self.released += 1


def _refs(obj: object) -> int:
    return sys.getrefcount(obj)


def _through(obj: object) -> int:
    return _refs(obj)


def _baseline() -> int:
    """The count ``_let_go`` reads for an object held only by the callback that calls it (a
    closure, then two calls deep, as there), measured rather than assumed: interpreters differ
    in the references their frames hold."""

    def closing_over(held: object) -> Callable[[], int]:
        return lambda: _through(held)

    call = closing_over(Holds())
    return call()


_OURS = _baseline()


def _inner_refs(interaction: discord.Interaction[Any]) -> int:
    """References to ``interaction`` from the objects it caches (dropped on release)."""
    found = 0
    response = getattr(interaction, "_cs_response", None)
    if response is not None and getattr(response, "_parent", None) is interaction:
        found += 1
    message = interaction._original_response
    state = getattr(message, "_state", None) if message is not None else None
    if state is not None and getattr(state, "_interaction", None) is interaction:
        found += 1
    return found


def unlink(view: BaseView | None) -> None:
    """Drop the links from a view's (or modal's) items back to it and to their parents, so that
    it and they are freed by reference counting when no longer used, not by the collector."""
    if view is None:
        return
    for item in list(view.walk_children()):
        for linked in (item, getattr(item, "item", None)):  # a DynamicItem wraps its component
            if isinstance(linked, discord.ui.Item):
                linked._view = None
                linked._parent = None


def hold(interaction: discord.Interaction[Any]) -> None:
    """The running task handles ``interaction`` (a no-op for a client without holds)."""
    holds = holds_of(interaction.client)
    if holds is not None:
        holds.hold(interaction)


def holds_of(client: discord.Client) -> Holds | None:
    """The bot's holds (None for a client without them)."""
    found = getattr(client, "holds", None)
    return found if isinstance(found, Holds) else None
