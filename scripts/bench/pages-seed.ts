// The ledger `npm run bench:pages` (scripts/bench/pages.ts) serves: 2,000,000 rows, of which one
// signed-in user ("heavy") has 100,000 spread over the last year, a second ("ten") 10,000 (the
// export's memory is compared between the two), and the rest belong to 18,900 other users, 100
// each. Written with set-based SQL in one transaction: each user's rows are a pack, then calls
// charged from it (feature, model, usage), with running balances, and each balance row is moved to
// the sum of its rows, so the ledger invariant holds. Foreign-key triggers are skipped while
// seeding (session_replication_role = replica: the bench server's superuser), the rows being ours;
// so the daily usage roll-up is built once at the end (usage_daily_rebuild).
import type { Db } from "../../lib/db/connect";

export interface SeededUser {
  id: string;
  email: string;
  rows: number;
}

const FEATURES = ["chat", "meal-analyzer", "activity-analyzer", "recipe-generator", "fridge-scan-vision", "transcribe"];
const MODELS = ["gpt-5-mini", "gpt-5", "gpt-4o-mini-transcribe", "gpt-image-1"];

/**
 * Seeds `rows` ledger rows for each of `users` (existing accounts), then `others` more users of
 * `otherRows` rows each. Rows span the `days` days before `now`, evenly.
 */
export async function seedLedger(
  db: Db,
  {
    users,
    others,
    otherRows,
    days,
    now,
  }: { users: SeededUser[]; others: number; otherRows: number; days: number; now: Date },
): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      await tx.$executeRawUnsafe(
        `
        CREATE TEMP TABLE seed_users ON COMMIT DROP AS
        SELECT * FROM unnest($1::text[], $2::int[]) AS u(id, n)`,
        users.map((u) => u.id),
        users.map((u) => u.rows),
      );
      await tx.$executeRawUnsafe(`
        INSERT INTO seed_users SELECT 'bench-pages-' || g, ${otherRows} FROM generate_series(1, ${others}) g`);
      await tx.$executeRawUnsafe(`
        INSERT INTO users (id, email, email_verified, updated_at)
        SELECT id, id || '@bench.invalid', now(), now() FROM seed_users WHERE id LIKE 'bench-pages-%'`);
      await tx.$executeRawUnsafe(
        `INSERT INTO user_token_balance (user_id, allowance, purchased, reserved, period_start, next_reset_at, period_anchor)
         SELECT id, 0, 0, 0, $1::timestamptz - interval '10 days', $1::timestamptz + interval '20 days', $1::timestamptz - interval '400 days'
         FROM seed_users WHERE id LIKE 'bench-pages-%'`,
        now,
      );
      // Row 1 of each user is a pack big enough for every call; rows 2..n are calls of 1–6 tokens.
      await tx.$executeRawUnsafe(
        `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
           source_type, source_ref, feature, pricing_version, usage, cost_micro_usd, idempotency_key, created_at)
         SELECT u.id, r.kind, 0, r.delta, b.allowance, b.purchased + sum(r.delta) OVER (PARTITION BY u.id ORDER BY r.g),
           r.source_type, r.source_ref, r.feature, 1, r.usage, r.cost, 'bench-pages:' || u.id || ':' || r.g,
           $1::timestamptz - make_interval(secs => (${days} * 86400.0) * (u.n - r.g + 1) / u.n)
         FROM seed_users u
         JOIN user_token_balance b ON b.user_id = u.id
         CROSS JOIN LATERAL (
           SELECT g,
             (CASE WHEN g = 1 THEN 'grant_pack' ELSE 'consume' END)::"TransactionKind" AS kind,
             CASE WHEN g = 1 THEN 6000 * u.n::bigint ELSE -(1000 + (g * 7919) % 5000)::bigint END AS delta,
             CASE WHEN g = 1 THEN 'bench' ELSE 'feature' END AS source_type,
             CASE WHEN g = 1 THEN 'bench-pack' ELSE 'req_' || u.id || '_' || g END AS source_ref,
             CASE WHEN g = 1 THEN NULL ELSE ($2::text[])[1 + g % ${FEATURES.length}] END AS feature,
             CASE WHEN g = 1 THEN NULL ELSE jsonb_build_object('model', ($3::text[])[1 + g % ${MODELS.length}],
               'inputTokens', 500 + g % 3000, 'outputTokens', 100 + g % 900) END AS usage,
             CASE WHEN g = 1 THEN NULL ELSE (1000 + (g * 7919) % 5000)::bigint END AS cost
           FROM generate_series(1, u.n) g
         ) r
         ORDER BY u.id, r.g`,
        now,
        FEATURES,
        MODELS,
      );
      await tx.$executeRawUnsafe(`
        UPDATE user_token_balance b SET purchased = b.purchased + t.total
        FROM (SELECT user_id, sum(purchased_delta) AS total FROM token_transactions
              WHERE idempotency_key LIKE 'bench-pages:%' GROUP BY user_id) t
        WHERE b.user_id = t.user_id`);
      // The daily usage roll-up, which the ledger's trigger keeps but replica mode skipped.
      await tx.$executeRawUnsafe(`SELECT usage_daily_rebuild(array_agg(id)) FROM seed_users`);
    },
    { timeout: 1_800_000 },
  );
  await db.$executeRawUnsafe("VACUUM ANALYZE users, user_token_balance, token_transactions, usage_daily");
}
