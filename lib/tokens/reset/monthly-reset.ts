// The monthly reset (the cron route and `npm run tokens:reset`): starts the new allowance period of
// every account whose period has rolled over.
//
// Guarantees:
// - Exactly once per (user, period): the ledger rows carry the keys of `startPeriod`
//   (`expire:<user>:<start>` / `allowance:<user>:<start>`), shared with Stripe's `invoice.paid`, so
//   whichever of the webhook and the cron comes first grants and the other is a no-op.
// - Set-based: one statement per batch of accounts (lock, expiry rows, grant rows, balances), each
//   batch its own transaction. A run killed between batches left only whole batches behind; the next
//   run continues with the accounts still due. A run after a complete one changes nothing.
// - One run at a time: a session advisory lock; an overlapping run returns at once without working.
// - A bad account is reported and skipped; the rest go on.
//
// Who gets what:
// - an active or trialing subscription whose new period has been synced from Stripe
//   (current_period_start later than the account's period) and whose period's invoice is paid
//   (`current_period_paid_at`, written by the sync) → that period, the plan's allowance, its grant
//   row naming the invoice (`source_ref`, so a refund of that invoice finds it);
// - no subscription, or one that ended or never started → the free tier, per calendar month counted
//   from the account's anchor (sign-up), month ends clamped (the 31st → Feb 28 → Mar 31);
// - past_due / unpaid / paused → nothing (tokens kept, no new allowance), counted as held back;
// - active but its period's invoice not paid (a SEPA / ACH debit still processing, `send_invoice`
//   not paid yet, `pause_collection`: all stay `active`) → nothing, counted as awaiting payment:
//   an `active` status is no proof of payment; `invoice.paid` (or the next run after the sync
//   recorded the payment) grants it;
// - active but not yet renewed in our copy of Stripe → nothing yet, counted as awaiting renewal:
//   `invoice.paid` (or the next run after the sync) grants it. A renewed period is also left to
//   `invoice.paid` for its first hours (RENEWAL_GRACE_MS): Stripe rolls the period at once but
//   charges the renewal about an hour later, and a subscription stays `active` until that charge
//   fails. The cron is the fallback for a lost webhook, never a grant ahead of the payment.
// It also sweeps expired reservations. Purchased tokens are never touched.
import { Prisma } from "../../db/generated/client";
import type { Db } from "../../db/client";
import { withSessionAdvisoryLock } from "../../db/advisory-lock";
import { sweepExpiredReservations } from "../ledger";
import { getActivePricing, type PricingConfig } from "../pricing-config";
import { tokensToMillitokens } from "../units";

/** How long after a paid period starts the cron waits for `invoice.paid` before granting it. */
export const RENEWAL_GRACE_MS = 3 * 60 * 60 * 1000;

/** pg_advisory_lock key of the monthly reset ("tollgate-reset" folded into a bigint). */
export const RESET_LOCK_KEY = 0x746f6c6c72737431n;

export interface ResetOptions {
  /** The instant the run considers "now" (tests and the benchmark pass one). */
  now?: Date;
  /** Accounts per statement. */
  batchSize?: number;
  /** See RENEWAL_GRACE_MS. */
  renewalGraceMs?: number;
  /** Called after each committed batch (progress logs; tests use it to simulate a crash). */
  afterBatch?: (progress: { batch: number; periodsStarted: number }) => void | Promise<void>;
}

export interface ResetError {
  userId: string;
  error: string;
}

export interface ResetSummary {
  /** false when another run held the lock: this one did nothing. */
  ran: boolean;
  pricingVersion: number;
  usersExamined: number;
  periodsStarted: number;
  paidPeriods: number;
  freePeriods: number;
  /** Millitokens granted and expired by the periods started. */
  granted: bigint;
  expired: bigint;
  /** Due accounts left alone: past_due / unpaid / paused subscriptions. */
  heldBack: number;
  /** Due accounts whose subscription's new period is not synced from Stripe yet. */
  awaitingRenewal: number;
  /** Due accounts whose subscription's new period is synced but its invoice not paid yet. */
  awaitingPayment: number;
  reservationsReleased: number;
  batches: number;
  errors: ResetError[];
  durationMs: number;
}

interface BatchRow {
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
const PAID_STATUSES = Prisma.sql`('active', 'trialing')`;
const HELD_STATUSES = Prisma.sql`('past_due', 'unpaid', 'paused')`;
/** A synced new period whose invoice is not paid (s = user_subscriptions, b = user_token_balance). */
const NEW_PERIOD_UNPAID = Prisma.sql`(s.current_period_start > b.period_start AND s.current_period_paid_at IS NULL)`;

/** Keys exactly as `allowanceKey` / `expiryKey` write them (`Date.toISOString()`). */
const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Runs the monthly reset over the whole database. Convergent and safe to run any number of times,
 * concurrently too: a rerun only does what an earlier run left undone.
 */
export async function resetMonthlyTokens(
  db: Db,
  target: {
    /** For the advisory lock's own connection (a direct, session-mode URL behind a pooler). */
    connectionString: string;
    /** Defaults to the active pricing version. */
    pricing?: PricingConfig;
  },
  { now = new Date(), batchSize = 5000, renewalGraceMs = RENEWAL_GRACE_MS, afterBatch }: ResetOptions = {},
): Promise<ResetSummary> {
  const started = Date.now();
  const { connectionString } = target;
  const pricing = target.pricing ?? (await getActivePricing(db));
  const summary: ResetSummary = {
    ran: false,
    pricingVersion: pricing.version,
    usersExamined: 0,
    periodsStarted: 0,
    paidPeriods: 0,
    freePeriods: 0,
    granted: 0n,
    expired: 0n,
    heldBack: 0,
    awaitingRenewal: 0,
    awaitingPayment: 0,
    reservationsReleased: 0,
    batches: 0,
    errors: [],
    durationMs: 0,
  };
  const batch = new BatchStatement(pricing, now, batchSize, new Date(now.getTime() - renewalGraceMs));

  const outcome = await withSessionAdvisoryLock(connectionString, RESET_LOCK_KEY, async () => {
    summary.ran = true;
    summary.reservationsReleased = (await sweepExpiredReservations(db, now)).expired;
    const excluded: string[] = [];
    for (;;) {
      let rows: BatchRow[];
      try {
        rows = await batch.run(db, excluded);
      } catch (error) {
        // One bad account fails its whole batch: redo that batch account by account, so the bad
        // one is reported and skipped and every other goes on.
        const isolated = await runOneByOne(db, batch, excluded, summary);
        if (isolated === 0) throw error;
        continue;
      }
      const row = rows[0];
      if (!row || row.examined === 0) break;
      addBatch(summary, row, excluded);
      summary.batches++;
      await afterBatch?.({ batch: summary.batches, periodsStarted: summary.periodsStarted });
    }
    const [left] = await db.$queryRaw<{ held: number; awaiting: number; unpaid: number }[]>`
      SELECT count(*) FILTER (WHERE s.status IN ${HELD_STATUSES})::int AS held,
             count(*) FILTER (WHERE s.status IN ${PAID_STATUSES} AND NOT ${NEW_PERIOD_UNPAID})::int AS awaiting,
             count(*) FILTER (WHERE s.status IN ${PAID_STATUSES} AND ${NEW_PERIOD_UNPAID})::int AS unpaid
      FROM user_token_balance b JOIN user_subscriptions s ON s.user_id = b.user_id
      WHERE b.next_reset_at <= ${now} AND b.user_id <> ALL(${excluded}::text[])`;
    summary.heldBack = left?.held ?? 0;
    summary.awaitingRenewal = left?.awaiting ?? 0;
    summary.awaitingPayment = left?.unpaid ?? 0;
  });
  summary.ran = outcome.acquired;
  summary.durationMs = Date.now() - started;
  return summary;
}

function addBatch(summary: ResetSummary, row: BatchRow, excluded: string[]) {
  summary.usersExamined += row.examined;
  summary.periodsStarted += row.started;
  summary.paidPeriods += row.paid;
  summary.freePeriods += row.started - row.paid;
  summary.granted += BigInt(row.granted);
  summary.expired += BigInt(row.expired);
  for (const { userId, planId } of row.unknown_plans) {
    summary.errors.push({ userId, error: `subscription plan "${planId}" is not in pricing version ${summary.pricingVersion}` });
    excluded.push(userId);
  }
  for (const userId of row.not_started) {
    // Its new period's keys exist, yet the account is still due: someone else started that period
    // and the account moved on, or the data disagrees. Never grant twice; report it and go on.
    summary.errors.push({ userId, error: "the new period's ledger keys already exist; account left unchanged" });
    excluded.push(userId);
  }
}

/** Redoes the due accounts of a failed batch one statement each; returns how many it handled. */
async function runOneByOne(db: Db, batch: BatchStatement, excluded: string[], summary: ResetSummary): Promise<number> {
  const ids = await batch.dueIds(db, excluded);
  for (const userId of ids) {
    try {
      const [row] = await batch.run(db, excluded, userId);
      if (row) addBatch(summary, row, excluded);
    } catch (error) {
      summary.errors.push({ userId, error: error instanceof Error ? (error.message.trim().split("\n").at(-1) ?? error.message) : String(error) });
      excluded.push(userId);
    }
  }
  summary.batches++;
  return ids.length;
}

/** The batch statement, bound to a pricing version and an instant. */
class BatchStatement {
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

  /** Accounts due and actionable now (paid and synced, or free), oldest reset first. */
  private due(excluded: string[], only: string | null) {
    return Prisma.sql`
      FROM user_token_balance b
      LEFT JOIN user_subscriptions s ON s.user_id = b.user_id
      WHERE b.next_reset_at <= ${this.now}
        AND b.user_id <> ALL(${excluded}::text[])
        AND (${only}::text IS NULL OR b.user_id = ${only}::text)
        AND (s.user_id IS NULL OR s.status IN ${FREE_STATUSES}
             OR (s.status IN ${PAID_STATUSES} AND s.current_period_start > b.period_start
                 AND s.current_period_paid_at IS NOT NULL
                 AND s.current_period_start <= ${this.paidStartedBy} AND s.current_period_end > s.current_period_start))`;
  }

  async dueIds(db: Db, excluded: string[]): Promise<string[]> {
    const rows = await db.$queryRaw<{ user_id: string }[]>`
      SELECT b.user_id ${this.due(excluded, null)} ORDER BY b.next_reset_at, b.user_id LIMIT ${this.batchSize}`;
    return rows.map((r) => r.user_id);
  }

  /**
   * One statement for up to `batchSize` accounts: the same steps as `startPeriod`, set-based. The
   * expiry and grant rows of an account are written together or not at all (a conflict on either
   * key — a webhook got there first — leaves the account to the winner); the final guard divides by
   * zero, aborting the batch, if that ever did not hold.
   */
  run(db: Db, excluded: string[], only: string | null = null): Promise<BatchRow[]> {
    const now = this.now;
    return db.$queryRaw<BatchRow[]>`
      WITH plans AS (
        SELECT * FROM unnest(${this.planIds}::text[], ${this.planAllowances}::bigint[]) AS p(plan_id, allowance)
      ), cand AS (
        SELECT b.user_id, b.allowance AS old_allowance, b.purchased, b.next_reset_at, b.period_anchor,
               coalesce(s.status IN ${PAID_STATUSES}, false) AS paid,
               s.plan_id, s.plan_allowance, s.plan_pricing_version, s.current_period_start, s.current_period_end, s.current_period_invoice_id
        ${this.due(excluded, only)}
        ORDER BY b.next_reset_at, b.user_id
        LIMIT ${this.batchSize}
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
      ), periods AS (
        -- A paid period gets the allowance of the price the subscription pays (synced from Stripe,
        -- in that price's pricing version); the active version's only for a row synced before it.
        SELECT c.user_id, c.old_allowance, c.purchased, c.paid, c.plan_id, c.current_period_invoice_id,
               CASE WHEN c.paid THEN c.current_period_start ELSE greatest(c.next_reset_at, f.start_at) END AS new_start,
               CASE WHEN c.paid THEN c.current_period_end ELSE f.end_at END AS new_end,
               CASE WHEN c.paid THEN coalesce(c.plan_allowance, p.allowance) ELSE ${this.freeTier}::bigint END AS new_allowance,
               CASE WHEN c.paid AND c.plan_allowance IS NOT NULL THEN c.plan_pricing_version ELSE ${this.pricing.version}::int END AS new_version
        FROM cand c
        LEFT JOIN plans p ON p.plan_id = c.plan_id
        LEFT JOIN free_period f ON f.user_id = c.user_id
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
        SET allowance = p.new_allowance, period_start = p.new_start, next_reset_at = p.new_end, updated_at = now()
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
