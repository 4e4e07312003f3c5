-- 0007: counterfactual forks a match's players or moderators asked for (/match whatif), and
-- seat-swap rematches (/match rematch): which seat each seat's players moved to, and the AI's
-- expected score in each seat that their results are compared against.
CREATE TABLE match_forks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id),
    made_at TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_by_name TEXT NOT NULL,
    -- 1: made while the match ran (by a moderator); shown to moderators only until it is over
    while_running INTEGER NOT NULL CHECK (while_running IN (0, 1)),
    from_round INTEGER NOT NULL,
    seeds INTEGER NOT NULL,
    changes TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX match_forks_by_match ON match_forks (match_id, id);

CREATE TABLE seat_swaps (
    match_id INTEGER PRIMARY KEY REFERENCES matches (id),
    source_match_id INTEGER NOT NULL REFERENCES matches (id),
    mode TEXT NOT NULL CHECK (mode IN ('rotate', 'random')),
    seats TEXT NOT NULL,
    expected TEXT NOT NULL,
    expected_seeds INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
