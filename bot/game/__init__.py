"""The game engine: pure, deterministic rules, the AI and offline matches.

Its hot modules may run compiled (see ``bot/native_engine.py``): only when a build made from
exactly these sources exists, else the pure Python. ``ENGINE`` is ``"compiled"`` or
``"interpreted"``.
"""

from bot.native_engine import compiled_dir

_where, ENGINE_REASON = compiled_dir()
if _where is not None:
    __path__.insert(0, str(_where))
ENGINE = "interpreted" if _where is None else "compiled"
