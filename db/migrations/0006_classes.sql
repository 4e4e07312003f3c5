-- 0006: class runs. A teacher opens several matches at once with the same scenario and seed
-- (one group each) and compares them at the end; a class run is one row here with its matches.
CREATE TABLE classes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT,
    channel_id TEXT,
    host TEXT NOT NULL,
    scenario_sha256 TEXT NOT NULL REFERENCES scenario_texts (sha256),
    scenario_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    team_size INTEGER NOT NULL CHECK (team_size BETWEEN 1 AND 10),
    role_id TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX classes_by_guild ON classes (guild_id, id);

-- The matches of a class run, one per group (groups are numbered from 1).
CREATE TABLE class_matches (
    class_id INTEGER NOT NULL REFERENCES classes (id),
    grp INTEGER NOT NULL CHECK (grp >= 1),
    match_id INTEGER NOT NULL UNIQUE REFERENCES matches (id),
    PRIMARY KEY (class_id, grp)
) WITHOUT ROWID;
