"""``levers``: one entry point, one module per subcommand (each adds its own parser)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.cli import export_cmd, offline, play, run_cmd, store_cmds, whatif

Handler = Callable[[argparse.Namespace], int]
# Each module registers its subcommands on the parser; add new command modules here.
COMMAND_MODULES = [offline, play, run_cmd, export_cmd, store_cmds, whatif]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="levers",
        description="Levers: a turn-based policy-debate game (Discord bot and offline tools).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``levers`` command and return its exit status."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
