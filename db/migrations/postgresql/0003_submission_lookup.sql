-- 0003 (PostgreSQL): a submission costs less (see ../0003_submission_lookup.sql): an index by
-- seat and status, and no log line per submission.
CREATE INDEX submissions_by_seat ON submissions (match_id, round, seat, status);

CREATE OR REPLACE FUNCTION submissions_expand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO submission_orders (submission_id, slot, move, argument)
    SELECT NEW.id, item.n - 1, item.value ->> 'move', item.value ->> 'argument'
    FROM jsonb_array_elements(NEW.moves::jsonb) WITH ORDINALITY AS item (value, n);
    RETURN NULL;
END;
$$;
