-- 0004 (PostgreSQL): where a match is shown in Discord gets a table of its own (see
-- ../0004_match_places.sql); the thread and lobby keys leave matches.settings.
CREATE TABLE match_places (
    match_id BIGINT PRIMARY KEY REFERENCES matches (id) ON DELETE CASCADE,
    thread_id TEXT,
    lobby_channel_id TEXT,
    lobby_message_id TEXT
);

CREATE INDEX match_places_by_thread ON match_places (thread_id);

INSERT INTO match_places (match_id, thread_id, lobby_channel_id, lobby_message_id)
SELECT
    id,
    settings::jsonb ->> 'discord_thread',
    nullif(split_part(settings::jsonb ->> 'discord_lobby', '/', 1), ''),
    nullif(split_part(settings::jsonb ->> 'discord_lobby', '/', 2), '')
FROM matches
WHERE settings::jsonb ? 'discord_thread' OR settings::jsonb ? 'discord_lobby';

UPDATE matches SET settings = (settings::jsonb - 'discord_thread' - 'discord_lobby')::text
WHERE settings::jsonb ? 'discord_thread' OR settings::jsonb ? 'discord_lobby';
