"""Per-server settings, the audit log, and each server's library of scenario versions."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.library import sandbox
from bot.library.results import CheckResult
from bot.services.context import Context, known, remember, require_moderator, server_of
from bot.services.errors import InvalidInput, NotFound, ScenarioRejected
from bot.services.models import Actor
from bot.services.scenarios import ScenarioService, validated
from db.codec import sha256_hex
from db.errors import ConstraintBroken
from db.models import AuditEntry, GuildSettings, LibraryEntry
from db.repos import servers as repo

_UNSET: Any = object()


class UploadRefused(ScenarioRejected):
    """The sandboxed check refused an uploaded file; ``result`` holds every problem."""

    def __init__(self, result: CheckResult) -> None:
        count = len(result.problems) + result.more
        problems = [p.format(result.filename) for p in result.problems]
        first = f"; the first: {problems[0]}" if problems else ""
        super().__init__(f"the scenario has {count} problem(s){first}", problems)
        self.result = result


async def _require_moderator(ctx: Context, guild_id: str | None, actor: Actor, doing: str) -> None:
    """NotAllowed unless the actor moderates this server (NotFound: another server's)."""
    if not actor.sees(guild_id):
        raise NotFound("there is no such server here")
    async with ctx.read() as tx:
        await require_moderator(tx, actor, doing)


class ServerService:
    """Settings and the audit log of each server (guild)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def settings(self, actor: Actor) -> GuildSettings:
        """The settings of the actor's server (defaults when never set)."""
        guild_id = server_of(actor)
        async with self._ctx.read() as tx:
            return await repo.get_settings(tx, guild_id)

    async def update_settings(
        self,
        by: Actor,
        *,
        moderator_role_id: str | None = _UNSET,
        default_deadline_seconds: int | None = _UNSET,
        allowed_channels: Sequence[str] | None = _UNSET,
    ) -> GuildSettings:
        """Change some settings of the actor's server (moderators only); the change goes to the
        audit log."""
        guild_id = server_of(by)
        await _require_moderator(self._ctx, guild_id, by, "change the server's settings")
        if default_deadline_seconds not in (_UNSET, None) and not (
            10 <= default_deadline_seconds <= 14 * 24 * 3600
        ):
            raise InvalidInput("a default deadline is between 10 seconds and 14 days")
        changes: dict[str, Any] = {}
        if moderator_role_id is not _UNSET:
            changes["moderator_role_id"] = moderator_role_id
        if default_deadline_seconds is not _UNSET:
            changes["default_deadline_seconds"] = default_deadline_seconds
        if allowed_channels is not _UNSET:
            changes["allowed_channels"] = tuple(allowed_channels or ())
        now = self._ctx.now()
        async with self._ctx.write() as tx:
            updated = replace(await repo.get_settings(tx, guild_id), **changes)
            await repo.put_settings(tx, updated, now, by.player)
            detail = {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
            await repo.audit(tx, guild_id, by.player, "settings_changed", None, detail, now)
            return await repo.get_settings(tx, guild_id)

    async def audit(
        self,
        by: Actor,
        action: str,
        target: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """Append an entry to the audit log of the actor's server (the terminal's: none);
        return its id."""
        guild_id = by.guild_id
        async with self._ctx.write() as tx:
            return await repo.audit(
                tx, guild_id, by.player, action, target, dict(detail or {}), self._ctx.now()
            )

    async def audit_log(self, by: Actor, limit: int = 50) -> list[AuditEntry]:
        """The audit log of the actor's server, newest first (moderators only)."""
        guild_id = server_of(by)
        await _require_moderator(self._ctx, guild_id, by, "read the audit log")
        async with self._ctx.read() as tx:
            return await repo.audit_entries(tx, guild_id, limit)

    async def require_moderator(self, by: Actor, doing: str) -> None:
        """NotAllowed unless ``by`` moderates their server: for a front end to ask before slow
        work (a sandboxed check) whose result only a moderator may have."""
        await _require_moderator(self._ctx, server_of(by), by, doing)


class LibraryService:
    """Scenario versions uploaded to a server: enabled or not, one of them the default."""

    def __init__(self, ctx: Context, scenarios: ScenarioService) -> None:
        self._ctx = ctx
        self._scenarios = scenarios

    async def upload(
        self,
        guild_id: str,
        by: Actor,
        raw: bytes,
        filename: str,
        *,
        checked: CheckResult | None = None,
    ) -> LibraryEntry:
        """Validate and add a scenario version (moderators only). The same text twice returns
        the existing entry; another text under an existing id and version is refused.

        The file is checked by ``bot.library.sandbox.check_upload`` (a separate process with a
        time and a memory limit), unless ``checked`` is that check's result for these bytes;
        a refused file raises ``UploadRefused`` and nothing is stored. The accepted file is then
        parsed in a worker thread, never on the event loop.
        """
        await _require_moderator(self._ctx, guild_id, by, "upload scenarios")
        if checked is None or checked.sha256 != sha256_hex(raw):
            checked = await sandbox.check_upload(raw, filename)
        if not checked.ok:
            raise UploadRefused(checked)
        if known(checked.sha256) is None:
            remember(checked.sha256, await asyncio.to_thread(validated, raw, checked.filename))
        stored = await self._scenarios.add(
            raw,
            origin="upload",
            location=checked.filename,
            guild_id=guild_id,
            loaded_by=by.player,
        )
        now = self._ctx.now()
        async with self._ctx.write() as tx:
            found = await repo.library_find(tx, guild_id, sha256=stored.sha256)
            if found is not None:
                return found
            clash = await repo.library_find(
                tx, guild_id, scenario_id=stored.scenario_id, version=stored.version
            )
            if clash is not None:
                raise ScenarioRejected(
                    f"{stored.scenario_id} version {stored.version} is already in this server's "
                    "library with different text: raise meta.version",
                    [],
                )
            assert stored.source_id is not None
            try:
                entry_id = await repo.library_add(
                    tx,
                    guild_id,
                    stored.sha256,
                    stored.scenario_id,
                    stored.version,
                    stored.source_id,
                    by.player,
                    now,
                )
            except ConstraintBroken as err:
                raise ScenarioRejected(f"the library refused the scenario: {err}", []) from None
            detail = {
                "sha256": stored.sha256,
                "version": stored.version,
                "file": checked.filename,
            }
            await repo.audit(
                tx, guild_id, by.player, "scenario_uploaded", stored.scenario_id, detail, now
            )
            entry = await repo.library_find(tx, guild_id, entry_id=entry_id)
            assert entry is not None
            return entry

    async def entries(self, guild_id: str, *, enabled_only: bool = False) -> list[LibraryEntry]:
        """The server's scenario versions."""
        async with self._ctx.read() as tx:
            return await repo.library(tx, guild_id, enabled_only=enabled_only)

    async def default(self, guild_id: str) -> LibraryEntry | None:
        """The server's default scenario version, if one is set."""
        async with self._ctx.read() as tx:
            found = await repo.library(tx, guild_id, enabled_only=True)
        return next((e for e in found if e.is_default), None)

    async def set_enabled(
        self, guild_id: str, by: Actor, entry_id: int, enabled: bool
    ) -> LibraryEntry:
        """Enable or disable a version (a disabled one cannot start new matches)."""
        changes = {"enabled": int(enabled)} | ({} if enabled else {"is_default": 0})
        return await self._set(
            guild_id, by, entry_id, changes, "scenario_enabled" if enabled else "scenario_disabled"
        )

    async def set_default(self, guild_id: str, by: Actor, entry_id: int) -> LibraryEntry:
        """Make a version the server's default (it is enabled too)."""
        changes = {"is_default": 1, "enabled": 1}
        return await self._set(guild_id, by, entry_id, changes, "scenario_default")

    async def _set(
        self, guild_id: str, by: Actor, entry_id: int, changes: dict[str, int], action: str
    ) -> LibraryEntry:
        await _require_moderator(self._ctx, guild_id, by, "change the scenario library")
        now = self._ctx.now()
        async with self._ctx.write() as tx:
            if not await repo.library_set(tx, guild_id, entry_id, **changes):
                raise NotFound(f"there is no library entry {entry_id} on this server")
            await repo.audit(tx, guild_id, by.player, action, f"library:{entry_id}", {}, now)
            entry = await repo.library_find(tx, guild_id, entry_id=entry_id)
            assert entry is not None
            return entry
