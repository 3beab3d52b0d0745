-- CreateTable
CREATE TABLE "usage_daily" (
    "user_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "feature" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "calls" BIGINT NOT NULL,
    "charged" BIGINT NOT NULL,
    "cost_micro_usd" BIGINT NOT NULL,
    "input_tokens" BIGINT NOT NULL,
    "cached_input_tokens" BIGINT NOT NULL,
    "output_tokens" BIGINT NOT NULL,
    "audio_input_tokens" BIGINT NOT NULL,
    "audio_output_tokens" BIGINT NOT NULL,
    "images" BIGINT NOT NULL,
    "seconds" DECIMAL NOT NULL,

    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("user_id","day","feature","model")
);

-- AddForeignKey
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the usage roll-up, kept by the ledger's own writes.
--
-- Why: the usage page and the monthly report summed every consume row of the window on each
-- request, so their cost grew with how much the user had used (a user with 100,000 calls a year
-- read ~25,000 rows for a 90-day chart). Now they read one row per day × feature × model.
--
-- Guarantees:
-- * Exact and in the same transaction: an AFTER INSERT trigger adds each inserted consume row to its
--   (user, UTC day, feature, model) row, so the roll-up commits or rolls back with the ledger row.
--   Rows a settle did not insert (ON CONFLICT DO NOTHING) are not in the transition table.
-- * Safe concurrently: the upsert is INSERT … ON CONFLICT DO UPDATE; a settle holds its user's
--   balance row lock, so writers of one user's roll-up are already serialized, and a bulk insert
--   takes the keys in one order (ORDER BY), so two bulk writers cannot deadlock on it.
-- * One firing per statement (a transition table), so a bulk insert adds its rows in one GROUP BY.
-- * The ledger is append-only (token_transactions_append_only), so a row once added never changes.
--   `usage_daily_rebuild` recomputes users' roll-ups from the ledger: it is convergent and safe to
--   run any number of times (ledger:verify reports a user whose roll-up differs).
-- Like every ordinary trigger it does not fire under session_replication_role = replica: a logical
-- replica receives the roll-up rows themselves.
CREATE FUNCTION "usage_daily_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "usage_daily" AS d ("user_id", "day", "feature", "model", "calls", "charged", "cost_micro_usd",
        "input_tokens", "cached_input_tokens", "output_tokens", "audio_input_tokens", "audio_output_tokens",
        "images", "seconds")
    SELECT n."user_id", (n."created_at" AT TIME ZONE 'UTC')::date, coalesce(n."feature", ''),
           coalesce(n."usage"->>'model', ''), count(*), sum(-(n."allowance_delta" + n."purchased_delta")),
           coalesce(sum(n."cost_micro_usd"), 0),
           coalesce(sum((n."usage"->>'inputTokens')::bigint), 0),
           coalesce(sum((n."usage"->>'cachedInputTokens')::bigint), 0),
           coalesce(sum((n."usage"->>'outputTokens')::bigint), 0),
           coalesce(sum((n."usage"->>'audioInputTokens')::bigint), 0),
           coalesce(sum((n."usage"->>'audioOutputTokens')::bigint), 0),
           coalesce(sum((n."usage"->>'images')::bigint), 0),
           coalesce(sum((n."usage"->>'seconds')::numeric), 0)
    FROM "new_rows" n
    WHERE n."kind" = 'consume'
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ("user_id", "day", "feature", "model") DO UPDATE SET
        "calls" = d."calls" + EXCLUDED."calls",
        "charged" = d."charged" + EXCLUDED."charged",
        "cost_micro_usd" = d."cost_micro_usd" + EXCLUDED."cost_micro_usd",
        "input_tokens" = d."input_tokens" + EXCLUDED."input_tokens",
        "cached_input_tokens" = d."cached_input_tokens" + EXCLUDED."cached_input_tokens",
        "output_tokens" = d."output_tokens" + EXCLUDED."output_tokens",
        "audio_input_tokens" = d."audio_input_tokens" + EXCLUDED."audio_input_tokens",
        "audio_output_tokens" = d."audio_output_tokens" + EXCLUDED."audio_output_tokens",
        "images" = d."images" + EXCLUDED."images",
        "seconds" = d."seconds" + EXCLUDED."seconds";
    RETURN NULL;
END;
$$;

CREATE TRIGGER "token_transactions_usage_daily"
AFTER INSERT ON "token_transactions"
REFERENCING NEW TABLE AS "new_rows"
FOR EACH STATEMENT
EXECUTE FUNCTION "usage_daily_add"();

-- Recomputes the roll-up of the given users (NULL: everyone) from their consume rows. Locks the
-- users' balance rows first (in user order), the lock every settle takes, so no settle of theirs
-- runs between the delete and the insert.
CREATE FUNCTION "usage_daily_rebuild"("user_ids" text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM "user_token_balance" b
    WHERE "user_ids" IS NULL OR b."user_id" = ANY ("user_ids")
    ORDER BY b."user_id" FOR UPDATE;
    DELETE FROM "usage_daily" d WHERE "user_ids" IS NULL OR d."user_id" = ANY ("user_ids");
    INSERT INTO "usage_daily" ("user_id", "day", "feature", "model", "calls", "charged", "cost_micro_usd",
        "input_tokens", "cached_input_tokens", "output_tokens", "audio_input_tokens", "audio_output_tokens",
        "images", "seconds")
    SELECT t."user_id", (t."created_at" AT TIME ZONE 'UTC')::date, coalesce(t."feature", ''),
           coalesce(t."usage"->>'model', ''), count(*), sum(-(t."allowance_delta" + t."purchased_delta")),
           coalesce(sum(t."cost_micro_usd"), 0),
           coalesce(sum((t."usage"->>'inputTokens')::bigint), 0),
           coalesce(sum((t."usage"->>'cachedInputTokens')::bigint), 0),
           coalesce(sum((t."usage"->>'outputTokens')::bigint), 0),
           coalesce(sum((t."usage"->>'audioInputTokens')::bigint), 0),
           coalesce(sum((t."usage"->>'audioOutputTokens')::bigint), 0),
           coalesce(sum((t."usage"->>'images')::bigint), 0),
           coalesce(sum((t."usage"->>'seconds')::numeric), 0)
    FROM "token_transactions" t
    WHERE t."kind" = 'consume' AND ("user_ids" IS NULL OR t."user_id" = ANY ("user_ids"))
    GROUP BY 1, 2, 3, 4;
END;
$$;

-- The existing ledger. The trigger above exists already and CREATE TRIGGER locked the table against
-- writes until this migration commits, so every row is counted once: here or by the trigger.
SELECT "usage_daily_rebuild"(NULL);
