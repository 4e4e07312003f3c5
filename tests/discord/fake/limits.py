"""Discord's documented limits, checked on the raw JSON the bot sends (independently of the bot).

Each check returns a list of problems ``(path, message)``; an empty list means the payload is
valid. The server answers a violation with Discord's own ``50035 Invalid Form Body``.
"""

from __future__ import annotations

import re
from typing import Any

Problems = list[tuple[str, str]]
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


def _text(problems: Problems, path: str, value: Any, limit: int, required: bool = False) -> None:
    if value is None:
        if required:
            problems.append((path, "required"))
        return
    if not isinstance(value, str):
        problems.append((path, "must be a string"))
    elif len(value) > limit:
        problems.append((path, f"must be {limit} or fewer in length (got {len(value)})"))
    elif required and not value:
        problems.append((path, "must not be empty"))


def _embed_total(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def check_embeds(embeds: list[dict[str, Any]], problems: Problems) -> None:
    """Embeds: counts, per-field lengths, and 6000 characters over the message."""
    if len(embeds) > 10:
        problems.append(("embeds", "must be 10 or fewer in length"))
    total = 0
    for i, embed in enumerate(embeds):
        at = f"embeds.{i}"
        _text(problems, f"{at}.title", embed.get("title"), 256)
        _text(problems, f"{at}.description", embed.get("description"), 4096)
        _text(problems, f"{at}.footer.text", (embed.get("footer") or {}).get("text"), 2048)
        _text(problems, f"{at}.author.name", (embed.get("author") or {}).get("name"), 256)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append((f"{at}.fields", "must be 25 or fewer in length"))
        for j, field in enumerate(fields):
            _text(problems, f"{at}.fields.{j}.name", field.get("name"), 256, required=True)
            _text(problems, f"{at}.fields.{j}.value", field.get("value"), 1024, required=True)
        total += _embed_total(embed)
    if total > 6000:
        problems.append(("embeds", f"embed size exceeds maximum size of 6000 (got {total})"))


def _check_button(b: dict[str, Any], at: str, problems: Problems) -> None:
    _text(problems, f"{at}.label", b.get("label"), 80)
    if b.get("style") == 5:
        _text(problems, f"{at}.url", b.get("url"), 512, required=True)
    else:
        _text(problems, f"{at}.custom_id", b.get("custom_id"), 100, required=True)
    if not b.get("label") and not b.get("emoji"):
        problems.append((at, "a button needs a label or an emoji"))


def _check_select(s: dict[str, Any], at: str, problems: Problems) -> None:
    _text(problems, f"{at}.custom_id", s.get("custom_id"), 100, required=True)
    _text(problems, f"{at}.placeholder", s.get("placeholder"), 150)
    options = s.get("options") or []
    if s.get("type") == 3 and not 1 <= len(options) <= 25:
        problems.append((f"{at}.options", "must be between 1 and 25 in length"))
    values = [o.get("value") for o in options]
    if len(values) != len(set(values)):
        problems.append((f"{at}.options", "option values must be unique"))
    for k, option in enumerate(options):
        _text(problems, f"{at}.options.{k}.label", option.get("label"), 100, required=True)
        _text(problems, f"{at}.options.{k}.value", option.get("value"), 100, required=True)
        _text(problems, f"{at}.options.{k}.description", option.get("description"), 100)
    low, high = s.get("min_values", 1), s.get("max_values", 1)
    if not 0 <= low <= high <= max(len(options), 1) or high > 25:
        problems.append((at, f"min_values {low} / max_values {high} do not fit the options"))


def check_components(rows: list[dict[str, Any]], problems: Problems) -> None:
    """Action rows: at most 5; a row holds up to 5 buttons or exactly 1 select."""
    if len(rows) > 5:
        problems.append(("components", "must be 5 or fewer in length"))
    seen: set[str] = set()
    for i, row in enumerate(rows):
        at = f"components.{i}"
        if row.get("type") != 1:
            problems.append((at, "top-level components must be action rows"))
            continue
        items = row.get("components") or []
        buttons = [c for c in items if c.get("type") == 2]
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if not items or len(buttons) + len(selects) != len(items):
            problems.append((at, "a row holds buttons or one select"))
        if len(buttons) > 5 or (selects and (len(selects) > 1 or buttons)):
            problems.append((at, "a row holds up to 5 buttons or exactly 1 select"))
        for j, item in enumerate(items):
            cid = item.get("custom_id")
            if cid is not None:
                if cid in seen:
                    problems.append((f"{at}.components.{j}.custom_id", "must be unique"))
                seen.add(cid)
            if item.get("type") == 2:
                _check_button(item, f"{at}.components.{j}", problems)
            else:
                _check_select(item, f"{at}.components.{j}", problems)


def check_message(body: dict[str, Any], *, edit: bool = False) -> Problems:
    """A message create or edit payload."""
    problems: Problems = []
    _text(problems, "content", body.get("content"), 2000)
    check_embeds(body.get("embeds") or [], problems)
    check_components(body.get("components") or [], problems)
    empty = not (body.get("content") or body.get("embeds") or body.get("attachments"))
    if not edit and empty and not body.get("components") and not body.get("sticker_ids"):
        problems.append(("content", "Cannot send an empty message"))
    return problems


def check_modal(body: dict[str, Any]) -> Problems:
    """A modal: title 45, custom_id 100, 1 to 5 components, each one text input (label 45,
    value 4000) or, inside a label (type 18), one string select (checked as in a message)."""
    problems: Problems = []
    _text(problems, "title", body.get("title"), 45, required=True)
    _text(problems, "custom_id", body.get("custom_id"), 100, required=True)
    rows = body.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems.append(("components", "must be between 1 and 5 in length"))
    for i, row in enumerate(rows):
        inputs = _modal_inputs(row)
        if len(inputs) != 1:
            problems.append((f"components.{i}", "each row holds exactly one input"))
        for item in inputs:
            at = f"components.{i}"
            label = item.get("label", row.get("label"))
            _text(problems, f"{at}.label", label, 45, required=True)
            _text(problems, f"{at}.description", row.get("description"), 100)
            if item.get("type") == 3:
                _check_select(item, f"{at}.component", problems)
                continue
            _text(problems, f"{at}.custom_id", item.get("custom_id"), 100, required=True)
            _text(problems, f"{at}.value", item.get("value"), 4000)
            _text(problems, f"{at}.placeholder", item.get("placeholder"), 100)
            if int(item.get("max_length", 4000)) > 4000:
                problems.append((f"{at}.max_length", "must be 4000 or less"))
    return problems


def _modal_inputs(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Inputs of a modal row: text inputs inside an action row (type 1), or a text input or a
    string select inside a label (type 18; Discord takes selects in modals only there)."""
    if row.get("type") == 1:
        return [c for c in row.get("components") or [] if c.get("type") == 4]
    if row.get("type") == 18:
        inner = row.get("component") or {}
        return [inner] if inner.get("type") in (3, 4) else []
    return []


def check_choices(body: dict[str, Any]) -> Problems:
    """An autocomplete answer: at most 25 choices, names 1 to 100 characters, values 100."""
    problems: Problems = []
    choices = body.get("choices")
    if not isinstance(choices, list):
        return [("choices", "required")]
    if len(choices) > 25:
        problems.append(("choices", "must be 25 or fewer in length"))
    for i, choice in enumerate(choices):
        _text(problems, f"choices.{i}.name", choice.get("name"), 100, required=True)
        value = choice.get("value")
        if isinstance(value, str):
            _text(problems, f"choices.{i}.value", value, 100, required=True)
    return problems


def check_commands(commands: list[dict[str, Any]], *, global_: bool) -> Problems:
    """A bulk overwrite of application commands."""
    problems: Problems = []
    if len(commands) > 100:
        problems.append(("", "at most 100 commands"))
    names = [c.get("name") for c in commands]
    if len(names) != len(set(names)):
        problems.append(("", "command names must be unique"))
    for i, command in enumerate(commands):
        _check_command(command, str(i), problems)
    return problems


def _check_command(node: dict[str, Any], at: str, problems: Problems) -> None:
    name = node.get("name") or ""
    if not COMMAND_NAME.match(name) or name != name.lower():
        problems.append((f"{at}.name", f"invalid command name {name!r}"))
    if node.get("type", 1) in (1, None) or "options" in node:
        _text(problems, f"{at}.description", node.get("description"), 100, required=True)
    options = node.get("options") or []
    if len(options) > 25:
        problems.append((f"{at}.options", "must be 25 or fewer in length"))
    required_done = False
    for j, option in enumerate(options):
        if option.get("type") in (1, 2):
            _check_command(option, f"{at}.options.{j}", problems)
            continue
        if option.get("required") and required_done:
            problems.append((f"{at}.options.{j}", "required options must come first"))
        required_done = required_done or not option.get("required")
        _check_command({**option, "type": 1}, f"{at}.options.{j}", problems)
        if len(option.get("choices") or []) > 25:
            problems.append((f"{at}.options.{j}.choices", "must be 25 or fewer in length"))
