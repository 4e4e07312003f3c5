"""The docs list every command there is: the README every ``levers`` subcommand, and
docs/discord-setup.md every slash command the cogs register (read from discord.py's own
metadata on the cog classes, so a new command without a line in the docs fails here)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from discord import app_commands
from discord.ext import commands

import cogs
from bot.cli.commands import build_parser
from tests.cli.test_startup import _subcommands

ROOT = Path(__file__).resolve().parents[2]


def _table(text: str, heading: str) -> str:
    """The section of a Markdown file under ``heading`` (up to the next heading of that level)."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    end = text.find(f"\n{level} ", start + len(heading))
    return text[start : end if end >= 0 else len(text)]


def test_the_readme_command_table_lists_every_subcommand() -> None:
    table = _table((ROOT / "README.md").read_text(), "## The command line")
    listed = set(re.findall(r"^\| `levers ([a-z]+)", table, flags=re.M))
    assert listed == set(_subcommands(build_parser()))


def slash_commands() -> set[str]:
    """``/match new``, ``/scenarios``... for every app command of every cog under ``cogs``
    (a cog that only lends its commands to another, as a base class, is counted in that one)."""
    classes: set[type[commands.Cog]] = set()
    for info in pkgutil.iter_modules(cogs.__path__):
        module = importlib.import_module(f"cogs.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, commands.Cog) and cls.__module__.startswith("cogs."):
                classes.add(cls)
    found: set[str] = set()
    for cls in classes:
        if any(other is not cls and issubclass(other, cls) for other in classes):
            continue
        group = cls.__cog_group_name__ if issubclass(cls, commands.GroupCog) else None
        for command in cls.__cog_app_commands__:
            assert isinstance(command, app_commands.Command | app_commands.Group)
            found.add(f"/{group} {command.name}" if group else f"/{command.name}")
    return found


def test_the_discord_guide_lists_every_slash_command() -> None:
    found = slash_commands()
    assert {"/scenarios", "/match new", "/scenario upload", "/levers audit"} <= found
    guide = (ROOT / "docs" / "discord-setup.md").read_text()
    missing = sorted(c for c in found if f"`{c}" not in guide and f"{c} " not in guide)
    assert not missing, f"docs/discord-setup.md does not list {missing}"
