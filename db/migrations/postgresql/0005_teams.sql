-- 0005 (PostgreSQL): teams (see ../0005_teams.sql): a match's team size, each seat's captain,
-- who wrote each submitted move and its argument, spectators, and each team's private thread.
ALTER TABLE matches ADD COLUMN team_size BIGINT NOT NULL DEFAULT 1
    CHECK (team_size BETWEEN 1 AND 10);
UPDATE matches SET team_size = 10 WHERE teams = 1;

ALTER TABLE seats ADD COLUMN captain TEXT;
UPDATE seats SET captain = (
    SELECT h.player FROM seat_holders h
    WHERE h.match_id = seats.match_id AND h.seat = seats.seat
    ORDER BY h.since, h.player LIMIT 1
);

ALTER TABLE submission_orders ADD COLUMN author TEXT;
ALTER TABLE submission_orders ADD COLUMN argument_author TEXT;

CREATE OR REPLACE FUNCTION submissions_expand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO submission_orders (submission_id, slot, move, argument, author, argument_author)
    SELECT NEW.id, item.n - 1, item.value ->> 'move', item.value ->> 'argument',
        coalesce(item.value ->> 'author', NEW.player),
        coalesce(item.value ->> 'argument_author', NEW.player)
    FROM jsonb_array_elements(NEW.moves::jsonb) WITH ORDINALITY AS item (value, n);
    RETURN NULL;
END;
$$;

CREATE TABLE watchers (
    match_id BIGINT NOT NULL REFERENCES matches (id),
    player TEXT NOT NULL,
    name TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (match_id, player)
);

CREATE TABLE team_threads (
    match_id BIGINT NOT NULL REFERENCES matches (id),
    seat TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    PRIMARY KEY (match_id, seat)
);
