"""Reviewing matches: the versioned match record, redaction, debriefs, charts and exports.

Nothing here knows about Discord. The flow is always the same:

1. build a ``MatchRecord`` (``build.record_from_log`` for an offline match,
   ``from_store.load_record`` for a stored one);
2. cut it down to what a viewer may see (``redact.view_for``): while a match runs, each seat's
   secrets and the metrics it cannot see stay hidden; once it is over, everything is shown;
3. render it: ``debrief.build_debrief``, ``charts``, ``exports.export`` (json, markdown, html,
   csv) or ``pages`` (plain-text pages for the Discord log).
"""
