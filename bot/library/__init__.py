"""The scenario library: checking uploaded scenario files safely, linting their balance, and
turning the results into text a moderator can read. Nothing here imports Discord.

- ``sandbox``: ``check_upload`` validates (and optionally lints) a file in a separate process
  with a time and a memory limit, off the event loop; ``size_problem`` for declared sizes.
- ``results``: ``CheckResult`` and the summary of an accepted file.
- ``lint``: warnings from many seeded AI matches (pure; used by ``levers validate --lint``).
- ``report``: embed-sized text for refusals, summaries and balance reports.
- ``chart``: the PNG chart of the seats' win shares.
- ``checker``, ``zygote``, ``worker``: the check server, its per-file child, and the bot's
  client of it (see ``docs/scenario-library.md``).

Importing this package imports nothing heavy; import the submodule you need.
"""
