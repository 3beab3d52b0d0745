// The balance mails: "low balance" (available tokens below LOW_BALANCE_PERCENT of the period's
// allowance) and "tokens ran out" (a call refused 402), each at most once per period — key
// <kind>:<user>:<period start> — and only to users who have not turned the kind off.
//
// The same two moments are the outgoing webhooks `tokens.low` and `tokens.depleted`
// (lib/webhooks/events.ts), also once per user per period (key `<type>:<user>:<period start>`),
// but whatever the user's mail preference: an integrator's systems are not the user's inbox.
//
// They hang on the metering wrapper's listeners (MeteringConfig.onSettled / onRefused), which fire
// after the ledger's statement and are not awaited: nothing here is on a call's critical path. The
// low-balance check remembers, per user, the period's allowance and whether the mail is queued, so
// a settle that leaves the balance above the line (or follows the mail) costs no query at all.
import type { Db, DbTx } from "../../db/connect";
import { accountSummary } from "../../tokens/account-summary";
import { balance } from "../../tokens/ledger";
import { lowBalance } from "../../tokens/low-balance";
import { MILLITOKENS_PER_TOKEN } from "../../tokens/units";
import { emitEvent } from "../../webhooks/events";
import { enqueueMail } from "../outbox";
import { wants, type NotificationKind } from "./preferences";

async function addressOf(tx: DbTx, userId: string): Promise<string | null> {
  return (await tx.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email ?? null;
}

/** Whole tokens, rounded down (a mail says "9 tokens left", not 9.977). */
const wholeTokens = (millitokens: bigint) => Number(millitokens / MILLITOKENS_PER_TOKEN);

const periodKey = (kind: NotificationKind, userId: string, periodStart: Date) =>
  `${kind}:${userId}:${periodStart.toISOString()}`;

export interface LowBalanceCheck {
  /** Queued now (false: above the line, turned off, or queued before this period). */
  queued: boolean;
  /** The `tokens.low` webhook emitted now (false: above the line, emitted before, or nobody subscribes). */
  emitted: boolean;
  allowance: bigint;
  nextResetAt: Date;
  /** Nothing more to do this period (queued now or before, or turned off). */
  settled: boolean;
}

/**
 * Queues the low-balance mail and emits `tokens.low` if the balance is below the line (each once
 * per period; both idempotent by their keys, so a concurrent or repeated check is harmless).
 */
export async function checkLowBalance(db: Db, userId: string, percent: number): Promise<LowBalanceCheck | null> {
  const summary = await accountSummary(db, userId);
  if (!summary) return null;
  const { available, periodStart, nextResetAt } = summary.balance;
  const result = { allowance: summary.periodAllowance, nextResetAt, queued: false, emitted: false, settled: false };
  if (!lowBalance(available, summary.periodAllowance, percent)) return result;
  // The balance it reports is committed already (a settle's statement): no transaction to join.
  const event = await emitEvent(db, {
    type: "tokens.low",
    key: `tokens.low:${userId}:${periodStart.toISOString()}`,
    userId,
    data: {
      userId,
      availableMillitokens: (available > 0n ? available : 0n).toString(),
      allowanceMillitokens: summary.periodAllowance.toString(),
      thresholdPercent: percent,
      periodStart: periodStart.toISOString(),
      periodEnd: nextResetAt.toISOString(),
    },
  });
  result.emitted = event !== null;
  if (!(await wants(db, userId, "low_balance"))) return { ...result, settled: true };
  const to = await addressOf(db, userId);
  if (!to) return result;
  const queued = await enqueueMail(db, {
    to,
    userId,
    template: "low_balance",
    data: {
      available: wholeTokens(available > 0n ? available : 0n),
      allowance: Math.max(1, wholeTokens(summary.periodAllowance)),
      percent,
      resetsAt: nextResetAt.toISOString(),
    },
    idempotencyKey: periodKey("low_balance", userId, periodStart),
  });
  return { ...result, queued, settled: true };
}

/** Emits `tokens.depleted` for a refused call (once per period). True when emitted now. */
export async function emitTokensDepleted(db: Db, userId: string): Promise<boolean> {
  const current = await balance(db, userId);
  if (!current) return false;
  const { available, periodStart, nextResetAt } = current;
  const event = await emitEvent(db, {
    type: "tokens.depleted",
    key: `tokens.depleted:${userId}:${periodStart.toISOString()}`,
    userId,
    data: {
      userId,
      availableMillitokens: (available > 0n ? available : 0n).toString(),
      periodStart: periodStart.toISOString(),
      periodEnd: nextResetAt.toISOString(),
    },
  });
  return event !== null;
}

/** Queues the "tokens ran out" mail (once per period). True when queued now. */
export async function queueTokensDepleted(db: Db, userId: string): Promise<boolean> {
  const summary = await accountSummary(db, userId);
  if (!summary || !(await wants(db, userId, "tokens_depleted"))) return false;
  const to = await addressOf(db, userId);
  if (!to) return false;
  return enqueueMail(db, {
    to,
    userId,
    template: "tokens_depleted",
    data: { resetsAt: summary.balance.nextResetAt.toISOString() },
    idempotencyKey: periodKey("tokens_depleted", userId, summary.balance.periodStart),
  });
}

/** How long a remembered allowance is trusted (a plan change mid-period changes it). */
export const MEMO_MS = 5 * 60_000;
const MEMO_MAX = 50_000;

export interface BalanceNotifierOptions {
  db(): Db;
  percent(): number;
  /** After a mail was queued (the app's sendSoon). */
  queued(): void;
  /** After a webhook event was emitted (the app's deliverWebhooksSoon). */
  emitted?(): void;
  failed(error: unknown): void;
  now?(): number;
}

/** The listeners the app's metering wrapper is given (lib/ai/metered.ts). */
export function balanceNotifier(options: BalanceNotifierOptions) {
  const now = options.now ?? Date.now;
  const memo = new Map<string, { allowance: bigint; nextResetAt: number; done: boolean; at: number }>();
  const report = (queued: boolean) => queued && options.queued();
  const reportEvent = (emitted: boolean) => emitted && options.emitted?.();
  return {
    onSettled({ userId, remaining }: { userId: string; remaining: bigint }): void {
      const percent = options.percent();
      if (percent <= 0) return;
      const known = memo.get(userId);
      const t = now();
      if (known && t < known.nextResetAt && t - known.at < MEMO_MS) {
        if (known.done || remaining * 100n >= known.allowance * BigInt(percent)) return;
      }
      void checkLowBalance(options.db(), userId, percent)
        .then((check) => {
          if (!check) return;
          if (memo.size >= MEMO_MAX) memo.clear();
          memo.set(userId, {
            allowance: check.allowance,
            nextResetAt: check.nextResetAt.getTime(),
            done: check.settled,
            at: t,
          });
          report(check.queued);
          reportEvent(check.emitted);
        })
        .catch(options.failed);
    },
    onRefused({ userId }: { userId: string }): void {
      void queueTokensDepleted(options.db(), userId).then(report).catch(options.failed);
      void emitTokensDepleted(options.db(), userId).then(reportEvent).catch(options.failed);
    },
  };
}
