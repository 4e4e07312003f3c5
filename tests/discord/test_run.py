"""``levers run``: settings, the missing-token message, and a real start against the fake Discord.

The end-to-end test starts ``levers run`` as a subprocess with ``LEVERS_DISCORD_API`` and
``LEVERS_DISCORD_GATEWAY`` pointing at the fake: it logs in, syncs its commands to the server
given with ``--sync-guild``, connects to the gateway, answers a slash command, and stops cleanly
on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli.main import main
from bot.discord.client import ShardedLeversBot, make_bot
from bot.discord.settings import TOKEN_HELP, describe_problem, load_settings
from db.shards import Shards
from tests.discord.conftest import make_settings
from tests.discord.fake import gateway, payloads
from tests.discord.fake.ws import FakeGateway
from tests.discord.harness import Harness

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_token_the_bot_exits_non_zero_and_says_where_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err
    assert "https://discord.com/developers/applications" in err
    assert ".env" in err


def test_settings_read_the_environment_and_a_dotenv_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-dotenv\nLEVERS_SYNC_GUILD=42\n")
    monkeypatch.setenv("LEVERS_DISCORD_API", "http://127.0.0.1:9/api/v10/")
    settings = load_settings()
    assert settings.token.get_secret_value() == "from-dotenv"
    assert "from-dotenv" not in repr(settings), "the token never shows in logs"
    assert settings.sync_guild == 42
    assert settings.api == "http://127.0.0.1:9/api/v10"
    assert load_settings(sync_guild=7).sync_guild == 7, "command-line overrides win"


def test_a_blank_token_or_a_bad_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    with pytest.raises(ValidationError) as blank:
        load_settings(_env_file=None)
    assert describe_problem(blank.value) == TOKEN_HELP
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("LEVERS_DISCORD_GATEWAY", "gateway.example")
    with pytest.raises(ValidationError) as bad:
        load_settings(_env_file=None)
    assert "full URL" in describe_problem(bad.value)


def test_shards_and_a_postgresql_url_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = "postgresql://levers@db.example:5432/levers"
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("LEVERS_DB", url)
    monkeypatch.setenv("LEVERS_SHARDS", "4")
    monkeypatch.setenv("LEVERS_SHARD_IDS", "3,1")
    settings = load_settings(_env_file=None)
    assert settings.database == url  # a URL, not a path mangled into "postgresql:/levers@..."
    assert settings.shards() == Shards(4, (1, 3))
    bot = make_bot(settings)
    assert isinstance(bot, ShardedLeversBot)
    assert (bot.shard_count, bot.shard_ids) == (4, [1, 3])
    monkeypatch.setenv("LEVERS_DB", "data/x.db")
    monkeypatch.delenv("LEVERS_SHARDS")
    monkeypatch.delenv("LEVERS_SHARD_IDS")
    plain = load_settings(_env_file=None)
    assert plain.database == Path("data/x.db") and plain.shards() is None
    assert not isinstance(make_bot(plain), ShardedLeversBot)
    for count, ids in (("2", "2"), (None, "0")):
        if count is None:
            monkeypatch.delenv("LEVERS_SHARDS", raising=False)
        else:
            monkeypatch.setenv("LEVERS_SHARDS", count)
        monkeypatch.setenv("LEVERS_SHARD_IDS", ids)
        with pytest.raises(ValidationError, match=r"LEVERS_SHARD|between 0 and 1"):
            load_settings(_env_file=None)


async def test_levers_run_connects_to_a_discord_compatible_server(tmp_path: Path) -> None:
    h = Harness(make_settings(tmp_path))
    ws = FakeGateway(
        "e2e-token",
        lambda: gateway.ready(h.bot_user, h.application_id, h.guild_id),
        lambda: payloads.guild(h.guild_id, h.owner, [h.http.channels[h.channel_id]]),
    )
    h.http.token = "e2e-token"
    h.http.gateway = ws.handle
    base = await h.start_server()
    env = {
        **os.environ,
        "DISCORD_TOKEN": "e2e-token",
        "LEVERS_DISCORD_API": f"{base}/api/v10",
        "LEVERS_DISCORD_GATEWAY": f"{base.replace('http', 'ws')}/gateway",
        "LEVERS_DB": str(tmp_path / "e2e.db"),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        "--sync-guild",
        str(h.guild_id),
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await asyncio.wait_for(ws.identified.wait(), timeout=60)
        assert h.command("scenarios")["guild_id"] == str(h.guild_id)
        assert None not in h.http.commands, "--sync-guild syncs to that server only"
        record = h.new_record(h.user("Ana"), 2, h.slash_data("scenarios", {}), h.channel_id)
        await ws.dispatch("INTERACTION_CREATE", h.interaction_payload(record, None))
        await asyncio.wait_for(record.answered.wait(), timeout=30)
        assert record.callbacks == [4]
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
        await h.stop()
    assert proc.returncode == 0, output.decode()
    assert not h.http.failures, h.http.failures


def test_the_server_members_intent_is_asked_for_only_when_turned_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.delenv("LEVERS_MEMBERS_INTENT", raising=False)
    plain = make_bot(load_settings(_env_file=None))
    assert plain.intents.guilds and not plain.intents.members, "privileged: off by default"
    assert not plain.intents.presences and not plain.intents.message_content
    monkeypatch.setenv("LEVERS_MEMBERS_INTENT", "1")
    wanted = make_bot(load_settings(_env_file=None))
    assert wanted.intents.members and wanted.intents.guilds
    assert not wanted.intents.presences and not wanted.intents.message_content


async def _run_bot(
    h: Harness, ws: FakeGateway, tmp_path: Path, **env_extra: str
) -> asyncio.subprocess.Process:
    """``levers run`` as a subprocess against the fake (its HTTP server and gateway)."""
    h.http.token = ws.token
    h.http.gateway = ws.handle
    base = await h.start_server()
    env = {
        **os.environ,
        "DISCORD_TOKEN": ws.token,
        "LEVERS_DISCORD_API": f"{base}/api/v10",
        "LEVERS_DISCORD_GATEWAY": f"{base.replace('http', 'ws')}/gateway",
        "LEVERS_DB": str(tmp_path / "e2e.db"),
        "PYTHONPATH": str(ROOT),
        **env_extra,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot.cli.main", "run", "--sync-guild", str(h.guild_id)),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


def _gateway(h: Harness) -> FakeGateway:
    return FakeGateway(
        "e2e-token",
        lambda: gateway.ready(h.bot_user, h.application_id, h.guild_id),
        lambda: payloads.guild(h.guild_id, h.owner, [h.http.channels[h.channel_id]], h.roles),
    )


async def test_the_members_intent_without_the_portal_switch_stops_with_a_clear_message(
    tmp_path: Path,
) -> None:
    h = Harness(make_settings(tmp_path))
    ws = _gateway(h)  # the portal's Server Members switch is off
    proc = await _run_bot(h, ws, tmp_path, LEVERS_MEMBERS_INTENT="1")
    try:
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
        await h.stop()
    assert proc.returncode == 1, output.decode()
    assert "Server Members Intent" in output.decode() and "4014" in output.decode()


async def test_with_the_members_intent_the_bot_spreads_a_role_from_the_gateways_members(
    tmp_path: Path,
) -> None:
    h = Harness(make_settings(tmp_path))
    role = payloads.FakeRole("Class")
    h.roles.append(role)
    students = [payloads.FakeUser(f"Student{i}", roles=[role.id]) for i in range(4)]
    ws = _gateway(h)
    ws.members_switch = True
    ws.members = [s.member() for s in students]
    proc = await _run_bot(h, ws, tmp_path, LEVERS_MEMBERS_INTENT="1")
    try:
        await asyncio.wait_for(ws.identified.wait(), timeout=60)
        assert int(ws.identifies[-1]["intents"]) & (1 << 1), "the members intent is asked for"
        teacher = h.user("Tess", moderator=True)
        data = h.slash_data("class new", {"groups": 2, "role": role, "rounds": 1})
        record = h.new_record(teacher, 2, data, h.channel_id)
        await ws.dispatch("INTERACTION_CREATE", h.interaction_payload(record, None))
        await asyncio.wait_for(record.until(lambda r: bool(r.followups) or r.edits > 0), timeout=30)
        answer = "\n".join(m.text() for m in h.http.messages.values() if m.ephemeral)
        assert "4 members of Class" in answer, answer
        posts = "\n".join(m.content for m in h.http.messages.values() if "Class run 1" in m.content)
        assert all(s.mention in posts for s in students), "each student is told where they sit"
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
        await h.stop()
    assert proc.returncode == 0, output.decode()
    assert not h.http.failures, h.http.failures
