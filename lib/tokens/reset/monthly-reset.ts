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
// - Linear: the due accounts are read once per run, into a cursor the server keeps for the run's
//   lock connection, and taken in user-id order, so each index page a reset writes is touched in
//   one stretch (batch-statement.ts `openDueCursor` has the measurements); `concurrency` batches
//   (of disjoint accounts) run at once on their own connections, so both of a small server's cores
//   work. An account that becomes due or actionable during a run is left to the next run.
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
import type { Db } from "../../db/client";
import { withSessionAdvisoryLock } from "../../db/advisory-lock";
import { sweepExpiredReservations } from "../ledger";
import { getActivePricing, type PricingConfig } from "../pricing-config";
import { BatchStatement, HELD_STATUSES, NEW_PERIOD_UNPAID, PAID_STATUSES, type BatchRow } from "./batch-statement";

/** How long after a paid period starts the cron waits for `invoice.paid` before granting it. */
export const RENEWAL_GRACE_MS = 3 * 60 * 60 * 1000;

/** pg_advisory_lock key of the monthly reset ("tollgate-reset" folded into a bigint). */
export const RESET_LOCK_KEY = 0x746f6c6c72737431n;

export interface ResetOptions {
  /** The instant the run considers "now" (tests and the benchmark pass one). */
  now?: Date;
  /** Accounts per statement. */
  batchSize?: number;
  /** Batches in flight at once, each on its own connection (default 2). */
  concurrency?: number;
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
  {
    now = new Date(),
    batchSize = 5000,
    concurrency = 2,
    renewalGraceMs = RENEWAL_GRACE_MS,
    afterBatch,
  }: ResetOptions = {},
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

  const outcome = await withSessionAdvisoryLock(connectionString, RESET_LOCK_KEY, async (session) => {
    summary.ran = true;
    summary.reservationsReleased = (await sweepExpiredReservations(db, now)).expired;
    const excluded: string[] = [];
    // The batches' ids come from one cursor over the due accounts in user-id order, handed out in
    // turn (never two batches with the same account); each worker runs the batches it is handed,
    // one statement each.
    const due = await batch.openDueCursor(session);
    let exhausted = false;
    let handing: Promise<string[]> = Promise.resolve([]);
    const nextIds = () =>
      (handing = handing.then(async () => {
        if (exhausted) return [];
        const ids = await due.next();
        if (ids.length === 0) exhausted = true;
        return ids;
      }));
    let failed = false;
    const worker = async () => {
      for (let ids = await nextIds(); ids.length > 0 && !failed; ids = await nextIds()) {
        let rows: BatchRow[];
        try {
          rows = await batch.run(db, ids);
        } catch {
          // One bad account fails its whole batch: redo that batch account by account, so the bad
          // one is reported and skipped and every other goes on.
          await runOneByOne(db, batch, ids, excluded, summary);
          continue;
        }
        const row = rows[0];
        if (row) addBatch(summary, row, excluded);
        summary.batches++;
        await afterBatch?.({ batch: summary.batches, periodsStarted: summary.periodsStarted });
      }
    };
    // A worker that fails stops the others after their batch in flight; the run ends (and its lock
    // is released) only once none is in flight, then fails with the first error.
    const workers = await Promise.allSettled(
      Array.from({ length: Math.max(1, Math.trunc(concurrency)) }, () =>
        worker().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const failure = workers.find((w) => w.status === "rejected");
    if (failure) throw failure.reason;
    await due.close();
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
    summary.errors.push({
      userId,
      error: `subscription plan "${planId}" is not in pricing version ${summary.pricingVersion}`,
    });
    excluded.push(userId);
  }
  for (const userId of row.not_started) {
    // Its new period's keys exist, yet the account is still due: someone else started that period
    // and the account moved on, or the data disagrees. Never grant twice; report it and go on.
    summary.errors.push({ userId, error: "the new period's ledger keys already exist; account left unchanged" });
    excluded.push(userId);
  }
}

/** Redoes the accounts of a failed batch one statement each. */
async function runOneByOne(db: Db, batch: BatchStatement, ids: string[], excluded: string[], summary: ResetSummary) {
  for (const userId of ids) {
    try {
      const [row] = await batch.run(db, [userId]);
      if (row) addBatch(summary, row, excluded);
    } catch (error) {
      summary.errors.push({
        userId,
        error: error instanceof Error ? (error.message.trim().split("\n").at(-1) ?? error.message) : String(error),
      });
      excluded.push(userId);
    }
  }
  summary.batches++;
}
