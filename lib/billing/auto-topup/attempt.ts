// Arming a top-up: the one transaction that decides whether a threshold crossing becomes an
// attempt, and writes it. Database work only (no Stripe call holds the row lock).
//
// Guarantees (docs/AUTO_TOPUP.md):
// - One attempt per crossing: the attempt's key is auto_topup:<user>:<generation>, UNIQUE; the
//   generation only moves when a top-up is granted (./outcome.ts) or auto top-up is turned on again
//   (./settings.ts). However many settles cross the line at once, on however many instances, one
//   row is written: each locks the user's settings row (FOR UPDATE) and finds the others' row.
// - Never two in flight: no attempt while another of the user's is still pending.
// - Limits, checked under the same lock, so concurrency cannot pass them: at most
//   ATTEMPTS_PER_WINDOW attempts per ATTEMPT_WINDOW_MS, FAILURES_PER_WINDOW failed attempt per
//   FAILURE_WINDOW_MS, and the user's max_per_period top-ups (pending or succeeded) per balance period.
// - The balance is read under the lock: a settle that read an old balance cannot arm a top-up the
//   grant of the previous one already made unnecessary.
import type { Db } from "../../db/client";

export const ATTEMPTS_PER_WINDOW = 2;
export const ATTEMPT_WINDOW_MS = 10 * 60_000;
export const FAILURES_PER_WINDOW = 1;
export const FAILURE_WINDOW_MS = 60 * 60_000;

export interface ArmedAttempt {
  id: string;
  userId: string;
  idempotencyKey: string;
  generation: number;
  packId: string;
}

export type ArmResult =
  | { armed: ArmedAttempt }
  | {
      skipped:
        | "off"
        | "no_account"
        | "above_threshold"
        | "already_attempted"
        | "in_flight"
        | "rate_limited"
        | "failure_limited"
        | "period_limit";
    };

export const attemptKey = (userId: string, generation: number) => `auto_topup:${userId}:${generation}`;

export async function armAttempt(db: Db, userId: string, now: Date = new Date()): Promise<ArmResult> {
  return db.$transaction(async (tx) => {
    const [settings] = await tx.$queryRaw<
      { enabled: boolean; pack_id: string; threshold: bigint; max_per_period: number; generation: number }[]
    >`SELECT enabled, pack_id, threshold_millitokens AS threshold, max_per_period, generation
      FROM auto_topup_settings WHERE user_id = ${userId} FOR UPDATE`;
    if (!settings?.enabled) return { skipped: "off" as const };
    const [balance] = await tx.$queryRaw<{ available: bigint; period_start: Date }[]>`
      SELECT allowance + purchased - reserved AS available, period_start FROM user_token_balance WHERE user_id = ${userId}`;
    if (!balance) return { skipped: "no_account" as const };
    if (balance.available >= settings.threshold) return { skipped: "above_threshold" as const };
    const key = attemptKey(userId, settings.generation);
    const [counts] = await tx.$queryRaw<
      { this_crossing: number; pending: number; recent: number; failed: number; in_period: number }[]
    >`SELECT
        count(*) FILTER (WHERE idempotency_key = ${key})::int AS this_crossing,
        count(*) FILTER (WHERE status = 'pending')::int AS pending,
        count(*) FILTER (WHERE created_at > ${new Date(now.getTime() - ATTEMPT_WINDOW_MS)})::int AS recent,
        count(*) FILTER (WHERE status IN ('failed', 'requires_action')
                         AND updated_at > ${new Date(now.getTime() - FAILURE_WINDOW_MS)})::int AS failed,
        count(*) FILTER (WHERE status IN ('pending', 'succeeded') AND created_at >= ${balance.period_start})::int AS in_period
      FROM auto_topup_attempts WHERE user_id = ${userId}`;
    if (counts!.this_crossing > 0) return { skipped: "already_attempted" as const };
    if (counts!.pending > 0) return { skipped: "in_flight" as const };
    if (counts!.recent >= ATTEMPTS_PER_WINDOW) return { skipped: "rate_limited" as const };
    if (counts!.failed >= FAILURES_PER_WINDOW) return { skipped: "failure_limited" as const };
    if (counts!.in_period >= settings.max_per_period) return { skipped: "period_limit" as const };
    const row = await tx.autoTopUpAttempt.create({
      data: {
        userId,
        idempotencyKey: key,
        generation: settings.generation,
        packId: settings.pack_id,
        createdAt: now,
        updatedAt: now,
      },
      select: { id: true, userId: true, idempotencyKey: true, generation: true, packId: true },
    });
    return { armed: row };
  });
}
