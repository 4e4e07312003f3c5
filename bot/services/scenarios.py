"""Storing scenario files by their exact text and hash, and getting them back parsed."""

from __future__ import annotations

from pathlib import Path

from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid, load_scenario
from bot.scenarios import SCENARIOS, ScenarioNotFound, scenario_path
from bot.services.context import Context, known, remember
from bot.services.errors import ScenarioRejected, UnknownScenario
from bot.services.models import Actor
from db.codec import sha256_hex
from db.models import Origin, StoredScenario
from db.repos import scenarios as repo

MAX_SCENARIO_BYTES = 512 * 1024


class ScenarioService:
    """Scenario texts: validated before they are kept, kept byte for byte, parsed once."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def add(
        self,
        raw: bytes,
        *,
        origin: Origin,
        location: str | None = None,
        guild_id: str | None = None,
        loaded_by: str | None = None,
    ) -> StoredScenario:
        """Validate and keep a scenario's exact bytes; record where it came from.

        ``origin`` is ``builtin``, ``file`` (a local path in ``location``) or ``upload`` (to
        ``guild_id`` by ``loaded_by``, the file name in ``location``). Raises ScenarioRejected
        listing every problem when the file does not validate.
        """
        if len(raw) > MAX_SCENARIO_BYTES:
            raise ScenarioRejected(
                f"the scenario file is {len(raw)} bytes; the limit is {MAX_SCENARIO_BYTES}", []
            )
        sha = sha256_hex(raw)
        scenario = known(sha) or validated(raw, location)
        meta = scenario.meta
        now = self._ctx.now()
        async with self._ctx.write() as tx:
            await repo.put_text(tx, sha, raw, meta.id, meta.version, meta.title, now)
            source = await repo.add_source(tx, sha, origin, location, guild_id, loaded_by, now)
        remember(sha, scenario)
        return StoredScenario(sha, meta.id, meta.version, meta.title, source)

    async def add_builtin(self, name: str | None = None) -> StoredScenario:
        """Keep a built-in scenario (by id; the default when None) or a local file (by path)."""
        try:
            path = scenario_path(name)
            raw = path.read_bytes()
        except (ScenarioNotFound, OSError) as err:
            raise UnknownScenario(str(err)) from None
        builtin = path.resolve().parent == SCENARIOS.resolve()
        origin: Origin = "builtin" if builtin else "file"
        location = path.name if builtin else str(path.resolve())
        return await self.add(raw, origin=origin, location=location)

    async def get(self, sha256: str) -> Scenario:
        """The parsed scenario kept under this hash (UnknownScenario when there is none)."""
        return await self._ctx.scenario(sha256)

    async def text(self, sha256: str) -> bytes:
        """The exact bytes kept under this hash."""
        async with self._ctx.read() as tx:
            body = await repo.get_text(tx, sha256)
        if body is None:
            raise UnknownScenario(f"no stored scenario has the hash {sha256[:12]}…")
        return body

    async def of_match(self, match_id: int, actor: Actor) -> Scenario:
        """The scenario a match plays (MatchNotFound when it is not the actor's server's)."""
        return await self._ctx.scenario_of(match_id, actor)


def validated(raw: bytes, location: str | None) -> Scenario:
    """The scenario, or ScenarioRejected listing every problem (CPU-bound: a thread may call
    it for large files)."""
    name = location or "<scenario>"
    try:
        return load_scenario(raw, name)
    except ScenarioInvalid as err:
        problems = [p.format(Path(name).name) for p in err.problems]
        raise ScenarioRejected(
            f"the scenario has {len(problems)} problem(s); the first: {problems[0]}", problems
        ) from None
