-- 0003: a submission costs less.
-- 1. Find a seat's submissions by status without scanning the table. The partial unique index of
--    0001 (status IN ('current', 'locked')) cannot serve "status = 'current'", which the replace
--    trigger, withdrawing, resolving and locking all ask.
-- 2. No log line per submission: ``submissions`` and ``submission_orders`` already keep every
--    submission, timestamped and never changed (their triggers refuse edits), and writing the
--    same fact twice made an order cost a third more. The log keeps orders locked and withdrawn.
CREATE INDEX submissions_by_seat ON submissions (match_id, round, seat, status);

DROP TRIGGER submissions_expand;
CREATE TRIGGER submissions_expand AFTER INSERT ON submissions
BEGIN
    INSERT INTO submission_orders (submission_id, slot, move, argument)
    SELECT NEW.id, key, json_extract(value, '$.move'), json_extract(value, '$.argument')
    FROM json_each(NEW.moves);
END;
