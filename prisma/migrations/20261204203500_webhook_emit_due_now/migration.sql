-- No Prisma-modelled change: this migration holds only hand-written SQL.

-- Hand-written: `webhook_emit` (migration outgoing_webhooks) writes its deliveries due at once with
-- now() truncated to the millisecond. Left to the column's default, timestamptz(3) rounds now() half
-- up — up to 0.5 ms after the instant — so a worker reading its clock in that same millisecond (the
-- after-commit kick, right after the emit) found the delivery not yet due and left it to the cron.
-- Everything else is as in migration outgoing_webhooks.

CREATE OR REPLACE FUNCTION "webhook_emit"(p_type TEXT, p_key TEXT, p_user_id TEXT, p_data JSONB, p_endpoint_id UUID DEFAULT NULL)
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
    INSERT INTO "webhook_deliveries" ("event_id", "endpoint_id", "next_attempt_at")
    SELECT v_event, ep."id", date_trunc('milliseconds', now()) FROM "webhook_endpoints" ep
    WHERE ep."enabled" AND (CASE WHEN p_endpoint_id IS NULL THEN p_type = ANY (ep."event_types") ELSE ep."id" = p_endpoint_id END);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    "msg_id" := v_msg;
    "deliveries" := v_count;
    RETURN NEXT;
END;
$$;
