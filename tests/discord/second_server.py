"""A second server for the fake Discord: its own guild, channel, members and moderator.

Additive to the harness: ``add_server`` makes the channel, tells the bot about the guild with
GUILD_CREATE (through discord.py's own parser, as Discord does when a bot joins a server), and
interactions in that channel then carry the second guild's id (``Harness.interaction_payload``
takes the guild from the channel). ``plant`` puts a message carrying hand-crafted components in
one of its channels, as if someone had got custom_ids of the first server onto a message there
(Discord only sends clicks on components a message really has).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.discord.fake import gateway, payloads
from tests.discord.fake.payloads import FakeUser, snowflake
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.result import Result

Json = dict[str, Any]


@dataclass(frozen=True)
class Server:
    """A server in the fake: its id, its channel, a member and a moderator (Manage Server)."""

    guild_id: int
    channel_id: int
    member: FakeUser
    moderator: FakeUser


def add_server(h: Harness, name: str = "Other Club") -> Server:
    """A second server the bot has joined, with one text channel, a member and a moderator."""
    guild_id, channel_id = snowflake(), snowflake()
    channel = payloads.text_channel(channel_id, guild_id, "elsewhere")
    h.http.channels[channel_id] = channel
    owner = FakeUser(f"{name} owner", permissions=(1 << 41) - 1)
    guild = payloads.guild(guild_id, owner, [channel])
    guild["name"] = name
    h.feed("GUILD_CREATE", guild)
    member = FakeUser("Zed")
    moderator = FakeUser("Mb", permissions=payloads.VIEW_SEND_USE | payloads.MANAGE_GUILD)
    return Server(guild_id, channel_id, member, moderator)


def plant(h: Harness, server: Server, components: list[Json]) -> Sent:
    """A public message of the bot in the server's channel carrying these components (each a
    button or select dict, one per action row)."""
    rows = [{"type": 1, "components": [c]} for c in components]
    return h.http.store(
        server.channel_id,
        {"content": "planted", "components": rows},
        ephemeral=False,
        owner=None,
        iid=None,
    )


def button(custom_id: str) -> Json:
    """A button component with this custom_id."""
    return {"type": 2, "style": 2, "label": "Go", "custom_id": custom_id}


def select(custom_id: str, values: list[str]) -> Json:
    """A string select offering these values."""
    options = [{"label": v[:100], "value": v} for v in values]
    return {"type": 3, "custom_id": custom_id, "options": options, "min_values": 1}


async def in_direct_message(h: Harness, user: FakeUser, kind: int, data: Json) -> Result:
    """``user`` sends an interaction from a direct message with the bot (no server): the
    payload Discord sends then has a ``user`` instead of a ``member`` and no guild."""
    channel_id = snowflake()
    channel: Json = {"id": str(channel_id), "type": 1, "recipients": [user.user()]}
    h.http.channels[channel_id] = channel
    record = h.new_record(user, kind, data, channel_id)
    payload = gateway.interaction(
        kind=kind,
        iid=record.id,
        token=record.token,
        application_id=h.application_id,
        guild_id=0,
        channel=channel,
        user=user,
        data=data,
    )
    for key in ("guild_id", "guild", "member", "guild_locale"):
        payload.pop(key, None)
    payload.update(user=user.user(), context=1, authorizing_integration_owners={"1": str(user.id)})
    h.feed("INTERACTION_CREATE", payload)
    await h.settle()
    return Result(record, h.http)
