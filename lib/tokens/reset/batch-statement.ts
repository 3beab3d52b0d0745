// The statements of the monthly reset (monthly-reset.ts has the guarantees and who gets what): the
// run's work list of due accounts in user-id order (`openDueCursor`), and the one set-based
// statement that locks a batch of them, writes their expiry and grant rows and moves their
// balances, in the batch's own transaction (`run`).
//
// Cost (why a run is linear in the accounts due): the work list is one range of the index
// (next_reset_at, user_id) read once per run, whatever the batch size; accounts left alone
// (past_due, awaiting payment) are read once and never handed out. `run` touches only its batch's
// rows, by primary key, one index probe each (no plan may scan a whole table per batch). Per
// account started it writes two ledger rows (three index entries each, two foreign-key checks) and
// one balance row (two index entries), and, taken in user-id order, each index page once per run.
import type pg from "pg";
import { Prisma } from "../../db/generated/client";
import type { Db } from "../../db/client";
import type { PricingConfig } from "../pricing-config";
import { tokensToMillitokens } from "../units";

export interface BatchRow {
  examined: number;
  started: number;
  paid: number;
  granted: bigint;
  expired: bigint;
  unknown_plans: { userId: string; planId: string | null }[];
  /** Due accounts whose period keys were already taken (by a writer racing this run): left alone. */
  not_started: string[];
}

const FREE_STATUSES = Prisma.sql`('none', 'canceled', 'incomplete', 'incomplete_expired')`;
export const PAID_STATUSES = Prisma.sql`('active', 'trialing')`;
export const HELD_STATUSES = Prisma.sql`('past_due', 'unpaid', 'paused')`;
/** A synced new period whose invoice is not paid (s = user_subscriptions, b = user_token_balance). */
export const NEW_PERIOD_UNPAID = Prisma.sql`(s.current_period_start > b.period_start AND s.current_period_paid_at IS NULL)`;

/**
 * A paid yearly period whose account is in it and whose month (not the year) has ended: the next
 * month of the year is due, with no invoice of its own (the year's invoice paid for it).
 */
export const IN_YEAR_MONTH_DUE = Prisma.sql`(s.billing_interval = 'year' AND s.current_period_paid_at IS NOT NULL
  AND b.period_start >= s.current_period_start AND b.next_reset_at < s.current_period_end)`;

/** Keys exactly as `allowanceKey` / `expiryKey` write them (`Date.toISOString()`). */
const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The batch statements, bound to a pricing version and an instant. */
export class BatchStatement {
  private readonly planIds: string[];
  private readonly planAllowances: string[];
  private readonly freeTier: bigint;

  constructor(
    private readonly pricing: PricingConfig,
    private readonly now: Date,
    private readonly batchSize: number,
    /** Paid periods that started after this instant are left to invoice.paid for now. */
    private readonly paidStartedBy: Date,
  ) {
    this.planIds = pricing.plans.map((p) => p.id);
    this.planAllowances = pricing.plans.map((p) => tokensToMillitokens(p.tokensPerMonth).toString());
    this.freeTier = pricing.freeTierMillitokens;
  }

  /** Accounts due and actionable now (paid and synced, or free); `b` is the balance row. */
  private actionable() {
    return Prisma.sql`b.next_reset_at <= ${this.now}
        AND (s.user_id IS NULL OR s.status IN ${FREE_STATUSES}
             OR (s.status IN ${PAID_STATUSES} AND s.current_period_start > b.period_start
                 AND s.current_period_paid_at IS NOT NULL
                 AND s.current_period_start <= ${this.paidStartedBy} AND s.current_period_end > s.current_period_start)
             OR (s.status IN ${PAID_STATUSES} AND ${IN_YEAR_MONTH_DUE}))`;
  }

  /**
   * The run's work list: every account due and actionable now, in user-id order, as a cursor
   * declared WITH HOLD on `session` (the run's lock connection): the query runs once, its result is
   * kept by the server for the session (spilled to a temporary file past work_mem, no WAL, no
   * snapshot held), and `next` fetches the next `batchSize` ids. A read without locks: the batch
   * statement re-checks each account under its lock, so one a webhook started meanwhile is left
   * alone. One range of the index (next_reset_at, user_id): accounts not due are never read.
   *
   * Why user-id order (not next-reset order): every structure a reset writes through is keyed by
   * the user — the balance's primary key, the user row the ledger's foreign key locks, the ledger's
   * (user_id, created_at) index and its idempotency keys (`expire:<user>:…`, `allowance:<user>:…`) —
   * and accounts due together are spread over all users. Taken in next-reset order, each account
   * touched a random page of each of those indexes; once they outgrew the buffers and the run's WAL
   * spanned checkpoints, the first touch of a page after each checkpoint wrote a full 8 kB image
   * of it to the WAL, and the number of such pages grew with the indexes, so the cost per account
   * grew with the number of accounts: measured at 1,000,000 accounts, 1.13 full-page images and
   * 9.2 kB of WAL an account, 117 µs of PostgreSQL CPU (72 µs at 100,000). In user-id order each
   * page is touched in one stretch: 0.09 images, 2.4 kB and 58 µs at 1,000,000 (53 µs at 100,000).
   */
  async openDueCursor(session: pg.Client): Promise<{ next(): Promise<string[]>; close(): Promise<void> }> {
    const query = Prisma.sql`
      -- Once per run, so any join plan is fine here (the planner picks the index probes for few
      -- due accounts, a hash of the subscriptions for very many).
      DECLARE tollgate_reset_due NO SCROLL CURSOR WITH HOLD FOR
      SELECT b.user_id
      FROM user_token_balance b
      LEFT JOIN user_subscriptions s ON s.user_id = b.user_id
      WHERE ${this.actionable()}
      ORDER BY b.user_id`;
    await session.query(query.text, query.values);
    return {
      next: async () => {
        const { rows } = await session.query<{ user_id: string }>(`FETCH ${this.batchSize} FROM tollgate_reset_due`);
        return rows.map((r) => r.user_id);
      },
      close: async () => {
        await session.query("CLOSE tollgate_reset_due");
      },
    };
  }

  /**
   * One statement for the accounts `ids` (from `openDueCursor`): the same steps as `startPeriod`,
   * set-based. Each account is locked (in user-id order, as the ledger pipeline locks, so the two
   * never deadlock) and re-checked under its lock: one a webhook started meanwhile is no longer due
   * and is left alone. The expiry and grant rows of an account are written together or not at all
   * (a conflict on either key — a webhook got there first — leaves the account to the winner); the
   * final guard divides by zero, aborting the batch, if that ever did not hold. Batches of disjoint
   * ids may run at once on different connections.
   */
  run(db: Db, ids: string[]): Promise<BatchRow[]> {
    const now = this.now;
    return db.$queryRaw<BatchRow[]>`
      WITH plans AS (
        SELECT * FROM unnest(${this.planIds}::text[], ${this.planAllowances}::bigint[]) AS p(plan_id, allowance)
      ), cand AS (
        SELECT b.user_id, b.allowance AS old_allowance, b.purchased, b.next_reset_at, b.period_anchor,
               coalesce(s.status IN ${PAID_STATUSES}, false) AS paid,
               s.plan_id, s.plan_allowance, s.plan_pricing_version, s.current_period_start, s.current_period_end, s.current_period_invoice_id,
               s.billing_interval, s.billing_cycle_anchor
        FROM user_token_balance b
        -- One index probe per account (LIMIT 1 on the primary key: a LATERAL subquery with a LIMIT
        -- is never turned into a join). A plain LEFT JOIN let the planner hash the whole
        -- subscriptions table inside every batch (EXPLAIN at 300,000 accounts: a sequential scan of
        -- its 135,000 rows for a batch of 5,000), so a run cost batches × subscriptions.
        LEFT JOIN LATERAL (SELECT * FROM user_subscriptions s WHERE s.user_id = b.user_id LIMIT 1) s ON true
        WHERE b.user_id = ANY(${ids}::text[]) AND ${this.actionable()}
        ORDER BY b.user_id
        FOR UPDATE OF b
      ), free_month AS (
        -- Months from the anchor to now (UTC wall clock), and the anchor-based boundaries around it.
        SELECT c.user_id, a.t, a.n FROM cand c
        CROSS JOIN LATERAL (
          SELECT c.period_anchor AT TIME ZONE 'UTC' AS t,
                 ((extract(year FROM ${now}::timestamptz AT TIME ZONE 'UTC') - extract(year FROM c.period_anchor AT TIME ZONE 'UTC')) * 12
                  + extract(month FROM ${now}::timestamptz AT TIME ZONE 'UTC') - extract(month FROM c.period_anchor AT TIME ZONE 'UTC'))::int AS n
        ) a
        WHERE NOT c.paid
      ), free_period AS (
        -- The calendar month (from the anchor) containing now: [start, end).
        SELECT user_id,
               CASE WHEN bn <= ${now} THEN bn ELSE bp END AS start_at,
               CASE WHEN bn <= ${now} THEN bn1 ELSE bn END AS end_at
        FROM (
          SELECT user_id,
                 (t + make_interval(months => n - 1)) AT TIME ZONE 'UTC' AS bp,
                 (t + make_interval(months => n)) AT TIME ZONE 'UTC' AS bn,
                 (t + make_interval(months => n + 1)) AT TIME ZONE 'UTC' AS bn1
          FROM free_month
        ) x
      ), year_month AS (
        -- A paid yearly period is granted month by month: the month containing now (capped to the
        -- period's last instant), months counted from the billing cycle anchor with the day clamped
        -- to the month's length (Jan 31 → Feb 28 → Mar 31), bounded by the period.
        SELECT c.user_id,
               greatest(CASE WHEN x.bn <= x.at THEN x.bn ELSE x.bp END, c.current_period_start) AS start_at,
               least(CASE WHEN x.bn <= x.at THEN x.bn1 ELSE x.bn END, c.current_period_end) AS end_at
        FROM cand c
        CROSS JOIN LATERAL (
          SELECT greatest(c.current_period_start, least(${now}::timestamptz, c.current_period_end - interval '1 millisecond')) AS at,
                 coalesce(c.billing_cycle_anchor, c.current_period_start) AT TIME ZONE 'UTC' AS t
        ) y
        CROSS JOIN LATERAL (
          SELECT ((extract(year FROM y.at AT TIME ZONE 'UTC') - extract(year FROM y.t)) * 12
                  + extract(month FROM y.at AT TIME ZONE 'UTC') - extract(month FROM y.t))::int AS n
        ) z
        CROSS JOIN LATERAL (
          SELECT y.at,
                 (y.t + make_interval(months => z.n - 1)) AT TIME ZONE 'UTC' AS bp,
                 (y.t + make_interval(months => z.n)) AT TIME ZONE 'UTC' AS bn,
                 (y.t + make_interval(months => z.n + 1)) AT TIME ZONE 'UTC' AS bn1
        ) x
        WHERE c.paid AND c.billing_interval = 'year'
      ), periods AS (
        -- A paid period gets the allowance of the price the subscription pays (synced from Stripe,
        -- in that price's pricing version); the active version's only for a row synced before it.
        SELECT c.user_id, c.old_allowance, c.purchased, c.paid, c.plan_id, c.current_period_invoice_id,
               CASE WHEN y.user_id IS NOT NULL THEN y.start_at
                    WHEN c.paid THEN c.current_period_start ELSE greatest(c.next_reset_at, f.start_at) END AS new_start,
               CASE WHEN y.user_id IS NOT NULL THEN y.end_at WHEN c.paid THEN c.current_period_end ELSE f.end_at END AS new_end,
               CASE WHEN c.paid THEN coalesce(c.plan_allowance, p.allowance) ELSE ${this.freeTier}::bigint END AS new_allowance,
               CASE WHEN c.paid AND c.plan_allowance IS NOT NULL THEN c.plan_pricing_version ELSE ${this.pricing.version}::int END AS new_version
        FROM cand c
        LEFT JOIN plans p ON p.plan_id = c.plan_id
        LEFT JOIN free_period f ON f.user_id = c.user_id
        LEFT JOIN year_month y ON y.user_id = c.user_id
      ), e AS (
        INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
          purchased_after, source_type, source_ref, pricing_version, idempotency_key)
        SELECT user_id, 'expire_allowance', -old_allowance, 0, 0, purchased, 'cron', 'reset-monthly-tokens',
          ${this.pricing.version}, 'expire:' || user_id || ':' || ${iso(Prisma.sql`new_start`)}
        FROM periods WHERE new_allowance IS NOT NULL
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING user_id, allowance_delta, purchased_after
      ), g AS (
        INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
          purchased_after, source_type, source_ref, pricing_version, idempotency_key)
        SELECT p.user_id, (CASE WHEN p.paid THEN 'grant_allowance' ELSE 'grant_free' END)::"TransactionKind",
          p.new_allowance, 0, p.new_allowance, e.purchased_after, 'cron',
          CASE WHEN p.paid THEN coalesce(p.current_period_invoice_id, 'reset-monthly-tokens') ELSE 'reset-monthly-tokens' END,
          p.new_version, 'allowance:' || p.user_id || ':' || ${iso(Prisma.sql`p.new_start`)}
        FROM e JOIN periods p ON p.user_id = e.user_id
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING user_id, allowance_delta
      ), upd AS (
        UPDATE user_token_balance b
        -- A new period: the spend limit's count starts again (as in startPeriod).
        SET allowance = p.new_allowance, period_start = p.new_start, next_reset_at = p.new_end, period_spent = 0,
            updated_at = now()
        FROM g JOIN periods p ON p.user_id = g.user_id
        WHERE b.user_id = g.user_id
        RETURNING b.user_id, p.paid
      )
      SELECT (SELECT count(*) FROM cand)::int AS examined,
             (SELECT count(*) FROM upd)::int AS started,
             (SELECT count(*) FROM upd WHERE paid)::int AS paid,
             (SELECT coalesce(sum(allowance_delta), 0) FROM g)::bigint AS granted,
             (SELECT coalesce(-sum(allowance_delta), 0) FROM e)::bigint AS expired,
             (SELECT coalesce(json_agg(json_build_object('userId', user_id, 'planId', plan_id)), '[]') FROM periods
              WHERE new_allowance IS NULL) AS unknown_plans,
             (SELECT coalesce(json_agg(user_id), '[]') FROM periods
              WHERE new_allowance IS NOT NULL AND user_id NOT IN (SELECT user_id FROM upd)) AS not_started
      WHERE 1 / (CASE WHEN (SELECT count(*) FROM e) = (SELECT count(*) FROM g) THEN 1 ELSE 0 END) = 1`;
  }
}
