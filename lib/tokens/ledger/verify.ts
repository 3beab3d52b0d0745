// The ledger's invariant, checked over the whole database: every balance equals the sum of its
// ledger rows bucket by bucket, no bucket is negative, `reserved` equals the sum of held
// reservations, no ledger row belongs to a user without a balance, and the usage roll-up
// (`usage_daily`) adds up to the user's consume rows.
import type { DbTx } from "../../db/client";

export interface Mismatch {
  userId: string;
  problem:
    | "allowance_sum"
    | "purchased_sum"
    | "negative_bucket"
    | "reserved_sum"
    | "ledger_without_balance"
    /** The roll-up of a user's (day, feature, model) differs from their consume rows. */
    | "usage_rollup";
  expected: bigint;
  actual: bigint;
}

export interface VerifyResult {
  usersChecked: number;
  mismatches: Mismatch[];
}

export async function verifyLedger(tx: DbTx, { userIds }: { userIds?: string[] } = {}): Promise<VerifyResult> {
  const scope = userIds ?? null;
  const rows = await tx.$queryRaw<{ userId: string; problem: Mismatch["problem"]; expected: bigint; actual: bigint }[]>`
    WITH sums AS (
      SELECT user_id, sum(allowance_delta)::bigint AS allowance, sum(purchased_delta)::bigint AS purchased
      FROM token_transactions WHERE ${scope}::text[] IS NULL OR user_id = ANY(${scope}::text[]) GROUP BY user_id
    ), held AS (
      SELECT user_id, sum(amount)::bigint AS reserved FROM token_reservations
      WHERE status = 'held' AND (${scope}::text[] IS NULL OR user_id = ANY(${scope}::text[])) GROUP BY user_id
    ), consumed AS (
      SELECT user_id, (created_at AT TIME ZONE 'UTC')::date AS day, coalesce(feature, '') AS feature,
             coalesce(usage->>'model', '') AS model, count(*)::bigint AS calls,
             sum(-(allowance_delta + purchased_delta))::bigint AS charged,
             coalesce(sum(cost_micro_usd), 0)::bigint AS cost_micro_usd
      FROM token_transactions
      WHERE kind = 'consume' AND (${scope}::text[] IS NULL OR user_id = ANY(${scope}::text[]))
      GROUP BY 1, 2, 3, 4
    ), rollup AS (
      SELECT user_id, day, feature, model, calls, charged, cost_micro_usd FROM usage_daily
      WHERE ${scope}::text[] IS NULL OR user_id = ANY(${scope}::text[])
    ), rollup_diff AS (
      -- Per user: what the ledger says they were charged, and what the roll-up says, when any
      -- (day, feature, model) line differs in calls, charge or cost.
      SELECT coalesce(c.user_id, r.user_id) AS user_id,
             sum(coalesce(c.charged, 0))::bigint AS expected, sum(coalesce(r.charged, 0))::bigint AS actual
      FROM consumed c FULL JOIN rollup r USING (user_id, day, feature, model)
      WHERE (c.calls, c.charged, c.cost_micro_usd) IS DISTINCT FROM (r.calls, r.charged, r.cost_micro_usd)
      GROUP BY 1
    ), b AS (
      SELECT * FROM user_token_balance WHERE ${scope}::text[] IS NULL OR user_id = ANY(${scope}::text[])
    )
    SELECT b.user_id AS "userId", 'allowance_sum' AS problem, coalesce(s.allowance, 0) AS expected, b.allowance AS actual
      FROM b LEFT JOIN sums s USING (user_id) WHERE b.allowance <> coalesce(s.allowance, 0)
    UNION ALL
    SELECT b.user_id, 'purchased_sum', coalesce(s.purchased, 0), b.purchased
      FROM b LEFT JOIN sums s USING (user_id) WHERE b.purchased <> coalesce(s.purchased, 0)
    UNION ALL
    SELECT b.user_id, 'negative_bucket', 0, LEAST(b.allowance, b.purchased, b.reserved)
      FROM b WHERE LEAST(b.allowance, b.purchased, b.reserved) < 0
    UNION ALL
    SELECT b.user_id, 'reserved_sum', coalesce(h.reserved, 0), b.reserved
      FROM b LEFT JOIN held h USING (user_id) WHERE b.reserved <> coalesce(h.reserved, 0)
    UNION ALL
    SELECT s.user_id, 'ledger_without_balance', 0, s.allowance + s.purchased
      FROM sums s WHERE NOT EXISTS (SELECT 1 FROM user_token_balance x WHERE x.user_id = s.user_id)
    UNION ALL
    SELECT user_id, 'usage_rollup', expected, actual FROM rollup_diff
    ORDER BY 1, 2`;
  const [{ count }] = (await tx.$queryRaw<{ count: bigint }[]>`
    SELECT count(*)::bigint AS count FROM user_token_balance WHERE ${scope}::text[] IS NULL OR user_id = ANY(${scope}::text[])`) as [
    { count: bigint },
  ];
  return { usersChecked: Number(count), mismatches: rows };
}
