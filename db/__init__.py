"""The match store: SQLite (or PostgreSQL): migrations, the store, repositories.

It knows the engine's models (``bot.game``), never Discord. See ``db.store.Store``.
"""
