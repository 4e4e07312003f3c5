"""The layers hold: statements live in ``db/repos``, rendering reads no store.

``make contracts`` (import-linter) checks the imports; this checks what imports cannot see: an
SQL statement written as a string in the services, the review, the Discord front end or a cog.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|json_set|PRAGMA)\b")
CHECKED = ("bot/services", "bot/review", "bot/discord", "cogs")


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_sql_outside_the_store() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for folder in CHECKED
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, text in _strings(path)
        if SQL.search(text)
    ]
    assert not found, "move these statements into db/repos:\n" + "\n".join(found)


def test_the_check_sees_a_statement() -> None:
    assert SQL.search("SELECT seat FROM seat_holders WHERE match_id = ?")
    assert not SQL.search("select a seat")
