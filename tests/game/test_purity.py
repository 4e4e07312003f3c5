"""The engine is pure: no Discord, no database, no asyncio, no clock, no global random."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.game

FORBIDDEN_IMPORTS = {
    "discord",
    "aiosqlite",
    "sqlite3",
    "db",
    "cogs",
    "asyncio",
    "time",
    "datetime",
    "secrets",
    "os",
    "threading",
}
# Module-level functions of `random` draw from the hidden global generator.
GLOBAL_RANDOM = {
    "random",
    "randint",
    "randrange",
    "choice",
    "choices",
    "shuffle",
    "sample",
    "uniform",
    "gauss",
    "seed",
    "getrandbits",
    "normalvariate",
    "triangular",
}
ENGINE = Path(bot.game.__file__).parent


def _modules() -> list[Path]:
    return sorted(ENGINE.glob("*.py"))


def test_the_engine_imports_nothing_impure() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IMPORTS, f"{path.name} imports {name}"


def test_the_engine_never_uses_the_global_random_generator() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "random":
                assert all(a.name == "Random" for a in node.names), (
                    f"{path.name}: from random import"
                )
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "random"
                and node.attr in GLOBAL_RANDOM
            ):
                raise AssertionError(f"{path.name}:{node.lineno} uses random.{node.attr}")


def test_the_purity_check_would_catch_an_impure_module(tmp_path: Path) -> None:
    bad = ast.parse("import asyncio\nx = random.random()\n")
    imports = [a.name for n in ast.walk(bad) if isinstance(n, ast.Import) for a in n.names]
    calls = [n.attr for n in ast.walk(bad) if isinstance(n, ast.Attribute)]
    assert "asyncio" in FORBIDDEN_IMPORTS & set(imports)
    assert "random" in GLOBAL_RANDOM & set(calls)
