"""Which engine runs: ``bot/game``'s pure Python, or its hot modules compiled by mypyc.

Outside ``bot/game`` because it reads the environment and files (the engine itself is pure);
``bot/game/__init__.py`` calls it before any engine module is imported.

The pure Python is the source of truth and the fallback. ``python -m bot.build_engine`` (run
by ``make install`` when a C compiler is present) compiles ``COMPILED`` into ``BUILD`` with a
manifest holding a digest of every ``.py`` file of ``bot/game`` at build time. The package
(``bot/game/__init__.py``) puts the compiled modules first on its path only when that digest
still matches the sources, so a module edited after the build runs interpreted (never a stale
binary) until the next build. ``LEVERS_ENGINE=interpreted`` forces the pure Python.
``bot.game.ENGINE`` says which one was chosen and ``bot.game.ENGINE_REASON`` why.
"""

from __future__ import annotations

import hashlib
import json
import os
import sysconfig
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent / "game"  # bot/game
BUILD = PACKAGE.parents[1] / "build" / "engine"  # the checkout's build/engine (gitignored)
MANIFEST = "manifest.json"
GROUP = "bot.game._compiled"  # mypyc's shared library: bot/game/_compiled__mypyc.*.so
SWITCH = "LEVERS_ENGINE"  # "interpreted" forces the pure Python

# The modules worth compiling (the AI, its tables, resolution, the debate and talks, the match
# loop, the conditions' closures, the seeded generators). Not state.py (compiled, its frozen
# dataclasses keep the Python ``__init__`` dataclasses generates and orders were slower to build
# than with the ``__dict__`` trick: no gain, see docs/performance.md), scenario.py (pydantic)
# nor the reference engine; deals, view, scoring and deal_talks were tried and gave nothing
# measurable (and a deals test failed).
COMPILED = (
    "ai",
    "ai_deals",
    "ai_debate",
    "ai_tables",
    "debate",
    "engine",
    "env",
    "expr",
    "legal",
    "match",
    "policies",
    "rng",
)


def sources_digest(package: Path = PACKAGE) -> str:
    """A digest of every ``.py`` file under ``package`` (names and bytes): any edit of the
    engine, compiled module or not, changes it."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def ext_suffix() -> str:
    """The file ending of this interpreter's extension modules."""
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def compiled_dir(package: Path = PACKAGE, build: Path = BUILD) -> tuple[Path | None, str]:
    """The directory of compiled modules to search before ``package``, or None, and why."""
    if os.environ.get(SWITCH, "") == "interpreted":
        return None, f"{SWITCH}=interpreted"
    try:
        manifest = json.loads((build / MANIFEST).read_text())
    except (OSError, ValueError):
        return None, "no compiled build (python -m bot.build_engine)"
    if not isinstance(manifest, dict) or manifest.get("suffix") != ext_suffix():
        return None, "the compiled build is for another Python"
    if manifest.get("digest") != sources_digest(package):
        return None, "the sources changed since the compiled build (python -m bot.build_engine)"
    where = build / "bot" / "game"
    modules = manifest.get("modules")
    if not isinstance(modules, list) or not all(
        (where / f"{name}{ext_suffix()}").is_file() for name in modules
    ):
        return None, "the compiled build is incomplete"
    return where, "compiled build matches the sources"
