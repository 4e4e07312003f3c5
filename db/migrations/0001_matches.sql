-- 0001: scenarios, matches, seats, orders, rounds, the append-only log, the outbox and timers.
-- Applied migrations are never edited: change the schema with a new, higher-numbered file.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (they sort as they compare).

CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

-- The exact bytes of every scenario file a match was ever played with, by content hash.
CREATE TABLE scenario_texts (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    body BLOB NOT NULL,
    scenario_id TEXT NOT NULL,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    stored_at TEXT NOT NULL
) WITHOUT ROWID;

-- Where a text came from: shipped with Levers, a local file, or uploaded to a server.
CREATE TABLE scenario_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL REFERENCES scenario_texts (sha256),
    origin TEXT NOT NULL CHECK (origin IN ('builtin', 'file', 'upload')),
    location TEXT,
    guild_id TEXT,
    loaded_by TEXT,
    loaded_at TEXT NOT NULL
);
CREATE INDEX scenario_sources_sha ON scenario_sources (sha256);

CREATE TABLE matches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario_sha256 TEXT NOT NULL REFERENCES scenario_texts (sha256),
    scenario_source INTEGER REFERENCES scenario_sources (id),
    scenario_id TEXT NOT NULL,
    scenario_version TEXT NOT NULL,
    guild_id TEXT,
    channel_id TEXT,
    host TEXT NOT NULL,
    seed INTEGER NOT NULL,
    last_round INTEGER NOT NULL CHECK (last_round BETWEEN 1 AND 20),
    ai_fill INTEGER NOT NULL CHECK (ai_fill IN (0, 1)),
    teams INTEGER NOT NULL CHECK (teams IN (0, 1)),
    deadline_seconds INTEGER CHECK (deadline_seconds IS NULL OR deadline_seconds > 0),
    settings TEXT NOT NULL DEFAULT '{}',
    phase TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 0,
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    deadline_at TEXT,
    remaining_seconds REAL,
    state TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    ending TEXT,
    end_reason TEXT,
    ended_by TEXT,
    winners TEXT
);
CREATE INDEX matches_guild ON matches (guild_id, phase);
CREATE INDEX matches_phase ON matches (phase);

CREATE TABLE seats (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    seat TEXT NOT NULL,
    position INTEGER NOT NULL,
    ai INTEGER NOT NULL DEFAULT 0 CHECK (ai IN (0, 1)),
    PRIMARY KEY (match_id, seat)
) WITHOUT ROWID;

-- Who holds a seat now (several players when the match plays in teams); history is in match_log.
CREATE TABLE seat_holders (
    match_id INTEGER NOT NULL,
    player TEXT NOT NULL,
    seat TEXT NOT NULL,
    name TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (match_id, player),
    FOREIGN KEY (match_id, seat) REFERENCES seats (match_id, seat)
) WITHOUT ROWID;
CREATE INDEX seat_holders_seat ON seat_holders (match_id, seat);

-- Orders as submitted: every submission is kept; at most one is current (or locked) per seat.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL,
    round INTEGER NOT NULL,
    seat TEXT NOT NULL,
    player TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('current', 'replaced', 'withdrawn', 'locked')),
    moves TEXT NOT NULL DEFAULT '[]',
    decisions TEXT NOT NULL DEFAULT '{}',
    cost INTEGER NOT NULL,
    submitted_at TEXT NOT NULL,
    closed_at TEXT,
    FOREIGN KEY (match_id, seat) REFERENCES seats (match_id, seat)
);
CREATE UNIQUE INDEX submissions_one_live ON submissions (match_id, round, seat)
    WHERE status IN ('current', 'locked');

CREATE TABLE submission_orders (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    slot INTEGER NOT NULL,
    move TEXT NOT NULL,
    argument TEXT NOT NULL CHECK (length(argument) <= 1000),
    PRIMARY KEY (submission_id, slot),
    UNIQUE (submission_id, move)
) WITHOUT ROWID;

-- A submission is one INSERT: it replaces the seat's current one, is expanded into one row per
-- move (slot), and is logged, all in that statement. Only its status may change afterwards.
CREATE TRIGGER submissions_replace_current BEFORE INSERT ON submissions
WHEN NEW.status = 'current'
BEGIN
    UPDATE submissions SET status = 'replaced', closed_at = NEW.submitted_at
    WHERE match_id = NEW.match_id AND round = NEW.round AND seat = NEW.seat
        AND status = 'current';
END;
CREATE TRIGGER submissions_expand AFTER INSERT ON submissions
BEGIN
    INSERT INTO submission_orders (submission_id, slot, move, argument)
    SELECT NEW.id, key, json_extract(value, '$.move'), json_extract(value, '$.argument')
    FROM json_each(NEW.moves);
    INSERT INTO match_log (match_id, round, at, kind, actor, seat, data)
    VALUES (
        NEW.match_id, NEW.round, NEW.submitted_at, 'orders_submitted', NEW.player, NEW.seat,
        json_object(
            'moves', (SELECT json_group_array(json_extract(value, '$.move'))
                      FROM json_each(NEW.moves)),
            'submission', NEW.id
        )
    );
END;
CREATE TRIGGER submissions_as_submitted
BEFORE UPDATE OF match_id, round, seat, player, moves, decisions, cost, submitted_at
ON submissions
BEGIN
    SELECT RAISE(ABORT, 'a submission is never changed; submit again');
END;

-- Orders as locked: exactly what the engine got for each seat, and who decided them.
CREATE TABLE locked_orders (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    seat TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('players', 'ai', 'hold')),
    submission_id INTEGER REFERENCES submissions (id),
    orders TEXT NOT NULL,
    locked_at TEXT NOT NULL,
    PRIMARY KEY (match_id, round, seat)
) WITHOUT ROWID;

-- The state after each round (round 0: the opening), with the engine's records of it.
CREATE TABLE rounds (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    state TEXT NOT NULL,
    state_sha256 TEXT NOT NULL,
    records TEXT NOT NULL,
    resolved_at TEXT NOT NULL,
    trigger TEXT NOT NULL,
    PRIMARY KEY (match_id, round)
) WITHOUT ROWID;

-- Everything that happened, in order, never changed: seats, orders, engine records, moderation.
CREATE TABLE match_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,
    seat TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX match_log_match ON match_log (match_id, kind);

-- Announcements written in the same transaction as the change, sent after the commit.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    nonce TEXT NOT NULL UNIQUE,
    dedupe_key TEXT NOT NULL UNIQUE,
    match_id INTEGER REFERENCES matches (id),
    guild_id TEXT,
    channel_id TEXT,
    round INTEGER,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

-- Deadlines and reminders as rows, so a timer task picks them up after a restart.
CREATE TABLE timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id INTEGER NOT NULL REFERENCES matches (id),
    round INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('deadline', 'reminder_half', 'reminder_last_minute')),
    due_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at TEXT,
    cancelled_at TEXT
);
CREATE INDEX timers_pending ON timers (due_at) WHERE done_at IS NULL AND cancelled_at IS NULL;

CREATE TRIGGER match_log_no_update BEFORE UPDATE ON match_log
BEGIN
    SELECT RAISE(ABORT, 'match_log is append-only');
END;
CREATE TRIGGER match_log_no_delete BEFORE DELETE ON match_log
BEGIN
    SELECT RAISE(ABORT, 'match_log is append-only');
END;
CREATE TRIGGER rounds_no_update BEFORE UPDATE ON rounds
BEGIN
    SELECT RAISE(ABORT, 'a resolved round is never changed');
END;
CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
BEGIN
    SELECT RAISE(ABORT, 'a resolved round is never changed');
END;
CREATE TRIGGER locked_orders_no_update BEFORE UPDATE ON locked_orders
BEGIN
    SELECT RAISE(ABORT, 'locked orders are never changed');
END;
CREATE TRIGGER locked_orders_no_delete BEFORE DELETE ON locked_orders
BEGIN
    SELECT RAISE(ABORT, 'locked orders are never changed');
END;
CREATE TRIGGER submission_orders_no_update BEFORE UPDATE ON submission_orders
BEGIN
    SELECT RAISE(ABORT, 'submitted orders are never changed; submit again');
END;
CREATE TRIGGER scenario_texts_no_update BEFORE UPDATE ON scenario_texts
BEGIN
    SELECT RAISE(ABORT, 'a stored scenario text is never changed');
END;
