"""The ``levers`` argument parser: every subcommand and option, and nothing heavy.

This module imports only the standard library, so ``levers --help``, shell completion and a
typo in an option answer at once. Each subcommand names its handler as ``module:function``;
``bot.cli.main`` imports that module only when the command runs (``tests/cli/test_startup.py``
pins what starting may load).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

DB_HELP = "the database: a file, or a postgresql:// URL (default: $LEVERS_DB or ./data/levers.db)"
SCENARIO_HELP = "a built-in scenario id or a scenario file (default: the default scenario)"
ROUNDS_HELP = "play this many rounds instead of the scenario's (1-20)"
# Kept equal to bot.review.exports.FORMATS and bot.library.lint.DEFAULT_MATCHES by a test, so
# that building the parser needs neither matplotlib nor the lint.
EXPORT_FORMATS = ("json", "markdown", "html", "csv", "gradebook")
CLASS_FORMATS = ("compare", "gradebook", "markdown", "html")
LINT_MATCHES = 200
SHELLS = ("bash", "zsh")


class VersionAction(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the version of Levers and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("levers")
        except PackageNotFoundError:  # run from a checkout that was never installed
            found = "unknown"
        print(f"levers {found}")
        parser.exit()


def _command(commands: Any, name: str, handler: str, help: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=help, description=help)
    parser.set_defaults(handler=handler)
    return parser


def _offline(commands: Any) -> None:
    p = _command(
        commands,
        "validate",
        "bot.cli.offline:cmd_validate",
        "check scenario files; prints FILE:LINE: field: message per problem",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files to check")
    p.add_argument(
        "--lint", action="store_true", help="also warn about balance, from simulated AI matches"
    )
    p.add_argument(
        "--matches",
        type=int,
        default=LINT_MATCHES,
        metavar="N",
        help=f"AI matches played for --lint (default {LINT_MATCHES})",
    )
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="the first seed for --lint (default 0)"
    )

    _command(
        commands, "schema", "bot.cli.offline:cmd_schema", "print the JSON Schema of scenario files"
    )

    p = _command(
        commands,
        "simulate",
        "bot.cli.simulate_cmd:cmd_simulate",
        "play many seeded AI matches offline and sum them up",
    )
    p.add_argument("--scenario", metavar="ID|FILE", help=SCENARIO_HELP)
    p.add_argument(
        "--matches", type=int, required=True, metavar="N", help="how many matches to play"
    )
    p.add_argument(
        "--seed", type=int, required=True, metavar="N", help="the seed of the first match"
    )
    p.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="SEAT=ai|hold|FILE",
        help="how a seat plays: the AI (default), holding, or a script file (repeatable)",
    )
    p.add_argument("--rounds", type=int, metavar="N", help=ROUNDS_HELP)
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="SEAT=R",
        help="every argument of SEAT is rated R (-1..1), as if a room were convinced (repeatable)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="spread the matches over N processes; the report is the same (default 1)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")


def _whatif(commands: Any) -> None:
    p = _command(
        commands,
        "whatif",
        "bot.cli.whatif:cmd_whatif",
        "fork a stored match from a round: as played against a change, over many seeds",
    )
    p.add_argument("--match", type=int, required=True, metavar="ID", help="the match to fork")
    p.add_argument(
        "--from-round", type=int, required=True, metavar="R", help="the first round replayed"
    )
    p.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="SEAT=ai|hold|FILE",
        help="who plays the seat from round R on in the what-if arm (repeatable)",
    )
    p.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="MOVE",
        help="a move nobody plays from round R on in the what-if arm (repeatable)",
    )
    p.add_argument(
        "--seeds", type=int, default=100, metavar="N", help="seeds per arm (default 100)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.add_argument(
        "--full", action="store_true", help="allow forking a running match (moderators only)"
    )


def _play(commands: Any) -> None:
    p = _command(commands, "play", "bot.cli.play:cmd_play", "play a match in the terminal")
    p.add_argument("--scenario", metavar="ID|FILE", help=SCENARIO_HELP)
    p.add_argument(
        "--seat",
        action="append",
        default=[],
        metavar="SEAT",
        help="a seat you play at the keyboard (repeatable: hot-seat); the AI plays the rest",
    )
    p.add_argument("--seed", type=int, metavar="N", help="the match seed (random when omitted)")
    p.add_argument("--rounds", type=int, metavar="N", help=ROUNDS_HELP)
    p.add_argument(
        "--all-causes", "--verbose", dest="verbose", action="store_true", help=ALL_CAUSES_HELP
    )
    p.add_argument(
        "--debate",
        choices=("open", "sealed"),
        help="open: rate the intentions before they resolve; sealed: as the first version "
        "(the scenario's rules.debate when omitted)",
    )
    p.add_argument("--db", metavar="PATH", help=DB_HELP)

    r = _command(
        commands,
        "resume",
        "bot.cli.play:cmd_resume",
        "continue an unfinished terminal match, draft orders included",
    )
    r.add_argument(
        "--match",
        type=int,
        metavar="ID",
        help="the match to continue (default: the newest unfinished terminal match)",
    )
    r.add_argument(
        "--all-causes", "--verbose", dest="verbose", action="store_true", help=ALL_CAUSES_HELP
    )
    r.add_argument("--db", metavar="PATH", help=DB_HELP)


ALL_CAUSES_HELP = (
    "list every cause of every change in the reveal (by default at most 3 a metric); "
    "--verbose is the old name"
)


def _store(commands: Any) -> None:
    p = _command(commands, "matches", "bot.cli.store_cmds:cmd_matches", "list the stored matches")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument(
        "--limit", type=int, default=100, metavar="N", help="at most this many, newest first"
    )

    r = _command(
        commands,
        "replay",
        "bot.cli.store_cmds:cmd_replay",
        "re-run a stored match and compare every round",
    )
    r.add_argument("--match", type=int, required=True, metavar="ID", help="the match to replay")
    r.add_argument("--db", metavar="PATH", help=DB_HELP)
    r.add_argument(
        "--verify", action="store_true", help="exit 1 unless every round replays exactly"
    )


def _export(commands: Any) -> None:
    p = _command(
        commands,
        "export",
        "bot.cli.export_cmd:cmd_export",
        "export a match as json, markdown, html or csv (docs/match-record.md)",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--match", type=int, metavar="ID", help="a stored match")
    source.add_argument("--offline", action="store_true", help="play an AI match and export it")
    source.add_argument("--schema", action="store_true", help="print the record's JSON Schema")
    p.add_argument(
        "--format", choices=EXPORT_FORMATS, default="json", help="the file format (default json)"
    )
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")
    p.add_argument(
        "--as",
        dest="viewer",
        metavar="SEAT|public",
        help="cut a running match as this seat (or the public) sees it",
    )
    p.add_argument("--full", action="store_true", help="show a running match's secrets too")
    p.add_argument("--scenario", metavar="ID|FILE", help="with --offline: " + SCENARIO_HELP)
    p.add_argument("--seed", type=int, metavar="N", help="with --offline: the match seed")
    p.add_argument("--rounds", type=int, metavar="N", help="with --offline: " + ROUNDS_HELP)


def _class(commands: Any) -> None:
    p = _command(
        commands,
        "class",
        "bot.cli.class_cmd:cmd_class",
        "list class runs, or compare or export one (docs/teachers.md)",
    )
    p.add_argument(
        "--class",
        dest="class_id",
        type=int,
        metavar="ID",
        help="the class run (default: list them all)",
    )
    p.add_argument(
        "--format",
        choices=CLASS_FORMATS,
        default="compare",
        help="compare: the groups side by side; gradebook: CSV, a row per student; "
        "markdown or html: the class report (default compare)",
    )
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")


def _run(commands: Any) -> None:
    p = _command(
        commands, "run", "bot.cli.run_cmd:cmd_run", "run the Discord bot (needs DISCORD_TOKEN)"
    )
    p.add_argument(
        "--sync-guild",
        type=int,
        metavar="ID",
        help="sync slash commands to this server only (instant); globally otherwise",
    )
    p.add_argument("--no-sync", action="store_true", help="do not sync slash commands at start")
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="the database file, or a postgresql:// URL shared by several bot processes "
        "(default: $LEVERS_DB or ./data/levers.db)",
    )
    p.add_argument(
        "--shards",
        type=int,
        metavar="N",
        help="how many shards the bot has in all (default: $LEVERS_SHARDS; unsharded)",
    )
    p.add_argument(
        "--shard-ids",
        metavar="A,B",
        help="the shards this process holds (default: $LEVERS_SHARD_IDS; all of them)",
    )


def _completion(commands: Any) -> None:
    p = _command(
        commands,
        "completion",
        "bot.cli.completion:cmd_completion",
        "print a shell completion script (bash or zsh)",
    )
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="levers",
        description="Levers: a turn-based policy-debate game (Discord bot and offline tools).",
    )
    parser.add_argument("--version", action=VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_play, _offline, _whatif, _export, _store, _class, _run, _completion):
        add(commands)
    return parser
