-- No Prisma-modelled change.
--
-- `ledger_apply` (migration spend_limits) checks the caller's session in the hold's own statement.
-- Why: a metered request checked its session token's version (users.session_version, bumped by a
-- sign-out) with a read of its own, cached one second per instance — so a user calling less than
-- once a second paid three round trips (the read, the hold, the charge) where two do the work, and a
-- token revoked on one instance still worked on another for up to that second.
-- Changed, and nothing else: a reserve op may carry `sessionVersion` (the version its token was
-- issued with); when it does and the user's current version differs, or the user does not exist,
-- the op answers the new outcome 'revoked' and holds nothing. An op without it is applied as before.
-- The result type is unchanged, so the function is replaced in place.
CREATE OR REPLACE FUNCTION "ledger_apply"("ops" jsonb, "lock_timeout_ms" integer DEFAULT NULL) RETURNS TABLE (
    "op_index" integer,
    "outcome" text,
    "available" bigint,
    "balance_allowance" bigint,
    "balance_purchased" bigint,
    "balance_reserved" bigint,
    -- settle: the consume row it wrote (its columns one by one: cheaper to read than a record)
    "entry_id" bigint,
    "entry_user_id" text,
    "entry_allowance_delta" bigint,
    "entry_purchased_delta" bigint,
    "entry_allowance_after" bigint,
    "entry_purchased_after" bigint,
    "entry_shortfall" bigint,
    "entry_source_ref" text,
    "entry_feature" text,
    "entry_pricing_version" integer,
    "entry_usage" jsonb,
    "entry_cost_micro_usd" bigint,
    "entry_idempotency_key" text,
    "entry_created_at" timestamptz,
    -- the spend limit after the operation: reserve when capped, settle, release
    "spend_cap" bigint,
    "period_spent" bigint
)
LANGUAGE plpgsql AS $$
DECLARE
    v_op jsonb;
    v_user text;
    v_amount bigint;
    v_cost bigint;
    v_held bigint;
    v_charge bigint;
    v_from_allowance bigint;
    v_request text;
    v_feature text;
    v_version integer;
    v_was "ReservationStatus";
    v_finished timestamptz;
    v_open boolean;
    v_allowance bigint;
    v_purchased bigint;
    v_reserved bigint;
    v_entry "token_transactions";
BEGIN
    IF lock_timeout_ms IS NOT NULL THEN
        PERFORM set_config('lock_timeout', lock_timeout_ms || 'ms', true);
    END IF;
    -- Holds only (each one asking for it): this transaction's commit need not wait for the WAL flush.
    IF jsonb_array_length(ops) > 0 AND NOT EXISTS (
        SELECT 1 FROM jsonb_array_elements(ops) e
        WHERE e.value->>'op' IS DISTINCT FROM 'reserve' OR e.value->'asyncCommit' IS DISTINCT FROM 'true'::jsonb
    ) THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    FOR v_op, op_index IN SELECT e.value, e.ordinality::integer FROM jsonb_array_elements(ops) WITH ORDINALITY e LOOP
        outcome := NULL; available := NULL; balance_allowance := NULL; balance_purchased := NULL; balance_reserved := NULL;
        entry_id := NULL; entry_user_id := NULL; entry_allowance_delta := NULL; entry_purchased_delta := NULL; entry_allowance_after := NULL;
        entry_purchased_after := NULL; entry_shortfall := NULL; entry_source_ref := NULL; entry_feature := NULL;
        entry_pricing_version := NULL; entry_usage := NULL; entry_cost_micro_usd := NULL; entry_idempotency_key := NULL;
        entry_created_at := NULL; spend_cap := NULL; period_spent := NULL;

        CASE v_op->>'op'
        WHEN 'reserve' THEN
            v_user := v_op->>'userId';
            v_amount := (v_op->>'amount')::bigint;
            IF v_op ? 'sessionVersion' AND NOT EXISTS (
                SELECT 1 FROM "users" u
                WHERE u."id" = v_user AND u."session_version" = (v_op->>'sessionVersion')::integer
            ) THEN
                -- The caller's session token was revoked (a sign-out, a role change, a password
                -- reset: the user's version moved on) or its user is gone: nothing is held.
                outcome := 'revoked';
            ELSE
                -- The spend limit is a condition of the same UPDATE: the hold counts against the cap, and a
                -- concurrent reserve or settle of this user that committed while this one waited for the
                -- row's lock is seen by PostgreSQL's re-check of the WHERE on the new row version.
                UPDATE "user_token_balance" b SET "reserved" = b."reserved" + v_amount, "updated_at" = now()
                WHERE b."user_id" = v_user AND b."allowance" + b."purchased" - b."reserved" >= v_amount
                  AND (b."spend_cap" IS NULL OR b."period_spent" + b."reserved" + v_amount <= b."spend_cap")
                RETURNING b."allowance" + b."purchased" - b."reserved" INTO available;
                IF FOUND THEN
                    INSERT INTO "token_reservations" AS r ("id", "user_id", "amount", "feature", "request_id", "status",
                        "pricing_version", "expires_at")
                    VALUES ((v_op->>'reservationId')::uuid, v_user, v_amount, v_op->>'feature', v_op->>'requestId', 'held',
                        (v_op->>'pricingVersion')::integer, (v_op->>'expiresAt')::timestamptz)
                    ON CONFLICT ("request_id") DO NOTHING;
                    IF FOUND THEN
                        outcome := 'held';
                    ELSE
                        -- A retry of a request already held (or finished): give the hold back.
                        UPDATE "user_token_balance" b SET "reserved" = b."reserved" - v_amount WHERE b."user_id" = v_user;
                        outcome := 'duplicate'; available := NULL;
                    END IF;
                ELSIF EXISTS (SELECT 1 FROM "token_reservations" r WHERE r."request_id" = v_op->>'requestId') THEN
                    -- A retry whose first hold took what was available (or was settled since).
                    outcome := 'duplicate';
                ELSE
                    -- Refused: by the cap when the cap's condition fails, whatever the balance (more tokens
                    -- would not help), else for lack of tokens. The cap, what is spent and the balance
                    -- (what is held: balance_reserved) come back with 'capped'.
                    SELECT b."allowance" + b."purchased" - b."reserved", b."allowance", b."purchased", b."reserved",
                        b."spend_cap", b."period_spent"
                    INTO available, v_allowance, v_purchased, v_reserved, spend_cap, period_spent
                    FROM "user_token_balance" b WHERE b."user_id" = v_user;
                    IF spend_cap IS NOT NULL AND period_spent + v_reserved + v_amount > spend_cap THEN
                        outcome := 'capped';
                        balance_allowance := v_allowance; balance_purchased := v_purchased; balance_reserved := v_reserved;
                    ELSE
                        outcome := 'refused';
                        spend_cap := NULL; period_spent := NULL;
                    END IF;
                END IF;
            END IF;

        WHEN 'settle' THEN
            v_cost := (v_op->>'cost')::bigint;
            -- A held reservation returns its hold; one the sweep expired (the call outlived its time to
            -- live) has returned it already, and the call is charged from what is available.
            UPDATE "token_reservations" r SET "status" = 'settled', "finished_at" = now()
            WHERE r."id" = (v_op->>'reservationId')::uuid AND r."status" = 'held'
            RETURNING r."user_id", r."amount", r."request_id", r."feature", r."pricing_version"
            INTO v_user, v_held, v_request, v_feature, v_version;
            v_open := FOUND; v_was := 'held'; v_finished := NULL;
            IF NOT v_open THEN
                SELECT r."user_id", 0, r."request_id", r."feature", r."pricing_version", r."finished_at"
                INTO v_user, v_held, v_request, v_feature, v_version, v_finished
                FROM "token_reservations" r
                WHERE r."id" = (v_op->>'reservationId')::uuid AND r."status" = 'expired'
                FOR UPDATE;
                v_open := FOUND;
                IF v_open THEN
                    v_was := 'expired';
                    UPDATE "token_reservations" r SET "status" = 'settled', "finished_at" = now()
                    WHERE r."id" = (v_op->>'reservationId')::uuid;
                END IF;
            END IF;
            IF NOT v_open AND v_op ? 'requestId' THEN
                -- A hold lost in a crash (committed asynchronously): the reservation does not exist.
                -- It is written as settled (ON CONFLICT: it exists after all, or a retry of this
                -- settle wrote it) and the call is charged from what is available, holding nothing.
                INSERT INTO "token_reservations" AS r ("id", "user_id", "amount", "feature", "request_id", "status",
                    "pricing_version", "expires_at", "finished_at")
                VALUES ((v_op->>'reservationId')::uuid, v_op->>'userId', (v_op->>'amount')::bigint, v_op->>'feature',
                    v_op->>'requestId', 'settled', (v_op->>'heldPricingVersion')::integer,
                    COALESCE((v_op->>'expiresAt')::timestamptz, now()), now())
                ON CONFLICT DO NOTHING
                RETURNING r."user_id", 0::bigint, r."request_id", r."feature", r."pricing_version"
                INTO v_user, v_held, v_request, v_feature, v_version;
                v_open := FOUND;
                v_was := NULL;
            END IF;
            IF NOT v_open THEN
                outcome := 'closed';
            ELSE
                SELECT b."allowance", b."purchased", b."reserved" INTO v_allowance, v_purchased, v_reserved
                FROM "user_token_balance" b WHERE b."user_id" = v_user
                FOR UPDATE;
                -- The charge: the exact cost, as far as what is available (other calls' holds
                -- excepted) covers it; the rest is the shortfall, recorded on the row. Allowance first.
                v_charge := LEAST(v_cost, GREATEST(v_allowance + v_purchased - (v_reserved - v_held), 0));
                v_from_allowance := LEAST(v_charge, v_allowance);
                INSERT INTO "token_transactions" AS t ("user_id", "kind", "allowance_delta", "purchased_delta",
                    "allowance_after", "purchased_after", "shortfall", "source_type", "source_ref", "feature",
                    "pricing_version", "usage", "cost_micro_usd", "idempotency_key")
                VALUES (v_user, 'consume', -v_from_allowance, -(v_charge - v_from_allowance),
                    v_allowance - v_from_allowance, v_purchased - (v_charge - v_from_allowance), v_cost - v_charge,
                    'request', v_request, v_feature, COALESCE((v_op->>'pricingVersion')::integer, v_version),
                    NULLIF(v_op->'usage', 'null'), v_cost, 'call:' || v_request)
                ON CONFLICT ("idempotency_key") DO NOTHING
                RETURNING t.* INTO v_entry;
                IF FOUND THEN
                    UPDATE "user_token_balance" b
                    SET "allowance" = v_entry."allowance_after", "purchased" = v_entry."purchased_after",
                        "reserved" = b."reserved" - v_held, "period_spent" = b."period_spent" + v_charge,
                        "updated_at" = now()
                    WHERE b."user_id" = v_user
                    RETURNING b."allowance", b."purchased", b."reserved", b."spend_cap", b."period_spent"
                    INTO balance_allowance, balance_purchased, balance_reserved, spend_cap, period_spent;
                    outcome := 'settled';
                    entry_id := v_entry."id";
                    entry_user_id := v_entry."user_id";
                    entry_allowance_delta := v_entry."allowance_delta";
                    entry_purchased_delta := v_entry."purchased_delta";
                    entry_allowance_after := v_entry."allowance_after";
                    entry_purchased_after := v_entry."purchased_after";
                    entry_shortfall := v_entry."shortfall";
                    entry_source_ref := v_entry."source_ref";
                    entry_feature := v_entry."feature";
                    entry_pricing_version := v_entry."pricing_version";
                    entry_usage := v_entry."usage";
                    entry_cost_micro_usd := v_entry."cost_micro_usd";
                    entry_idempotency_key := v_entry."idempotency_key";
                    entry_created_at := v_entry."created_at";
                ELSE
                    -- This call was charged already under its key: leave the reservation as it was
                    -- (a lost hold's row, written just now, goes again).
                    IF v_was IS NULL THEN
                        DELETE FROM "token_reservations" r WHERE r."id" = (v_op->>'reservationId')::uuid;
                    ELSE
                        UPDATE "token_reservations" r SET "status" = v_was, "finished_at" = v_finished
                        WHERE r."id" = (v_op->>'reservationId')::uuid;
                    END IF;
                    outcome := 'closed';
                END IF;
            END IF;

        WHEN 'release' THEN
            UPDATE "token_reservations" r SET "status" = 'released', "finished_at" = now()
            WHERE r."id" = (v_op->>'reservationId')::uuid AND r."status" = 'held'
            RETURNING r."user_id", r."amount" INTO v_user, v_held;
            IF FOUND THEN
                UPDATE "user_token_balance" b SET "reserved" = b."reserved" - v_held, "updated_at" = now()
                WHERE b."user_id" = v_user
                RETURNING b."allowance", b."purchased", b."reserved", b."spend_cap", b."period_spent"
                INTO balance_allowance, balance_purchased, balance_reserved, spend_cap, period_spent;
                outcome := 'released';
            ELSE
                outcome := 'closed';
            END IF;

        ELSE
            RAISE EXCEPTION 'ledger_apply: unknown operation %', v_op->>'op' USING ERRCODE = 'invalid_parameter_value';
        END CASE;
        RETURN NEXT;
    END LOOP;
END;
$$;
