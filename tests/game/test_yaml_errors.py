"""YAML syntax errors in plain words, at the right line and column, with the parser's message
kept underneath."""

from __future__ import annotations

import pytest

from bot.game.validate import Problem, ScenarioInvalid, load_scenario

HEAD = "meta:\n  id: x\nmoves:\n  - id: red.a\n"


def _problem(text: str) -> Problem:
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(text, "f.yaml")
    [problem] = caught.value.problems
    return problem


@pytest.mark.parametrize(
    ("body", "message", "line", "column"),
    [
        ("\tname: b\n", "this line is indented with a tab: use spaces, not tabs, to indent", 5, 1),
        (
            "    name: b\n      text: t\n",
            "`text` is indented 6 spaces; the lines around it use 4",
            6,
            7,
        ),
        (
            "    name: b\n   text: t\n",
            "`text` is indented 3 spaces; the lines around it use 4",
            6,
            4,
        ),
        (
            "    name: b\n    text t\n    cost: 1\n",
            "`text` has no colon after it: write `text: t`",
            6,
            9,
        ),
        ('    name: "b\n    text: t\n', 'the quote " opened here is never closed', 5, 11),
        (
            "    text: Note: this\n",
            "a colon followed by a space inside unquoted text starts a new key",
            5,
            15,
        ),
        (
            '    condition: "played("red.a")"\n    text: t\n',
            "this text is in double quotes and holds double quotes too",
            5,
            24,
        ),
    ],
    ids=["tab", "too-far", "too-little", "no-colon", "unclosed-quote", "colon", "inner-quotes"],
)
def test_a_yaml_mistake_is_said_in_plain_words(
    body: str, message: str, line: int, column: int
) -> None:
    problem = _problem(HEAD + body)
    assert problem.message.startswith(message)
    assert problem.line == line
    snippet, pointer, parser = problem.detail.splitlines()
    assert snippet.startswith(f"{line:>5} | ")
    assert pointer.index("^") - pointer.index("|") - 2 == column - 1  # the caret's column
    assert parser.strip().startswith("YAML syntax error: ")  # the parser's words, for experts


def test_the_detail_follows_the_message_line_when_printed() -> None:
    printed = _problem(HEAD + "\tname: b\n").format("f.yaml").splitlines()
    assert printed[0] == (
        "f.yaml:5: (file): this line is indented with a tab: use spaces, not tabs, to indent"
    )
    assert printed[1] == "    5 | →name: b" and printed[2] == "      | ^"
    assert "found a tab character" in printed[3]


def test_an_unusual_syntax_error_keeps_the_parser_message() -> None:
    problem = _problem("a: [1, 2\nb: 3\n")
    assert problem.message.startswith("YAML syntax error:") and problem.detail == ""
