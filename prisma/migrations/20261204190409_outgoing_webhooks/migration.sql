-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "event_types" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "msg_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "user_id" TEXT,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "event_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_until" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "last_response" TEXT,
    "succeeded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery_attempts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "response" TEXT,

    CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_msg_id_key" ON "webhook_events"("msg_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_idempotency_key_key" ON "webhook_events"("idempotency_key");

-- CreateIndex
CREATE INDEX "webhook_events_type_created_at_idx" ON "webhook_events"("type", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_next_attempt_at_idx" ON "webhook_deliveries"("next_attempt_at") WHERE (status = 'pending'::webhook_delivery_status);

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_created_at_idx" ON "webhook_deliveries"("endpoint_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_created_at_idx" ON "webhook_deliveries"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_event_id_endpoint_id_key" ON "webhook_deliveries"("event_id", "endpoint_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_attempts_delivery_id_attempt_key" ON "webhook_delivery_attempts"("delivery_id", "attempt");

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ─── Hand-written ─────────────────────────────────────────────────────────────────────────────

-- webhook_emit: the outbox's one writer (lib/webhooks/events.ts `emitEvent` calls it; so does the
-- period trigger below). In the caller's transaction: the event row (once per idempotency key —
-- a second emit with the same key changes nothing) and one pending delivery per enabled endpoint
-- subscribed to the type (or only `p_endpoint_id`, for an admin's test event). Nothing is written
-- when no enabled endpoint would receive it, so an install without integrations pays one index-less
-- probe of a tiny table and no rows. The body is built here, once: every attempt and replay sends
-- (and signs) exactly the same bytes. Returns the message id and the deliveries written, or no row.
CREATE FUNCTION "webhook_emit"(p_type TEXT, p_key TEXT, p_user_id TEXT, p_data JSONB, p_endpoint_id UUID DEFAULT NULL)
RETURNS TABLE ("msg_id" TEXT, "deliveries" INT)
LANGUAGE plpgsql AS $$
DECLARE
    v_event UUID;
    v_msg TEXT;
    v_count INT;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM "webhook_endpoints" ep
        WHERE ep."enabled" AND (CASE WHEN p_endpoint_id IS NULL THEN p_type = ANY (ep."event_types") ELSE ep."id" = p_endpoint_id END)
    ) THEN
        RETURN;
    END IF;
    INSERT INTO "webhook_events" ("msg_id", "type", "idempotency_key", "user_id", "payload")
    VALUES (
        'msg_' || replace(gen_random_uuid()::text, '-', ''), p_type, p_key, p_user_id,
        jsonb_build_object(
            'type', p_type,
            'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'data', p_data
        )::text
    )
    ON CONFLICT ("idempotency_key") DO NOTHING
    RETURNING "webhook_events"."id", "webhook_events"."msg_id" INTO v_event, v_msg;
    IF v_event IS NULL THEN
        RETURN; -- emitted before: that event (and its deliveries) stands
    END IF;
    INSERT INTO "webhook_deliveries" ("event_id", "endpoint_id")
    SELECT v_event, ep."id" FROM "webhook_endpoints" ep
    WHERE ep."enabled" AND (CASE WHEN p_endpoint_id IS NULL THEN p_type = ANY (ep."event_types") ELSE ep."id" = p_endpoint_id END);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    "msg_id" := v_msg;
    "deliveries" := v_count;
    RETURN NEXT;
END;
$$;

-- period.started: every new allowance period writes its grant row under the key
-- `allowance:<user>:<period start>` (or `allowance:<user>:signup`), whoever starts it — `startPeriod`
-- (Stripe's invoice.paid, sign-up) or the reset cron's set-based batch statement — together with its
-- expiry row `expire:<same suffix>` (lib/tokens/ledger/period.ts). So the event hangs on that row:
-- one place, in the period's own transaction, and the token layer stays unaware of webhooks. The
-- WHEN clause keeps every other ledger insert (a settle, a hold's release) free of it. AFTER row
-- triggers run once the whole statement is done, so the balance row already holds the new period.
-- Payload: lib/webhooks/events.ts `period.started` (a test checks the two agree).
CREATE FUNCTION "token_transactions_period_started"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_balance RECORD;
    v_expired BIGINT;
    v_plan TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM "webhook_endpoints" WHERE "enabled" AND 'period.started' = ANY ("event_types")) THEN
        RETURN NULL;
    END IF;
    SELECT "period_start", "next_reset_at" INTO v_balance FROM "user_token_balance" WHERE "user_id" = NEW."user_id";
    SELECT -"allowance_delta" INTO v_expired FROM "token_transactions"
    WHERE "idempotency_key" = 'expire:' || substr(NEW."idempotency_key", length('allowance:') + 1);
    IF NEW."kind" = 'grant_allowance' THEN
        SELECT "plan_id" INTO v_plan FROM "user_subscriptions" WHERE "user_id" = NEW."user_id";
    END IF;
    PERFORM "webhook_emit"(
        'period.started',
        'period.started:' || NEW."idempotency_key",
        NEW."user_id",
        jsonb_build_object(
            'userId', NEW."user_id",
            'periodStart', to_char(v_balance."period_start" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'periodEnd', to_char(v_balance."next_reset_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'plan', CASE WHEN NEW."kind" = 'grant_allowance' THEN 'paid' ELSE 'free' END,
            'planId', v_plan,
            'allowanceMillitokens', NEW."allowance_delta"::text,
            'expiredMillitokens', coalesce(v_expired, 0)::text,
            'purchasedMillitokens', NEW."purchased_after"::text
        )
    );
    RETURN NULL;
END;
$$;

CREATE TRIGGER "token_transactions_period_started"
AFTER INSERT ON "token_transactions"
FOR EACH ROW
WHEN (NEW."idempotency_key" LIKE 'allowance:%' AND NEW."kind" IN ('grant_allowance', 'grant_free'))
EXECUTE FUNCTION "token_transactions_period_started"();

-- Attempts and outcomes are written only by the worker and replay; an attempt number is unique per
-- delivery (the unique index), so two writers can never record one attempt twice.
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_attempts_check" CHECK ("attempts" >= 0);
