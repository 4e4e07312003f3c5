-- 0005: teams. A match's team size (players per seat, 1 keeps one player a seat), each seat's
-- captain (who locks the team's draft), and who wrote each submitted move and its argument.
ALTER TABLE matches ADD COLUMN team_size INTEGER NOT NULL DEFAULT 1
    CHECK (team_size BETWEEN 1 AND 10);
-- Matches made before team sizes shared seats without a size: they keep sharing, up to ten.
UPDATE matches SET team_size = 10 WHERE teams = 1;

ALTER TABLE seats ADD COLUMN captain TEXT;
-- The longest-serving holder of each held seat is its captain.
UPDATE seats SET captain = (
    SELECT h.player FROM seat_holders h
    WHERE h.match_id = seats.match_id AND h.seat = seats.seat
    ORDER BY h.since, h.player LIMIT 1
);

ALTER TABLE submission_orders ADD COLUMN author TEXT;
ALTER TABLE submission_orders ADD COLUMN argument_author TEXT;

DROP TRIGGER submissions_expand;
CREATE TRIGGER submissions_expand AFTER INSERT ON submissions
BEGIN
    INSERT INTO submission_orders (submission_id, slot, move, argument, author, argument_author)
    SELECT NEW.id, key, json_extract(value, '$.move'), json_extract(value, '$.argument'),
        coalesce(json_extract(value, '$.author'), NEW.player),
        coalesce(json_extract(value, '$.argument_author'), NEW.player)
    FROM json_each(NEW.moves);
END;

-- Spectators: server members who watch a match without a seat (they see what the public sees).
CREATE TABLE watchers (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    player TEXT NOT NULL,
    name TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (match_id, player)
) WITHOUT ROWID;

-- Each team's private thread in Discord (created at the start of a match played in teams).
CREATE TABLE team_threads (
    match_id INTEGER NOT NULL REFERENCES matches (id),
    seat TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    PRIMARY KEY (match_id, seat)
) WITHOUT ROWID;
