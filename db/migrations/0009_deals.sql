-- 0009: deals made in a match being played (Discord and the terminal). Each row is one step of
-- the talks: a deal proposed (with its terms as JSON), a party's answer, a counter. The engine's
-- state holds the deals once their round is resolved; between rounds these rows are the talks,
-- and they keep who acted (a player id, or "ai") and when, for the match record.
CREATE TABLE deal_events (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    seq INTEGER NOT NULL,
    deal_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected', 'opened')),
    seat TEXT,
    player TEXT,
    body TEXT,
    replaces TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (match_id, seq)
) WITHOUT ROWID;
CREATE INDEX deal_events_round ON deal_events (match_id, round);

-- Private talks between two seats: the Discord thread opened for them (seats "a|b", sorted).
CREATE TABLE talk_threads (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    seats TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    PRIMARY KEY (match_id, seats)
) WITHOUT ROWID;
