"""``Services``: every use case on matches, in one object the front ends share.

    services = await Services.open()            # ./data/levers.db, $LEVERS_DB, or a path
    stored = await services.scenarios.add_builtin()
    match = await services.matches.create(Actor("123", "Ana"), stored.sha256, guild_id="9")
    ...
    await services.close()

Front ends (cogs, the terminal) parse input, call one service, and render the result; the
rules about matches live here. Errors a user may see are ``USER_ERRORS``.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from bot.library.compute import Compute
from bot.services.catalog import CatalogService
from bot.services.classes import ClassService
from bot.services.clock import Clock, system_clock
from bot.services.context import Context, storage_error
from bot.services.control import ControlService
from bot.services.deals import DealService
from bot.services.debate import DebateService
from bot.services.drafts import DraftService
from bot.services.matches import MatchService
from bot.services.models import Actor, ReplayReport
from bot.services.orders import OrderService
from bot.services.outbox import OutboxService
from bot.services.replay import verify
from bot.services.rounds import RoundService
from bot.services.scenarios import ScenarioService
from bot.services.servers import LibraryService, ServerService
from bot.services.team_threads import TeamThreadService
from bot.services.threads import ThreadService
from bot.services.timers import TimerService
from bot.services.whatif import RematchService, WhatIfService
from db.errors import StoreError
from db.paths import db_target
from db.shards import Shards
from db.store import Hook, Store


class Services:
    """The use cases, grouped: ``scenarios``, ``matches``, ``classes``, ``orders``, ``rounds``,
    ``drafts``, ``threads``, ``team_threads``, ``control``, ``timers``, ``outbox``, ``servers``,
    ``library``, ``catalog`` (built-in plus library), ``whatif`` (forks), ``rematches``
    (seat swaps) and ``deals`` (between seats). The one place services are built."""

    def __init__(
        self,
        store: Store,
        clock: Clock = system_clock,
        shards: Shards | None = None,
        compute: Compute | None = None,
    ) -> None:
        self.store = store
        self.ctx = Context(store, clock, shards)
        self.scenarios = ScenarioService(self.ctx)
        self.matches = MatchService(self.ctx)
        self.classes = ClassService(self.ctx, self.matches)
        self.orders = OrderService(self.ctx)
        self.rounds = RoundService(self.ctx)
        self.drafts = DraftService(self.ctx, self.rounds)
        self.debate = DebateService(self.ctx, self.rounds)
        self.threads = ThreadService(self.ctx)
        self.team_threads = TeamThreadService(self.ctx)
        self.control = ControlService(self.ctx)
        self.timers = TimerService(self.ctx, self.rounds)
        self.outbox = OutboxService(self.ctx)
        self.servers = ServerService(self.ctx)
        self.library = LibraryService(self.ctx, self.scenarios)
        self.catalog = CatalogService(self.ctx, self.scenarios, self.library)
        self.compute = compute or Compute()
        """The worker process for forks and expected scores (started on first use)."""
        self.whatif = WhatIfService(self.ctx, self.compute)
        self.rematches = RematchService(self.ctx, self.matches, self.compute)
        self.deals = DealService(self.ctx)

    @classmethod
    async def open(
        cls,
        path: Path | str | None = None,
        *,
        clock: Clock = system_clock,
        busy_timeout_ms: int = 5000,
        max_page_count: int | None = None,
        hook: Hook | None = None,
        shards: Shards | None = None,
    ) -> Services:
        """Open the store (``--db``/``$LEVERS_DB``/``./data/levers.db``) and the services.

        Raises StorageError (a ServiceError) when the file cannot be opened, and
        ``db.errors.SchemaTooNew`` / ``MigrationError`` (StorageError too) for schema problems.
        """
        try:
            store = await Store.open(
                db_target(path),
                clock=clock,
                busy_timeout_ms=busy_timeout_ms,
                max_page_count=max_page_count,
                hook=hook,
            )
        except StoreError as err:
            raise storage_error(err) from err
        return cls(store, clock, shards)

    async def close(self) -> None:
        """Stop the compute worker and close the store."""
        self.compute.close()
        await self.store.close()

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def verify_replay(self, match_id: int, actor: Actor) -> ReplayReport:
        """Re-run a match from its stored scenario text, seed and locked orders and compare
        every resolved round's state with the stored one (moderators only)."""
        return await verify(self.ctx, match_id, actor)
