"""The reference engine: the rules engine and AI exactly as they were before the fast path.

A frozen copy of ``engine``, ``legal``, ``view``, ``ai``, ``ai_debate``, ``ai_deals``,
``policies`` and ``match.play_match``, kept so that ``tests/game/test_fast_engine.py`` can check
the fast engine gives byte-identical matches for the same seed, and so that ``python -m bench
engine`` can measure both in the same run. Nothing in the game uses it. Its per-scenario tables
are kept under ``ref.`` memo keys, apart from the fast path's.

Do not change the rules here: a rule change goes into the fast modules, and then into these
copies too (the comparison test fails until both agree).
"""
