"""`make bench`: run every `bench/bench_*.py` module's `main()` in turn (or those named)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the named benchmarks (module names without `bench_`), or all of them."""
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [f"bench_{a}" for a in argv] or names
    for name in wanted:
        if name not in names:
            print(f"unknown benchmark {name}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        print(f"== {name} ==", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
