-- 0008: the open debate's window. When a round's orders lock in an open-debate match, its
-- intentions (the orders as they locked) wait here while seats and spectators rate them; the
-- window closes at ``closes_at`` (the timer worker reads it like a timer) or when every seat
-- has pressed Done, and the round resolves with the ratings.
CREATE TABLE debate_windows (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    locked TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    closed_at TEXT,
    PRIMARY KEY (match_id, round)
);
CREATE INDEX debate_windows_open ON debate_windows (closes_at) WHERE closed_at IS NULL;

-- Every rating given, with its time (append-only history): the latest per player and move counts.
CREATE TABLE debate_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    move TEXT NOT NULL,
    player TEXT NOT NULL,
    rater TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN -2 AND 2),
    at TEXT NOT NULL
);
CREATE INDEX debate_ratings_round ON debate_ratings (match_id, round);

-- One counter-argument per player and move.
CREATE TABLE debate_counters (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    move TEXT NOT NULL,
    player TEXT NOT NULL,
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (match_id, round, move, player)
);

-- Umpire rulings (a moderator); the latest per move counts.
CREATE TABLE debate_rulings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    move TEXT NOT NULL,
    umpire TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN -2 AND 2),
    at TEXT NOT NULL
);

-- Seats whose players pressed Done.
CREATE TABLE debate_done (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    seat TEXT NOT NULL,
    player TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (match_id, round, seat)
);
