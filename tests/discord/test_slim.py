"""A click's message is cut to the clicked control before discord.py parses it (slim.py).

The unit tests pin what is kept; the flows drive discord.py's own INTERACTION_CREATE parser and
check what the handlers see, that the fake Discord's stored message is left whole, and that the
panel still works through a pick, its modal and Submit (the rest of the suite plays whole matches
through the same path).
"""

from __future__ import annotations

import copy
from typing import Any

from bot.discord.slim import COMPONENTS_V2, slimmed
from tests.discord import transcript as t
from tests.discord.harness import Harness

PANEL: dict[str, Any] = {
    "id": "10",
    "flags": 64,
    "embeds": [{"title": "Round 1", "fields": [{"name": "a", "value": "b"}]}],
    "components": [
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "lv:pick",
                    "options": [{"label": str(i), "value": str(i)} for i in range(25)],
                }
            ],
        },
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 1, "custom_id": "lv:submit", "label": "Submit"},
                {"type": 2, "style": 2, "custom_id": "lv:clear", "label": "Clear"},
            ],
        },
    ],
}


def click(custom_id: str, message: dict[str, Any] = PANEL) -> dict[str, Any]:
    return {"type": 3, "id": "1", "data": {"custom_id": custom_id}, "message": message}


def test_a_click_keeps_the_clicked_control_alone_in_its_row() -> None:
    before = copy.deepcopy(PANEL)
    out = slimmed(click("lv:submit"))
    assert out["message"]["components"] == [
        {"type": 1, "components": [PANEL["components"][1]["components"][0]]}
    ]
    assert out["message"]["embeds"] == []
    assert out["message"]["id"] == "10" and out["message"]["flags"] == 64
    assert before == PANEL  # the caller's payload (the fake's stored message) is untouched


def test_a_control_not_on_the_message_leaves_no_components() -> None:
    assert slimmed(click("lv:forged"))["message"]["components"] == []


def test_a_modal_submission_keeps_no_components_and_other_payloads_pass_unchanged() -> None:
    submitted = {**click("lv:argue"), "type": 5}
    assert slimmed(submitted)["message"]["components"] == []
    command = {"type": 2, "id": "1", "data": {"name": "match"}}
    assert slimmed(command) is command
    layout = click("lv:submit", {**PANEL, "flags": COMPONENTS_V2})
    assert slimmed(layout) is layout
    no_message = {"type": 3, "id": "1", "data": {"custom_id": "lv:submit"}}
    assert slimmed(no_message) is no_message


async def test_the_handler_sees_only_the_clicked_control_and_the_panel_still_plays(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await t.start_two_player_match(h, ana, ben)
    seen = t.interactions_seen(h)
    panel = await t.open_panel(h, ana)
    select = t.pick_select(panel)
    options: Any = select["options"]
    await t.add_move(h, ana, panel, str(options[0]["value"]), "because it works")
    submit = panel.component(label="Submit")
    done = t.accepted(await h.click(ana, panel, label="Submit"))
    assert done.record.edits or done.record.followups
    clicked = seen[-1].message
    assert clicked is not None and clicked.id == panel.id
    assert [c.custom_id for row in clicked.components for c in getattr(row, "children", [])] == [
        submit["custom_id"]
    ]
    assert clicked.embeds == []
    assert len(panel.components()) > 1  # the fake Discord's copy keeps every control
