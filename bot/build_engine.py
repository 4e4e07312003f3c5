"""Compile the engine's hot modules with mypyc: ``python -m bot.build_engine`` (``make install``).

Builds ``bot.native_engine.COMPILED`` into ``build/engine/`` with a manifest of the sources'
digest; ``bot/game/__init__.py`` uses the build only while that digest matches (see
``bot/native_engine.py``). Does nothing when the build is up to date, and skips with a message,
exiting 0, when mypyc or a C compiler is missing or the build fails: the engine then runs as
pure Python, which is always correct, only slower. ``--force`` rebuilds anyway.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

from bot.native_engine import (
    BUILD,
    COMPILED,
    GROUP,
    MANIFEST,
    PACKAGE,
    compiled_dir,
    ext_suffix,
    sources_digest,
)

ROOT = PACKAGE.parents[1]


def _missing_tools() -> str | None:
    """Why a build cannot be tried here, or None."""
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return "mypyc or setuptools is not installed"
    compiler = (os.environ.get("CC") or str(sysconfig.get_config_var("CC") or "cc")).split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "no Python headers (Python.h)"
    return None


def _compile(out: Path) -> None:
    """Run mypyc and the C compiler, the extension modules going to ``out``."""
    from mypyc.build import mypycify
    from setuptools import Distribution
    from setuptools.command.build_ext import build_ext  # type: ignore[import-untyped]

    paths = [f"bot/game/{name}.py" for name in COMPILED]
    extensions = mypycify(paths, opt_level="3", group_name=GROUP, target_dir=str(out / "c"))
    command = build_ext(Distribution({"name": "levers-engine", "ext_modules": extensions}))
    command.build_lib = str(out)
    command.build_temp = str(out / "tmp")
    command.ensure_finalized()
    command.run()
    shutil.rmtree(out / "c")
    shutil.rmtree(out / "tmp")


def build(force: bool = False) -> str:
    """Build when needed; what happened, in one line."""
    where, _why = compiled_dir(PACKAGE, BUILD)
    if where is not None and not force:
        return "compiled engine: up to date"
    missing = _missing_tools()
    if missing is not None:
        return f"compiled engine: skipped, {missing}; the engine runs as pure Python"
    digest = sources_digest(PACKAGE)
    fresh = BUILD.with_name(BUILD.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    cwd = Path.cwd()
    os.chdir(ROOT)  # mypyc reads the mypy settings and the paths from the checkout
    try:
        _compile(fresh)
    except (Exception, SystemExit) as error:  # setuptools reports a failed compile by exiting
        shutil.rmtree(fresh, ignore_errors=True)
        return f"compiled engine: build FAILED ({error}); the engine runs as pure Python"
    finally:
        os.chdir(cwd)
    if sources_digest(PACKAGE) != digest:
        shutil.rmtree(fresh, ignore_errors=True)
        return "compiled engine: the sources changed during the build; run it again"
    manifest = {"digest": digest, "suffix": ext_suffix(), "modules": list(COMPILED)}
    (fresh / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    shutil.rmtree(BUILD, ignore_errors=True)
    fresh.rename(BUILD)
    return f"compiled engine: built {len(COMPILED)} modules into {BUILD.relative_to(ROOT)}"


def main() -> None:
    """Build (``--force``: even when up to date) and say what happened."""
    print(build(force="--force" in sys.argv[1:]))


if __name__ == "__main__":
    main()
