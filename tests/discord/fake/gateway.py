"""Gateway payloads: READY, GUILD_CREATE and INTERACTION_CREATE, minimal but valid for 2.7.1."""

from __future__ import annotations

from typing import Any

from tests.discord.fake.payloads import FakeAttachment, FakeRole, FakeUser, snowflake

Json = dict[str, Any]
OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}


def ready(bot_user: FakeUser, application_id: int, guild_id: int) -> Json:
    """The READY dispatch: the bot's user, its application, one unavailable guild."""
    return {
        "v": 10,
        "user": bot_user.user(),
        "guilds": [{"id": str(guild_id), "unavailable": True}],
        "session_id": "fake-session",
        "resume_gateway_url": "ws://127.0.0.1:1",
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
    }


def interaction(
    *,
    kind: int,
    iid: int,
    token: str,
    application_id: int,
    guild_id: int,
    channel: Json,
    user: FakeUser,
    data: Json,
    message: Json | None = None,
) -> Json:
    """An INTERACTION_CREATE payload from a member in a guild channel."""
    payload: Json = {
        "id": str(iid),
        "application_id": str(application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
        "channel_id": channel["id"],
        "channel": channel,
        "member": user.member(),
        "app_permissions": str((1 << 53) - 1),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": 8 * 1024 * 1024,
        "data": data,
    }
    if message is not None:
        payload["message"] = message
    return payload


def _find(options: list[Json], name: str) -> Json:
    for option in options:
        if option["name"] == name:
            return option
    known = [o["name"] for o in options]
    raise AssertionError(f"the synced command has no option {name!r}; it has {known}")


def command_data(command: Json, path: list[str], values: dict[str, Any]) -> Json:
    """``data`` of an application command interaction, checked against the synced command.

    ``path`` holds the subcommand (group) names after the command's own; ``values`` the options
    (FakeUser values become user options with ``resolved`` users and members).
    """
    data: Json = {"id": command["id"], "name": command["name"], "type": 1}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    schema: list[Json] = command.get("options") or []
    holder = data
    for name in path:
        sub = _find(schema, name)
        assert sub["type"] in (1, 2), f"{name!r} is not a subcommand"
        node: Json = {"name": name, "type": sub["type"]}
        holder["options"] = [node]
        holder, schema = node, sub.get("options") or []
    resolved: Json = {}
    holder["options"] = [_option(_find(schema, k), v, resolved) for k, v in values.items()]
    missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
    assert not missing, f"required options missing: {missing}"
    if resolved:
        data["resolved"] = resolved
    return data


def _option(spec: Json, value: Any, resolved: Json) -> Json:
    if isinstance(value, FakeAttachment):
        assert spec["type"] == 11, f"option {spec['name']!r} does not take a file"
        resolved.setdefault("attachments", {})[str(value.id)] = value.attachment()
        return {"name": spec["name"], "type": 11, "value": str(value.id)}
    if isinstance(value, dict) and "type" in value and "name" in value:
        assert spec["type"] == 7, f"option {spec['name']!r} does not take a channel"
        kinds = spec.get("channel_types")
        assert not kinds or value["type"] in kinds, f"{spec['name']!r} takes channels {kinds}"
        resolved.setdefault("channels", {})[value["id"]] = {**value, "permissions": "0"}
        return {"name": spec["name"], "type": 7, "value": value["id"]}
    if isinstance(value, FakeRole):
        assert spec["type"] == 8, f"option {spec['name']!r} does not take a role"
        resolved.setdefault("roles", {})[str(value.id)] = value.role()
        return {"name": spec["name"], "type": 8, "value": str(value.id)}
    if isinstance(value, FakeUser):
        assert spec["type"] == 6, f"option {spec['name']!r} does not take a user"
        resolved.setdefault("users", {})[str(value.id)] = value.user()
        resolved.setdefault("members", {})[str(value.id)] = value.member(with_user=False)
        return {"name": spec["name"], "type": 6, "value": str(value.id)}
    expected = OPTION_TYPES[type(value)]
    assert spec["type"] == expected or (spec["type"] == 10 and expected == 4), (
        f"option {spec['name']!r} has type {spec['type']}, not {expected}"
    )
    choices = [c["value"] for c in spec.get("choices") or []]
    assert not choices or value in choices, f"{value!r} is not a choice of {spec['name']!r}"
    return {"name": spec["name"], "type": spec["type"], "value": value}


def focus(data: Json, name: str) -> Json:
    """Mark option ``name`` as the one being typed (an autocomplete interaction's data)."""
    holder = data
    while holder.get("options") and holder["options"][0]["type"] in (1, 2):
        holder = holder["options"][0]
    option = _find(holder.get("options") or [], name)
    option["focused"] = True
    return data


def new_ids() -> tuple[int, int]:
    """Fresh ids for an interaction and its component data."""
    return snowflake(), snowflake()
