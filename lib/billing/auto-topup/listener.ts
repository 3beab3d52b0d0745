// The metering wrapper's onSettled listener for auto top-up (bound in lib/ai/metered.ts, beside
// the balance mails): after a settle lands, a balance below the user's threshold arms and charges
// a top-up (./charge.ts). Never on the call's path: it returns at once, the work runs detached and
// its errors go to `failed`. Cheap on the hot path: each user's settings are remembered for
// MEMO_MS, so a settle above the threshold (or of a user without auto top-up) costs no query, and
// one instance runs at most one check per user at a time (the database rules make several safe
// anyway: one attempt per crossing, see ./attempt.ts).
import type { BillingContext } from "../context";
import { checkAutoTopUp } from "./charge";

export const MEMO_MS = 15_000;
/**
 * After a check found the crossing already handled or a limit reached, settles below the line do
 * not lock the row again for this long (the sweep and the next crossing still come).
 */
export const QUIET_MS = 30_000;
const MEMO_MAX = 50_000;

export interface AutoTopUpListenerOptions {
  /** The billing context; null when billing is not configured (nothing to do). */
  context(): BillingContext | null;
  /** After an outcome that may have queued a mail (the app's sendSoon). */
  queued(): void;
  failed(error: unknown): void;
  now?(): number;
}

export function autoTopUpListener(options: AutoTopUpListenerOptions) {
  const now = options.now ?? Date.now;
  const memo = new Map<string, { enabled: boolean; threshold: bigint; at: number; quietUntil?: number }>();
  const running = new Set<string>();
  // A settle that arrives while this user's check runs: checked again once it ends, so a crossing
  // that lands during a check (which may have read the balance before it) is never missed.
  const again = new Set<string>();

  /** Forget what is remembered of a user (their settings changed on this instance). */
  function forget(userId: string): void {
    memo.delete(userId);
  }

  function check(userId: string, remaining: bigint | null): void {
    if (running.has(userId)) {
      again.add(userId);
      return;
    }
    const known = memo.get(userId);
    const t = now();
    if (known && t - known.at < MEMO_MS && remaining !== null) {
      if (!known.enabled || remaining >= known.threshold) return;
      if (known.quietUntil !== undefined && t < known.quietUntil) return;
    }
    running.add(userId);
    void (async () => {
      try {
        const ctx = options.context();
        if (!ctx) return;
        const settings = await ctx.db.autoTopUpSettings.findUnique({
          where: { userId },
          select: { enabled: true, thresholdMillitokens: true },
        });
        if (memo.size >= MEMO_MAX) memo.clear();
        memo.set(userId, {
          enabled: settings?.enabled ?? false,
          threshold: settings?.thresholdMillitokens ?? 0n,
          at: t,
        });
        if (!settings?.enabled) return;
        if (remaining !== null && remaining >= settings.thresholdMillitokens) return;
        const result = await checkAutoTopUp(ctx, userId);
        if ("armed" in result) {
          forget(userId);
          options.queued();
        } else if (result.skipped !== "above_threshold" && result.skipped !== "off") {
          const entry = memo.get(userId);
          if (entry) entry.quietUntil = t + QUIET_MS;
        }
      } catch (error) {
        options.failed(error);
      } finally {
        running.delete(userId);
        if (again.delete(userId)) check(userId, null);
      }
    })();
  }

  return {
    /** MeteringConfig.onSettled: `remaining` is the available balance after the settle. */
    onSettled({ userId, remaining }: { userId: string; remaining: bigint }): void {
      check(userId, remaining);
    },
    /** After another ledger change (an admin adjustment, a clawback): checks without a known balance. */
    afterLedgerChange(userId: string): void {
      forget(userId);
      check(userId, null);
    },
    forget,
  };
}
