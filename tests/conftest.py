"""Settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import settings

# Under CI, property tests draw the same examples every run: a red CI then always means a
# change broke something, never that a new random example turned up an old bug. Locally they
# stay random, which is where new counterexamples should be found (and then pinned as tests).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")
