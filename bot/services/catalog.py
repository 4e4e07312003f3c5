"""The scenarios a server can play: the built-in ones plus the versions in its library.

Front ends name a scenario as ``ID`` (its ``meta.id``) or ``ID@VERSION`` (its ``meta.version``).
Without a version the *current* one is meant: the server's default when it has this id, else
the newest enabled version in the server's library, else the built-in file, else the newest
disabled version. Built-in scenarios are always enabled; only a server's uploads can be
disabled. A match records the exact text it starts with, so nothing here changes a match that
is already running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from bot.game.scenario import Scenario
from bot.library.results import CheckResult
from bot.scenarios import SCENARIOS, builtin_ids, default_id
from bot.services.context import Context, known, remember, server_of
from bot.services.errors import InvalidInput, NotAllowed, NotFound, UnknownScenario
from bot.services.models import Actor
from bot.services.scenarios import ScenarioService, validated
from bot.services.servers import LibraryService
from db.codec import sha256_hex
from db.models import LibraryEntry, StoredScenario
from db.repos import servers as servers_repo


@dataclass(frozen=True)
class Version:
    """One text of a scenario a server can see: a built-in file or an entry of its library."""

    scenario_id: str
    version: str
    title: str
    sha256: str
    entry: LibraryEntry | None = None  # None for a built-in scenario

    @property
    def builtin(self) -> bool:
        """True for a scenario shipped with Levers."""
        return self.entry is None

    @property
    def enabled(self) -> bool:
        """Whether new matches may use it (built-in scenarios always may)."""
        return self.entry is None or self.entry.enabled

    @property
    def is_default(self) -> bool:
        """Whether it is the server's default."""
        return self.entry is not None and self.entry.is_default

    @property
    def ref(self) -> str:
        """How to name it: ``ID`` for a built-in, ``ID@VERSION`` for a library version."""
        return self.scenario_id if self.entry is None else f"{self.scenario_id}@{self.version}"


@dataclass(frozen=True)
class Uploaded:
    """An accepted upload: the library entry, its number among the server's versions of this
    scenario id (1 for the first), and whether it was new (False: the same text was there)."""

    entry: LibraryEntry
    number: int
    new: bool


_BUILTIN: dict[str, Version] = {}  # by text hash: built-in files are read and parsed once


def split_ref(name: str) -> tuple[str, str | None]:
    """``cuba@1.1`` -> ``("cuba", "1.1")``; ``cuba`` -> ``("cuba", None)``."""
    scenario_id, _, version = name.strip().partition("@")
    return scenario_id.strip().lower(), version.strip() or None


def current(versions: Iterable[Version]) -> Version | None:
    """The version meant when none is named (see the module's docstring)."""
    found = list(versions)
    library = sorted((v for v in found if v.entry is not None), key=_entry_id, reverse=True)
    for pick in (
        [v for v in library if v.is_default],
        [v for v in library if v.enabled],
        [v for v in found if v.builtin],
        library,
    ):
        if pick:
            return pick[0]
    return None


def _entry_id(version: Version) -> int:
    return 0 if version.entry is None else version.entry.id


class CatalogService:
    """Finding, offering and changing the scenarios of one server (built-in plus library)."""

    def __init__(self, ctx: Context, scenarios: ScenarioService, library: LibraryService) -> None:
        self._ctx = ctx
        self._scenarios = scenarios
        self._library = library

    async def builtins(self) -> list[Version]:
        """The scenarios shipped with Levers (parsed once, in a worker thread)."""
        found = []
        for name in builtin_ids():
            raw = (SCENARIOS / f"{name}.yaml").read_bytes()
            sha = sha256_hex(raw)
            version = _BUILTIN.get(sha)
            if version is None:
                scenario = known(sha)
                if scenario is None:
                    scenario = await asyncio.to_thread(validated, raw, f"{name}.yaml")
                    remember(sha, scenario)
                meta = scenario.meta
                version = _BUILTIN[sha] = Version(name, meta.version, meta.title, sha)
            found.append(version)
        return found

    async def versions(self, actor: Actor, scenario_id: str | None = None) -> list[Version]:
        """Built-in scenarios, then the server's versions (oldest first); of one id if given."""
        guild_id = server_of(actor)
        entries = await self._library.entries(guild_id)
        library = [
            Version(e.scenario_id, e.version, e.title, e.sha256, e)
            for e in sorted(entries, key=lambda e: e.id)
        ]
        everything = await self.builtins() + library
        return [v for v in everything if scenario_id is None or v.scenario_id == scenario_id]

    async def find(self, actor: Actor, name: str, version: str | None = None) -> Version:
        """A version by ``ID`` or ``ID@VERSION`` (enabled or not); NotFound when there is none."""
        scenario_id, named = split_ref(name)
        version = version or named
        candidates = await self.versions(actor, scenario_id)
        if not candidates:
            raise UnknownScenario(f"there is no scenario '{scenario_id}' on this server")
        if version is not None:
            hits = [v for v in candidates if v.version == version]
            if not hits:
                have = ", ".join(sorted({v.version for v in candidates}))
                raise NotFound(
                    f"scenario '{scenario_id}' has no version '{version}' (it has {have})"
                )
            candidates = hits
        found = current(candidates)
        assert found is not None
        return found

    async def playable(self, actor: Actor, name: str | None) -> Version:
        """The version a new match uses: the named one (it must be enabled), or the server's
        default, or the built-in default."""
        guild_id = server_of(actor)
        if name is None or not name.strip():
            chosen = await self._library.default(guild_id)
            if chosen is not None:
                return Version(
                    chosen.scenario_id, chosen.version, chosen.title, chosen.sha256, chosen
                )
            return await self.find(actor, default_id())
        scenario_id, version = split_ref(name)
        candidates = await self.versions(actor, scenario_id)
        hits = [v for v in candidates if version is None or v.version == version]
        enabled = current(v for v in hits if v.enabled)
        if enabled is not None:
            return enabled
        if hits:
            raise NotAllowed(
                f"scenario '{hits[0].ref}' is disabled on this server; a moderator can enable it"
            )
        return await self.find(actor, scenario_id, version)  # raises NotFound

    async def start_with(self, actor: Actor, name: str | None) -> StoredScenario:
        """The stored text (and its source) a new match on this server plays."""
        chosen = await self.playable(actor, name)
        if chosen.entry is None:
            return await self._scenarios.add_builtin(chosen.scenario_id)
        async with self._ctx.read() as tx:
            source = await servers_repo.library_source(tx, chosen.entry.id)
        return StoredScenario(
            chosen.sha256, chosen.scenario_id, chosen.version, chosen.title, source
        )

    async def offers(self, actor: Actor, typed: str = "", limit: int = 25) -> list[Version]:
        """What a new match may use, for a menu: the default first, then by id; at most
        ``limit``, filtered by ``typed`` (part of an id, title or version)."""
        everything = await self.versions(actor)
        library = {v.sha256 for v in everything if v.entry is not None and v.enabled}
        wanted = typed.strip().lower()
        found = [
            v
            for v in everything
            if v.enabled
            and not (v.builtin and v.sha256 in library)
            and wanted in f"{v.ref} {v.title}".lower()
        ]
        found.sort(key=lambda v: (not v.is_default, v.scenario_id, v.builtin, -_entry_id(v)))
        return found[:limit]

    async def text(self, version: Version) -> bytes:
        """The exact bytes of a version."""
        if version.entry is None:
            return (SCENARIOS / f"{version.scenario_id}.yaml").read_bytes()
        return await self._scenarios.text(version.sha256)

    async def scenario(self, version: Version) -> Scenario:
        """The parsed scenario of a version (parsed in a worker thread when not cached)."""
        found = known(version.sha256)
        if found is None:
            raw = await self.text(version)
            found = await asyncio.to_thread(validated, raw, f"{version.scenario_id}.yaml")
            remember(version.sha256, found)
        return found

    async def upload(self, by: Actor, raw: bytes, checked: CheckResult) -> Uploaded:
        """Store a file the sandbox accepted as a version in the server's library."""
        guild_id = server_of(by)
        before = {e.sha256 for e in await self._library.entries(guild_id)}
        entry = await self._library.upload(guild_id, by, raw, checked.filename, checked=checked)
        same = [v for v in await self.versions(by, entry.scenario_id) if v.entry]
        number = 1 + [v.sha256 for v in same].index(entry.sha256)
        return Uploaded(entry, number, entry.sha256 not in before)

    async def set_enabled(
        self, by: Actor, name: str, version: str | None, enabled: bool
    ) -> list[LibraryEntry]:
        """Enable or disable library versions: the one named, else (disabling) every enabled
        version of the id or (enabling) its newest version."""
        guild_id = server_of(by)
        scenario_id, named = split_ref(name)
        version = version or named
        found = [v for v in await self.versions(by, scenario_id) if v.entry is not None]
        if not found:
            await self.find(by, scenario_id)  # NotFound when it does not exist at all
            raise InvalidInput(
                f"scenario '{scenario_id}' is built in and always available; only this server's "
                "uploads can be enabled or disabled"
            )
        if version is not None:
            targets = [v for v in found if v.version == version]
            if not targets:
                await self.find(by, scenario_id, version)  # raises NotFound
        elif enabled:
            targets = found[-1:]
        else:
            targets = [v for v in found if v.enabled]
        if not targets:
            raise InvalidInput(f"every version of '{scenario_id}' is already disabled")
        changed = []
        for target in targets:
            assert target.entry is not None
            entry = await self._library.set_enabled(guild_id, by, target.entry.id, enabled)
            changed.append(entry)
        return changed

    async def set_default(self, by: Actor, name: str, version: str | None = None) -> LibraryEntry:
        """Make a version the server's default (a built-in one is added to the library first)."""
        guild_id = server_of(by)
        chosen = await self.find(by, name, version)
        entry = chosen.entry
        if entry is None:
            raw = await self.text(chosen)
            entry = await self._library.upload(guild_id, by, raw, f"{chosen.scenario_id}.yaml")
        return await self._library.set_default(guild_id, by, entry.id)
