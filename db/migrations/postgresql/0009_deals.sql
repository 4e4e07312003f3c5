-- 0009 (PostgreSQL): deals made in a match being played, and private talks threads (see
-- ../0009_deals.sql).
CREATE TABLE deal_events (
    match_id BIGINT NOT NULL REFERENCES matches (id),
    seq BIGINT NOT NULL,
    deal_id TEXT NOT NULL,
    round BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected', 'opened')),
    seat TEXT,
    player TEXT,
    body TEXT,
    replaces TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (match_id, seq)
);
CREATE INDEX deal_events_round ON deal_events (match_id, round);

CREATE TABLE talk_threads (
    match_id BIGINT NOT NULL REFERENCES matches (id),
    seats TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    PRIMARY KEY (match_id, seats)
);
