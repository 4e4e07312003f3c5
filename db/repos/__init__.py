"""Repositories: async functions over a transaction (``db.store.Tx``) that return models.

They filter in SQL and never decide rules; the services (``bot.services``) do that.
"""
