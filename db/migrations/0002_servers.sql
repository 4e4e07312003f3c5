-- 0002: per-server settings, the audit log, and each server's scenario library.

CREATE TABLE guild_settings (
    guild_id TEXT PRIMARY KEY,
    moderator_role_id TEXT,
    default_deadline_seconds INTEGER
        CHECK (default_deadline_seconds IS NULL OR default_deadline_seconds > 0),
    allowed_channels TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL,
    updated_by TEXT
) WITHOUT ROWID;

-- Who did what, when, on a server (settings, uploads, moderation); never changed.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    at TEXT NOT NULL
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A server's scenario versions: the text (by hash), who uploaded it, enabled, the default.
CREATE TABLE guild_scenarios (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES scenario_texts (sha256),
    scenario_id TEXT NOT NULL,
    version TEXT NOT NULL,
    source_id INTEGER REFERENCES scenario_sources (id),
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    UNIQUE (guild_id, sha256),
    UNIQUE (guild_id, scenario_id, version)
);
CREATE UNIQUE INDEX guild_scenarios_one_default ON guild_scenarios (guild_id) WHERE is_default = 1;
