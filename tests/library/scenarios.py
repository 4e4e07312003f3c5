"""Small scenarios written for the library's tests (valid unless a test changes them)."""

from __future__ import annotations

# Two seats pull one metric in opposite directions, but only ``north`` has a move that works:
# ``north.push`` always wins it the match. Every other line is there to trip one lint warning
# (the comment at the end of the line says which).
LOPSIDED = """\
meta:
  id: lopsided
  title: Lopsided
  version: "1.0"
  author: Levers tests
  source: Written for the lint tests.
  description: A scenario built to earn every balance warning.
  rounds: 3
metrics:
  - id: border
    name: Border
    start: 50
  - id: pressure
    name: Pressure
    start: 95           # metrics[1]: stuck at its maximum
  - id: untouched
    name: Untouched     # metrics[2]: never changes
    start: 10
seats:
  - id: north
    name: North         # seats[0]: too strong
    description: Pushes the border south.
    budget: 1
    goals:
      - {metric: border, target: 90}
  - id: south
    name: South         # seats[1]: too weak
    description: Wants the border north.
    budget: 1
    goals:
      - {metric: border, target: 10, kind: at_most}
moves:
  - id: north.push
    name: Push          # moves[0]: chosen every time it is legal
    description: Push hard.
    effects:
      - {metric: border, change: 15}
      - {metric: pressure, change: 10}
    text: North pushes.
  - id: north.nudge
    name: Nudge         # moves[1]: legal but never chosen
    description: A small push.
    effects:
      - {metric: border, change: 1}
    text: North nudges.
  - id: north.miracle
    name: Miracle       # moves[2]: never legal
    description: Only when the border is nearly won.
    condition: border > 99.5 and border < 99.6
    effects:
      - {metric: border, change: 1}
    text: A miracle.
  - id: south.plead
    name: Plead
    description: Plead for help; it backfires.
    effects:
      - {metric: border, change: 2}
    text: South pleads.
interactions:
  - id: summit
    name: Summit        # interactions[0]: never fires
    when: played("north.nudge") and played("south.plead")
    effects:
      - {metric: border, change: -20}
    text: A summit.
events:
  - id: landslide
    name: Landslide     # events[0]: never happens
    kind: triggered
    condition: border < 1
    effects:
      - {metric: border, change: 5}
    text: A landslide.
endings:
  - id: collapse
    name: Collapse      # endings[0]: never ends a match
    condition: border <= 0
    text: The border collapses.
"""

# Two mirror-image seats: every match is a tie, so each wins half (no seat warning).
MIRROR = """\
meta:
  id: mirror
  title: Mirror
  version: "1.0"
  author: Levers tests
  source: Written for the lint tests.
  description: Two seats with the same goals and the same moves.
  rounds: 2
metrics:
  - id: calm
    name: Calm
    start: 50
seats:
  - id: east
    name: East
    description: One side.
    goals:
      - {metric: calm, target: 70}
  - id: west
    name: West
    description: The other side.
    goals:
      - {metric: calm, target: 70}
moves:
  - id: east.talk
    name: Talk
    description: Talk.
    effects:
      - {metric: calm, change: 2}
    text: East talks.
  - id: west.talk
    name: Talk
    description: Talk.
    effects:
      - {metric: calm, change: 2}
    text: West talks.
"""
