-- 0004: where a match is shown in Discord gets a table of its own.
-- The thread and the lobby message were keys of matches.settings written with json_set
-- (discord_thread, and discord_lobby as "channel/message"); they move here, and out of the
-- settings, so the services hold no SQL and a thread is found by an index.
CREATE TABLE match_places (
    match_id INTEGER PRIMARY KEY REFERENCES matches (id) ON DELETE CASCADE,
    thread_id TEXT,
    lobby_channel_id TEXT,
    lobby_message_id TEXT
);

CREATE INDEX match_places_by_thread ON match_places (thread_id);

INSERT INTO match_places (match_id, thread_id, lobby_channel_id, lobby_message_id)
SELECT
    id,
    json_extract(settings, '$.discord_thread'),
    nullif(substr(lobby, 1, instr(lobby, '/') - 1), ''),
    nullif(substr(lobby, instr(lobby, '/') + 1), '')
FROM (SELECT id, settings, json_extract(settings, '$.discord_lobby') AS lobby FROM matches)
WHERE json_extract(settings, '$.discord_thread') IS NOT NULL OR lobby IS NOT NULL;

UPDATE matches SET settings = json_remove(settings, '$.discord_thread', '$.discord_lobby')
WHERE json_extract(settings, '$.discord_thread') IS NOT NULL
    OR json_extract(settings, '$.discord_lobby') IS NOT NULL;
