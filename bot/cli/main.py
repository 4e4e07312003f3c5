"""``levers``: one entry point; the parser lives in ``bot.cli.commands``, each command's code in
its own module, imported only when that command runs (so every command starts at once)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from bot.cli.commands import build_parser

Handler = Callable[[argparse.Namespace], int]


def handler_of(spec: str) -> Handler:
    """The function named ``module:function``, its module imported now."""
    module, _, name = spec.partition(":")
    found: Handler = getattr(importlib.import_module(module), name)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``levers`` command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return handler_of(args.handler)(args)
    except KeyboardInterrupt:
        print("\nlevers: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
