"""The common mistakes of docs/scenario-authoring.md, as broken copies of the default scenario.

Each case names the copy (the file name the guide shows) and the edit that breaks it; the test
in ``test_doc_mistakes.py`` checks that the guide shows exactly what ``levers validate`` prints
for each. ``python -m tests.game.doc_mistakes`` prints every block, to paste into the guide.
"""

from __future__ import annotations

from bot.game.validate import ScenarioInvalid, load_scenario
from bot.scenarios import SCENARIOS

DEFAULT = (SCENARIOS / "venezuela-2021.yaml").read_text()

OIL = "      - {metric: oil_sanctions, change: 15}\n"
NAME = "    name: Tighten oil sanctions\n"
TEXT = (
    "    text: Treasury widens the oil sanctions; imports of food and medicine get harder to "
    "finance.\n"
)
ARGUMENT = "Cutting off the oil money is the only language this government understands.\n"

# name -> (text to find, once, in the default scenario; what to put in its place)
MISTAKES: dict[str, tuple[str, str]] = {
    "tab": (NAME, NAME.replace("    ", "\t", 1)),
    "indented_too_far": (NAME, "  " + NAME),
    "indented_too_little": (NAME, NAME[1:]),
    "missing_colon": (TEXT, TEXT.replace("text:", "text", 1)),
    "unclosed_quote": (
        f"    argument: {ARGUMENT}",
        f'    argument: "{ARGUMENT}',
    ),
    "colon_in_text": (TEXT, TEXT.replace("sanctions;", "sanctions:", 1)),
    "double_quoted_condition": (
        """    when: 'played("us.military_threat") and played("us.drug_indictments")'\n""",
        """    when: "played("us.military_threat") and played("us.drug_indictments")"\n""",
    ),
    "typo_field": (TEXT, TEXT.replace("text:", "txt:", 1)),
    "unknown_metric": (OIL, OIL.replace("oil_sanctions", "oil_sanction")),
    "renamed_metric": ("  - id: oil_sanctions\n", "  - id: oil_sanction\n"),
    "unknown_move": (
        'played("us.military_threat") and played("us.drug_indictments")',
        'played("us.military_threats") and played("us.drug_indictments")',
    ),
    "renamed_seat": ("  - id: us\n", "  - id: usa\n"),
    "duplicate_id": ("  - id: us.fuel_sanctions\n", "  - id: us.oil_sanctions\n"),
    "bad_condition": ("    when: oil_sanctions >= 60\n", "    when: oil_sanctions >= \n"),
    "backwards_arrow": ("    when: oil_sanctions >= 60\n", "    when: oil_sanctions => 60\n"),
    "quoted_number": ("    start: 75\n", '    start: "75"\n'),
    "both_change_and_range": (OIL, OIL.replace("15}", "15, range: [10, 20]}")),
    "too_big": (OIL, OIL.replace("15}", "150}")),
    "balancing_metric": (
        "      - {metric: humanitarian, change: -3}\n",
        "      - {metric: unaligned, change: -3}\n",
    ),
    "played_in_condition": (
        "    condition: fuel_sanctions > 0\n",
        '    condition: fuel_sanctions > 0 and not played("maduro.electoral_guarantees")\n',
    ),
    "bad_default": ("      default: loyalist\n", "      default: loyalists\n"),
    "wrong_seat_move": (
        "      prefer: {maduro.electoral_guarantees: 1.0, maduro.partial_agreement: 1.5}\n",
        "      prefer: {us.electoral_guarantees: 1.0, maduro.partial_agreement: 1.5}\n",
    ),
    "never_fires": ("    when: coordination >= 60\n", "    when: coordination >= 160\n"),
    "ending_unreachable": (
        "    condition: regime_cohesion <= 40 and mobilization >= 35\n",
        "    condition: regime_cohesion <= 40 and regime_cohesion >= 60\n",
    ),
}


def broken(name: str) -> str:
    """The default scenario with one mistake made."""
    old, new = MISTAKES[name]
    assert DEFAULT.count(old) >= 1, f"{name}: the default scenario no longer has {old!r}"
    return DEFAULT.replace(old, new, 1)


def output(name: str) -> str:
    """What ``levers validate NAME.yaml`` prints for the broken copy."""
    filename = f"{name}.yaml"
    try:
        load_scenario(broken(name), filename)
    except ScenarioInvalid as err:
        return "\n".join(p.format(filename) for p in err.problems)
    return f"{filename}: ok"


if __name__ == "__main__":
    for case in MISTAKES:
        print(f"```text\n{output(case)}\n```\n")
