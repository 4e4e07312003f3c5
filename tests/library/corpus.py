"""The hostile corpus: every file an upload must refuse, with the message and line expected.

Small files are committed under ``hostile/`` (each starts with a comment saying what it is,
unless its encoding is the point); huge or repetitive ones are generated here at test time.
Most committed files are ``BASE`` (the smallest valid scenario) changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HOSTILE = Path(__file__).parent / "hostile"

BASE = """\
meta:
  id: hostile
  title: Hostile test
  version: "1.0"
  author: Levers tests
  source: Written for the hostile-file tests.
  description: The smallest valid scenario, changed in one place per file.
  rounds: 2
metrics:
  - id: calm
    name: Calm
    start: 50
seats:
  - id: town
    name: Town
    description: The only seat.
    goals:
      - {metric: calm, target: 70}
moves:
  - id: town.talk
    name: Talk
    description: Talk it over.
    effects:
      - {metric: calm, change: 5}
    text: People talk.
"""

MENTION = "mentions such as @everyone or roles are not allowed"
PATTERN = "String should match pattern"


@dataclass(frozen=True)
class Case:
    """One hostile file: its bytes, a regex its first problem must match, and the line."""

    name: str
    raw: bytes
    expect: str
    line: int | None = None


# file name -> (regex for the first problem's message, its line or None when any line will do)
COMMITTED: dict[str, tuple[str, int | None]] = {
    "alias-billion-laughs.yaml": ("anchors such as &a are not allowed", 2),
    "alias-reused-text.yaml": ("anchors such as &said are not allowed", 26),
    "alias-self-recursive.yaml": ("anchors such as &loop are not allowed", 2),
    "alias-undefined.yaml": (r"aliases such as \*nowhere are not allowed", 26),
    "merge-key.yaml": (r"merge keys \(<<\) are not allowed", 25),
    "tag-python-object.yaml": ("tags such as !!python/object:os.system are not allowed", 26),
    "tag-python-apply.yaml": ("tags such as !!python/object/apply:subprocess", 26),
    "tag-python-name.yaml": ("tags such as !!python/name:os.system are not allowed", 4),
    "tag-binary.yaml": ("tags such as !!binary are not allowed", 7),
    "tag-local.yaml": ("tags such as !custom are not allowed", 12),
    "tag-str-explicit.yaml": ("tags such as !!str are not allowed", 5),
    "tag-verbatim.yaml": ("tags such as !!python/object:os.system are not allowed", 26),
    "tag-directive.yaml": ("tags such as !!python/object/apply:os.system are not allowed", 28),
    "tag-set.yaml": ("tags such as !!set are not allowed", 18),
    "dup-top-level.yaml": (r"duplicate key 'meta' \(first used on line 2\)", 27),
    "dup-in-move.yaml": (r"duplicate key 'cost' \(first used on line 23\)", 24),
    "dup-flow-mapping.yaml": ("duplicate key 'change'", 25),
    "dup-quoted-key.yaml": (r"duplicate key 'name' \(first used on line 16\)", 17),
    "yaml11-version-sexagesimal.yaml": (PATTERN + r".*\(got '1:30'\)", 5),
    "yaml12-version-float.yaml": (r"Input should be a valid string \(got 1.0\)", 5),
    "yaml12-bool-name.yaml": (r"Input should be a valid string \(got True\)", 22),
    "yaml12-hex-title.yaml": (r"Input should be a valid string \(got 31\)", 4),
    "yaml12-null-text.yaml": (r"Input should be a valid string \(got None\)", 26),
    "int-thousand-digits.yaml": (r"number too large \(more than 18 digits\)", 13),
    "int-hex-huge.yaml": (r"number too large \(more than 18 digits\)", 13),
    "float-overflow.yaml": ("number too large", 13),
    "float-nan.yaml": ("NaN and infinity are not allowed", 13),
    "float-inf.yaml": ("NaN and infinity are not allowed", 25),
    "float-negative-inf.yaml": ("NaN and infinity are not allowed", 14),
    "float-nan-quoted.yaml": (r"Input should be a valid number \(got 'nan'\)", 13),
    "effects-13.yaml": ("List should have at most 12 items", 24),
    "rounds-21.yaml": (r"less than or equal to 20 \(got 21\)", 9),
    "budget-11.yaml": (r"less than or equal to 10 \(got 11\)", 17),
    "title-81-chars.yaml": ("String should have at most 80 characters", 4),
    "decision-6-options.yaml": ("List should have at most 5 items", 37),
    "id-metric-33-chars.yaml": (PATTERN, 11),
    "id-move-part-41-chars.yaml": (PATTERN, 21),
    "id-uppercase-seat.yaml": (PATTERN + r".*\(got 'Town'\)", 15),
    "id-path-traversal.yaml": (PATTERN + r".*\(got '../../etc/passwd'\)", 3),
    "id-unicode.yaml": (PATTERN + r".*\(got 'café'\)", 3),
    "mention-everyone-title.yaml": (MENTION, 4),
    "mention-here-move-text.yaml": (MENTION, 26),
    "mention-role-seat-name.yaml": (MENTION, 16),
    "mention-user-description.yaml": (MENTION, 17),
    "mention-in-key.yaml": (MENTION, 18),
    "mention-escaped.yaml": (MENTION, 26),
    "mention-block-scalar.yaml": (MENTION, 11),
    "mention-debrief-question.yaml": (MENTION, 29),
    "zero-width-space-name.yaml": (r"U\+200B \(ZERO WIDTH SPACE\) is not allowed", 16),
    "zero-width-joiner-id.yaml": (r"U\+200D \(ZERO WIDTH JOINER\) is not allowed", 21),
    "zero-width-escaped.yaml": (r"U\+200B \(ZERO WIDTH SPACE\) is not allowed", 22),
    "rtl-override-text.yaml": (r"U\+202E \(RIGHT-TO-LEFT OVERRIDE\) is not allowed", 26),
    "bidi-isolate-title.yaml": (r"U\+2066 \(LEFT-TO-RIGHT ISOLATE\) is not allowed", 4),
    "bom-inside-text.yaml": (r"U\+FEFF \(ZERO WIDTH NO-BREAK SPACE\) is not allowed", 23),
    "arabic-letter-mark.yaml": (r"U\+061C \(ARABIC LETTER MARK\) is not allowed", 12),
    "left-to-right-mark.yaml": (r"U\+200E \(LEFT-TO-RIGHT MARK\) is not allowed", 7),
    "encoding-latin1.yaml": ("the file is not valid UTF-8", 17),
    "encoding-utf16.yaml": (r"the file is not valid UTF-8 \(bad byte at offset 0\)", 1),
    "encoding-overlong.yaml": ("the file is not valid UTF-8", 26),
    "encoding-surrogate.yaml": ("the file is not valid UTF-8", 26),
    "encoding-truncated.yaml": ("the file is not valid UTF-8", 27),
    "control-nul.yaml": (r"character U\+0000 is not allowed in the file", 12),
    "control-escape.yaml": (r"character U\+001B is not allowed in the file", 26),
    "control-c1.yaml": (r"character U\+009B is not allowed in the file", 12),
    "empty.yaml": ("the file is empty", 1),
    "only-comments.yaml": ("the file is empty", None),
    "top-level-list.yaml": ("the file must be a mapping of sections", 1),
    "two-documents.yaml": ("only one YAML document is allowed per file", 27),
    "tab-indentation.yaml": ("indented with a tab: use spaces, not tabs, to indent", 12),
    "unclosed-quote.yaml": ("the quote .* opened here is never closed", 26),
    "unknown-field.yaml": (r"unknown field \(check the spelling", 23),
    "condition-python.yaml": ("condition does not parse at column", 26),
    "key-not-text.yaml": (r"keys must be text; quote it \(\"7\"\)", 18),
    "key-complex.yaml": ("keys must be text, not a list or mapping", 18),
}


def committed() -> list[Case]:
    """The committed hostile files, in name order."""
    return [
        Case(name, (HOSTILE / name).read_bytes(), *COMMITTED[name]) for name in sorted(COMMITTED)
    ]


def _with(old: str, new: str) -> bytes:
    assert old in BASE
    return BASE.replace(old, new, 1).encode()


def _moves(count: int) -> str:
    return "".join(
        f"  - {{id: town.m{i}, name: Move {i}, description: D., text: T., "
        "effects: [{metric: calm, change: 1}]}\n"
        for i in range(count)
    )


def _metrics(count: int) -> str:
    return "".join(f"  - {{id: m{i}, name: Metric {i}, start: 1}}\n" for i in range(count))


def _seats(count: int) -> str:
    return "".join(
        f"  - {{id: s{i}, name: Seat {i}, description: D., "
        "goals: [{metric: calm, target: 70}]}\n"
        for i in range(count)
    )


def _events(count: int) -> str:
    return "".join(
        f"  - {{id: e{i}, name: E, kind: scheduled, round: 1, text: T.}}\n" for i in range(count)
    )


def generated() -> list[Case]:
    """Hostile files too big or too repetitive to commit, built on the fly."""
    deep_block = "".join("  " * level + "a:\n" for level in range(200)) + "  " * 200 + "a: 1\n"
    return [
        Case("ten-megabytes.yaml", b"a: 1\n" * (2 * 1024 * 1024), "the limit is 262144 bytes", 1),
        Case("one-byte-over.yaml", b"#" * (256 * 1024) + b"\n", "the limit is 262144 bytes", 1),
        # libyaml stops these at its own depth limit before ours is reached; either way the
        # message names the nesting.
        Case("nest-5000-lists.yaml", b"meta: " + b"[" * 5000 + b"]" * 5000, "nesting", 1),
        Case("nest-3000-maps.yaml", b"{a: " * 3000 + b"1" + b"}" * 3000, "nesting", 1),
        Case("nest-1000-block-lists.yaml", b"- " * 1000 + b"x\n", "nesting is deeper", 1),
        Case("nest-200-block-maps.yaml", deep_block.encode(), "nesting is deeper", 25),
        Case(
            "int-minus-thousand-digits.yaml",
            _with("start: 50", "start: -" + "9" * 1000),
            "number too large",
            12,
        ),
        Case(
            "float-thousand-digits.yaml",
            _with("start: 50", "start: " + "1" * 1000 + ".5"),
            "number too large",
            12,
        ),
        Case(
            "moves-26-one-seat.yaml",
            (BASE + _moves(25)).encode(),
            "seat 'town' has more than 25 moves",
            50,
        ),
        Case(
            "metrics-41.yaml",
            _with("metrics:\n", "metrics:\n" + _metrics(40)),
            "List should have at most 40 items",
            9,
        ),
        Case(
            "seats-11.yaml",
            _with("seats:\n", "seats:\n" + _seats(10)),
            "List should have at most 10 items",
            13,
        ),
        Case(
            "events-101.yaml",
            (BASE + "events:\n" + _events(101)).encode(),
            "List should have at most 100 items",
            26,
        ),
        Case(
            "description-3001-chars.yaml",
            _with("description: The only seat.", "description: " + "d" * 3001),
            "String should have at most 3000 characters",
            16,
        ),
        Case(
            "nodes-over-cap.yaml",
            (BASE + "pad: [" + "1," * 60_000 + "1]\n").encode(),
            r"the file has more than 50000 values|took longer than 1\.5 s",
            None,
        ),
        # Just under the loader's 50,000 values: about the slowest file it parses (~2 s of CPU
        # here). Refused at the time limit, or for its unknown field on a fast machine.
        Case(
            "slowest-parse.yaml",
            (BASE + "pad: [" + "1," * 48_000 + "1]\n").encode(),
            r"took longer than 1\.5 s|unknown field",
            None,
        ),
        Case(
            "many-unknown-fields.yaml",
            (BASE + "".join(f"x{i}: 1\n" for i in range(400))).encode(),
            "unknown field",
            26,
        ),
    ]


def all_cases() -> list[Case]:
    """Every hostile case, committed and generated."""
    return committed() + generated()
