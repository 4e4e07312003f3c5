"""Starting ``levers`` loads only what the command needs: the parser, then that command's code."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.commands import EXPORT_FORMATS, LINT_MATCHES, build_parser
from bot.cli.main import handler_of, main
from bot.library.lint import DEFAULT_MATCHES
from bot.review.exports import FORMATS
from bot.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
# Everything `import bot.cli.main` may load beyond a bare interpreter: the parser and argparse.
MAIN_MAY_LOAD = {"bot", "bot.cli", "bot.cli.commands", "bot.cli.main"}
HEAVY = ("discord", "matplotlib", "aiosqlite", "aiohttp", "rich", "numpy", "asyncio", "sqlite3")


def _loaded(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code`` (beyond its start)."""
    probe = (
        "import sys, json; before = set(sys.modules)\n"
        f"{code}\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    loaded: list[str] = json.loads(out.splitlines()[-1])
    return set(loaded)


def test_importing_the_entry_point_loads_only_the_parser() -> None:
    loaded = _loaded("import bot.cli.main")
    ours = {m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names}
    assert ours == MAIN_MAY_LOAD
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_validate_loads_neither_discord_nor_charts_nor_the_store() -> None:
    tutorial = str(SCENARIOS / "tutorial.yaml")
    loaded = _loaded(f"from bot.cli.main import main; main(['validate', {tutorial!r}])")
    assert "bot.game.validate" in loaded  # the probe did run the command
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    assert not {m for m in loaded if m.startswith(("bot.services", "bot.review", "db"))}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: dict[str, argparse.ArgumentParser] = action.choices
    return found


def test_every_command_names_a_handler_that_exists() -> None:
    for name, sub in _subcommands(build_parser()).items():
        spec = sub.get_default("handler")
        assert callable(handler_of(spec)), name


def test_every_option_and_argument_has_help() -> None:
    for name, sub in _subcommands(build_parser()).items():
        assert sub.description, name
        for action in sub._actions:
            assert action.help, f"levers {name} {action.dest} has no help"


def test_the_parser_agrees_with_the_code_it_stands_in_for() -> None:
    assert EXPORT_FORMATS == FORMATS
    assert LINT_MATCHES == DEFAULT_MATCHES


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"levers {version('levers')}\n"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in _subcommands(build_parser()):
        assert name in out
