// Set-up shared by the usage integration tests (not a test file): consume rows written by the
// ledger's own reserve → settle, with usage breakdowns shaped like the cost engine's (ledgerUsage),
// then moved to the instant the scenario needs.
//
// Why the move: the ledger stamps a row with its transaction's time (created_at DEFAULT now()), and
// a test cannot run in the past. So, in the test's private database only, the stamp of a row the
// ledger just wrote is set under `session_replication_role = replica` (which skips the append-only
// trigger). Amounts are never touched, so the balance still equals the sum of the rows (tests
// check verifyLedger), and rows are placed in the order they were written. The daily roll-up the
// ledger's trigger kept is then rebuilt for the moved row's user (usage_daily_rebuild).
import type { Db } from "../../lib/db/client";
import { callKey, reserve, settle, type UsageBreakdown } from "../../lib/tokens/ledger";

let seq = 0;

export interface Call {
  at: string;
  feature: string;
  cost: bigint;
  usage: UsageBreakdown & { model: string };
  /** The hold; defaults to the cost. */
  hold?: bigint;
}

/** Text usage as the cost engine records it (ledgerUsage): counts plus the cost as a string. */
export const text = (
  model: string,
  cost: bigint,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens = 0,
): UsageBreakdown & { model: string } => ({
  model,
  pricedAs: model,
  priceSource: "catalogue",
  costMicroUsd: cost.toString(),
  inputTokens,
  cachedInputTokens,
  outputTokens,
  reasoningTokens: 0,
});

/** Charges one call through reserve → settle and stamps its row at `call.at`; returns what was charged. */
export async function charge(db: Db, userId: string, call: Call): Promise<bigint> {
  const requestId = `usage-test-${process.pid}-${++seq}`;
  const held = await reserve(db, {
    userId,
    amount: call.hold ?? call.cost,
    feature: call.feature,
    requestId,
    ttlMs: 60_000,
    pricingVersion: 1,
  });
  if (!held.ok) throw new Error(`reserve refused: ${held.error.type}`);
  const settled = await settle(db, { reservationId: held.reservation.id, cost: call.cost, usage: call.usage });
  if (!settled.ok) throw new Error(`settle failed: ${settled.error.type}`);
  await stamp(db, callKey(requestId), new Date(call.at));
  return settled.charged;
}

/** Moves one ledger row (by idempotency key) to `at`, in the test database only. */
export async function stamp(db: Db, idempotencyKey: string, at: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    const moved = await tx.$queryRaw<{ userId: string }[]>`
      UPDATE token_transactions SET created_at = ${at} WHERE idempotency_key = ${idempotencyKey}
      RETURNING user_id AS "userId"`;
    if (moved.length !== 1) throw new Error(`no ledger row ${idempotencyKey}`);
    // The row moved to another day: its user's roll-up is recomputed from the ledger.
    await tx.$executeRaw`SELECT usage_daily_rebuild(ARRAY[${moved[0]!.userId}])`;
  });
}
