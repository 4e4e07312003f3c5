"""JSON objects shaped like Discord's: users, members, channels, guilds, messages, interactions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

TIMESTAMP = "2026-01-01T12:00:00.000000+00:00"
_ids = itertools.count(1_100_000_000_000_000_000)

# Permissions (bit flags): what an ordinary member has, and Manage Server for moderators.
VIEW_SEND_USE = (1 << 10) | (1 << 11) | (1 << 31) | (1 << 38) | (1 << 14) | (1 << 16)
MANAGE_GUILD = 1 << 5
BOT_PERMISSIONS = VIEW_SEND_USE | (1 << 35) | (1 << 34) | (1 << 13)


def snowflake() -> int:
    """A fresh, increasing id."""
    return next(_ids)


@dataclass
class FakeUser:
    """A person in the fake server."""

    name: str
    id: int = field(default_factory=snowflake)
    permissions: int = VIEW_SEND_USE
    roles: list[int] = field(default_factory=list)
    bot: bool = False

    def user(self) -> dict[str, Any]:
        """The user object."""
        return {
            "id": str(self.id),
            "username": self.name.lower(),
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
            "bot": self.bot,
        }

    def member(self, with_user: bool = True) -> dict[str, Any]:
        """The member object (in ``resolved`` data Discord leaves the user out)."""
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "communication_disabled_until": None,
            "premium_since": None,
            "permissions": str(self.permissions),
        }
        if with_user:
            data["user"] = self.user()
        return data

    @property
    def mention(self) -> str:
        """How Discord writes a mention of this user."""
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    """A role in the fake server."""

    name: str
    id: int = field(default_factory=snowflake)

    def role(self) -> dict[str, Any]:
        """The role object."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": "0",
            "position": 1,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": True,
            "flags": 0,
        }


@dataclass
class FakeAttachment:
    """A file a person attached to a slash command; the fake serves ``data`` at ``url``.

    ``size`` is what Discord declares (the real length unless a test says otherwise).
    """

    filename: str
    data: bytes
    url: str = ""
    size: int = -1
    id: int = field(default_factory=snowflake)

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.data)

    def attachment(self) -> dict[str, Any]:
        """The attachment object (as in ``resolved.attachments``)."""
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": "application/x-yaml",
            "ephemeral": True,
        }


def text_channel(channel_id: int, guild_id: int, name: str) -> dict[str, Any]:
    """A guild text channel."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread_channel(
    thread_id: int, guild_id: int, parent_id: int, name: str, owner_id: int, kind: int = 11
) -> dict[str, Any]:
    """A public (11) or private (12) thread."""
    return {
        "id": str(thread_id),
        "type": kind,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP,
            "locked": False,
            "invitable": True,
        },
    }


def guild(
    guild_id: int,
    owner: FakeUser,
    channels: list[dict[str, Any]],
    roles: list[FakeRole] | None = None,
    members: list[FakeUser] | None = None,
) -> dict[str, Any]:
    """A GUILD_CREATE payload: ``members`` are sent as Discord sends a small server's members
    (discord.py caches them only with the Server Members intent); interactions carry their
    member anyway."""
    return {
        "id": str(guild_id),
        "name": "Debate Club",
        "icon": None,
        "owner_id": str(owner.id),
        "unavailable": False,
        "large": False,
        "member_count": 2 + len(members or []),
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": str(VIEW_SEND_USE),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            *(r.role() for r in roles or []),
        ],
        "channels": channels,
        "threads": [],
        "members": [m.member() for m in members or []],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": TIMESTAMP,
    }


def message(
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    body: dict[str, Any],
    *,
    guild_id: int | None = None,
    flags: int = 0,
    interaction: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message object built from what the bot sent (content, embeds, components)."""
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0 if interaction is None else 20,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if interaction is not None:
        data["interaction_metadata"] = interaction
    return data
