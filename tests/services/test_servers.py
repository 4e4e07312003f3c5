"""Server settings, the audit log and the scenario library."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.scenarios import SCENARIOS
from bot.services import Services
from bot.services.errors import InvalidInput, NotAllowed, ScenarioRejected
from bot.services.models import SYSTEM
from tests.services.helpers import BEN, MOD, rows

TUTORIAL = (SCENARIOS / "tutorial.yaml").read_bytes()


async def test_settings_default_then_change_with_an_audit_trail(
    services: Services, db: Path
) -> None:
    assert (
        await services.servers.settings(replace(SYSTEM, guild_id="g"))
    ).moderator_role_id is None
    with pytest.raises(NotAllowed):
        await services.servers.update_settings(replace(BEN, guild_id="g"), moderator_role_id="55")
    with pytest.raises(InvalidInput):
        await services.servers.update_settings(
            replace(MOD, guild_id="g"), default_deadline_seconds=1
        )
    await services.servers.update_settings(replace(MOD, guild_id="g"), moderator_role_id="55")
    done = await services.servers.update_settings(
        replace(MOD, guild_id="g"), allowed_channels=["1", "2"]
    )
    assert (done.moderator_role_id, done.allowed_channels) == ("55", ("1", "2"))
    log = await services.servers.audit_log(replace(SYSTEM, guild_id="g"))
    assert [e.action for e in log] == ["settings_changed", "settings_changed"]
    assert rows(db, "SELECT count(*) FROM audit_log") == [(2,)]


async def test_library_uploads_are_validated_versioned_and_one_is_the_default(
    services: Services,
) -> None:
    with pytest.raises(NotAllowed):
        await services.library.upload("g", BEN, TUTORIAL, "tutorial.yaml")
    with pytest.raises(ScenarioRejected) as refused:
        await services.library.upload("g", MOD, b"meta: {id: x}\n", "bad.yaml")
    assert refused.value.problems
    entry = await services.library.upload("g", MOD, TUTORIAL, "tutorial.yaml")
    assert (entry.scenario_id, entry.enabled, entry.is_default) == ("tutorial", True, False)
    assert (await services.library.upload("g", MOD, TUTORIAL, "again.yaml")).id == entry.id
    changed = TUTORIAL.replace(b"Four short rounds", b"Four brief rounds")
    with pytest.raises(ScenarioRejected, match="version"):
        await services.library.upload("g", MOD, changed, "tutorial.yaml")
    newer = changed.replace(b'version: "1.0"', b'version: "1.1"')
    second = await services.library.upload("g", MOD, newer, "tutorial.yaml")
    await services.library.set_default("g", MOD, second.id)
    assert (await services.library.default("g")).id == second.id  # type: ignore[union-attr]
    await services.library.set_enabled("g", MOD, second.id, False)
    assert await services.library.default("g") is None
    assert [e.version for e in await services.library.entries("g", enabled_only=True)] == ["1.0"]
    assert await services.library.entries("other") == []
