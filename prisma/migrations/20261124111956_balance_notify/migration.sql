-- No Prisma-modelled change: `npm run db:migration:new -- balance_notify` found the schema and the
-- migrations in agreement and wrote nothing, so this migration holds only hand-written SQL.

-- Hand-written: every change to a balance is announced on the channel `token_balance`, with the
-- user's id as the payload (at most 36 bytes, far below NOTIFY's 8000-byte limit; listeners re-read
-- the balance). A trigger rather than application code, so every writer is covered — the ledger's
-- operations, the monthly reset, billing — without any of them knowing. NOTIFY is delivered on
-- commit only (a rolled-back change announces nothing), and Postgres folds identical notifications
-- of one transaction into one. Updates that leave every bucket as it was announce nothing.
CREATE FUNCTION "user_token_balance_notify"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('token_balance', NEW."user_id");
    RETURN NULL;
END;
$$;

CREATE TRIGGER "user_token_balance_notify_insert"
    AFTER INSERT ON "user_token_balance"
    FOR EACH ROW EXECUTE FUNCTION "user_token_balance_notify"();

CREATE TRIGGER "user_token_balance_notify_update"
    AFTER UPDATE ON "user_token_balance"
    FOR EACH ROW
    WHEN ((OLD."allowance", OLD."purchased", OLD."reserved") IS DISTINCT FROM (NEW."allowance", NEW."purchased", NEW."reserved"))
    EXECUTE FUNCTION "user_token_balance_notify"();
