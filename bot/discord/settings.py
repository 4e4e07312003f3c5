"""The bot's settings: one pydantic-settings class, built once in the entry point and passed down.

Values come from the environment or a git-ignored ``.env`` file (``.env.example`` lists them).
The token has no default: without it the bot refuses to start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.paths import DEFAULT_DB
from db.shards import Shards
from db.store import is_url

TOKEN_HELP = (
    "DISCORD_TOKEN is not set. Create an application at "
    "https://discord.com/developers/applications, open its Bot page, press 'Reset Token', and "
    "put the token in the environment or in a .env file as DISCORD_TOKEN=... "
    "(see .env.example and docs/discord-setup.md)."
)


class Settings(BaseSettings):
    """Everything ``levers run`` needs to know, from the environment or ``.env``."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
    )

    token: SecretStr = Field(validation_alias="DISCORD_TOKEN")
    api: str | None = Field(default=None, validation_alias="LEVERS_DISCORD_API")
    gateway: str | None = Field(default=None, validation_alias="LEVERS_DISCORD_GATEWAY")
    database: Path | str = Field(default=DEFAULT_DB, validation_alias="LEVERS_DB")
    """An SQLite file, or a ``postgresql://`` URL for a server shared by several processes."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="LEVERS_LOG_LEVEL"
    )
    sync_guild: int | None = Field(default=None, validation_alias="LEVERS_SYNC_GUILD")
    sync_commands: bool = Field(default=True, validation_alias="LEVERS_SYNC_COMMANDS")
    members_intent: bool = Field(default=False, validation_alias="LEVERS_MEMBERS_INTENT")
    """Ask for the privileged Server Members intent (``/class new role:`` needs it to list a
    role's members). Off by default: a bot whose application has not enabled it in the
    developer portal would be refused at connect (close code 4014)."""
    early_ack: bool = Field(default=True, validation_alias="LEVERS_EARLY_ACK")
    """Send the acknowledgments known in advance from a thread of their own as soon as an
    interaction arrives (``bot/discord/early.py``); 0 leaves every answer to its handler."""
    shard_count: int | None = Field(default=None, ge=1, validation_alias="LEVERS_SHARDS")
    """How many shards the bot has in all (None: one process holds every shard)."""
    shard_ids: tuple[int, ...] | None = Field(default=None, validation_alias="LEVERS_SHARD_IDS")
    """The shards this process holds (None: all ``shard_count`` of them)."""

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is not None and self.shard_count is None:
            raise ValueError("LEVERS_SHARD_IDS (--shard-ids) needs LEVERS_SHARDS (--shards)")
        self.shards()  # ValueError when an id is out of range
        return self

    def shards(self) -> Shards | None:
        """The shards this process holds, or None when it holds them all unsharded."""
        if self.shard_count is None:
            return None
        return Shards.of(self.shard_count, self.shard_ids)

    @field_validator("token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("the token is empty")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, value: object) -> object:
        if isinstance(value, str) and not is_url(value):
            return Path(value)
        return value

    @field_validator("api", "gateway")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError("give a full URL such as http://127.0.0.1:8080/api/v10")
        return value.rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and ``.env``, with command-line overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]


def describe_problem(error: ValidationError) -> str:
    """A message for someone starting the bot with missing or wrong settings."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "settings"
        if where in ("DISCORD_TOKEN", "token"):
            return TOKEN_HELP
        lines.append(f"{where}: {problem['msg']}")
    return "invalid settings: " + "; ".join(lines)
