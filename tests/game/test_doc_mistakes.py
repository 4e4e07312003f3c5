"""The guide's common mistakes show exactly what `levers validate` prints for them.

When a message changes, run ``python -m tests.game.doc_mistakes`` and paste the new blocks into
the "Common mistakes" section of docs/scenario-authoring.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.game.doc_mistakes import MISTAKES, output

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "scenario-authoring.md"


def _blocks() -> dict[str, str]:
    """The guide's ```text blocks in "Common mistakes", keyed by the file name they show."""
    text = GUIDE.read_text()
    section = text.split("## Common mistakes", 1)[1].split("\n## ", 1)[0]
    found: dict[str, str] = {}
    for block in re.findall(r"```text\n(.*?)\n```", section, re.S):
        name = re.match(r"(\w+)\.yaml:\d+: ", block)
        assert name is not None, f"a block that is not validator output: {block!r}"
        found[name[1]] = block
    return found


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_guide_shows_the_exact_message_of_each_mistake(name: str) -> None:
    assert _blocks().get(name) == output(name), f"paste into the guide:\n{output(name)}"


def test_every_message_in_the_guide_is_checked() -> None:
    assert set(_blocks()) == set(MISTAKES)
