"""The compiled engine is used only when it was built from the current sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import bot.game
from bot import native_engine as native
from bot.game import ai


def _package(tmp: Path) -> tuple[Path, Path]:
    """A one-module package and a matching (fake) build of it."""
    package, build = tmp / "pkg", tmp / "build"
    package.mkdir()
    (package / "ai.py").write_text("X = 1\n")
    where = build / "bot" / "game"
    where.mkdir(parents=True)
    (where / f"ai{native.ext_suffix()}").write_bytes(b"")
    manifest = {
        "digest": native.sources_digest(package),
        "suffix": native.ext_suffix(),
        "modules": ["ai"],
    }
    (build / native.MANIFEST).write_text(json.dumps(manifest))
    return package, build


def test_a_build_is_used_only_while_it_matches_the_sources(tmp_path: Path) -> None:
    package, build = _package(tmp_path)
    assert native.compiled_dir(package, build)[0] == build / "bot" / "game"
    (package / "ai.py").write_text("X = 2\n")  # edited after the build
    where, why = native.compiled_dir(package, build)
    assert where is None and "sources changed" in why
    (package / "ai.py").write_text("X = 1\n")
    (package / "new.py").write_text("")  # a module added after the build counts too
    assert native.compiled_dir(package, build)[0] is None


def test_an_incomplete_or_missing_build_is_not_used(tmp_path: Path) -> None:
    package, build = _package(tmp_path)
    (build / "bot" / "game" / f"ai{native.ext_suffix()}").unlink()
    assert native.compiled_dir(package, build) == (None, "the compiled build is incomplete")
    shutil.rmtree(build)
    assert native.compiled_dir(package, build)[0] is None


def test_the_imported_modules_are_the_engine_announced() -> None:
    compiled = ai.__file__ is not None and ai.__file__.endswith(native.ext_suffix())
    assert compiled == (bot.game.ENGINE == "compiled"), bot.game.ENGINE_REASON


def _engine_in(root: Path) -> str:
    """``ENGINE`` and the AI module's file in a fresh interpreter importing ``root``'s bot."""
    code = "import bot.game, bot.game.ai as a; print(bot.game.ENGINE, a.__file__)"
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop(native.SWITCH, None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_copy_edited_after_the_build_runs_interpreted(tmp_path: Path) -> None:
    """A copy of the checkout with the real build: edit one module, and the edit runs."""
    shutil.copytree(native.PACKAGE.parent, tmp_path / "bot", ignore=shutil.ignore_patterns("*.pyc"))
    if native.BUILD.is_dir():
        shutil.copytree(native.BUILD, tmp_path / "build" / "engine")
    before = _engine_in(tmp_path)
    assert before.startswith(bot.game.ENGINE)  # the copy chooses as this checkout did
    with (tmp_path / "bot" / "game" / "ai.py").open("a") as module:
        module.write("\nEDITED = True\n")
    after = _engine_in(tmp_path)
    assert after == f"interpreted {tmp_path / 'bot' / 'game' / 'ai.py'}"
