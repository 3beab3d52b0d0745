// Usage alerts: the user chooses thresholds in % (Settings → Limits & alerts) of one basis — the
// period's allowance or their spend cap — and gets one mail per threshold per period when this
// period's spending (`period_spent`, what the ledger charged since the period started) crosses it.
//
// Once per threshold per period, whoever notices first: the mail's outbox key is
// `usage_alert:<user>:<period start>:<percent>`, so concurrent settles, several instances and retries
// queue it once; one settle that crosses several thresholds queues each of their mails once.
// Respects the "usage_alert" notification preference (and its one-click unsubscribe link).
//
// Hung on the metering wrapper's onSettled listener (lib/ai/metered.ts), never on the call's path.
// A settle tells the period's spend (BalanceEvent.spend); the notifier remembers per user the spend
// at which the next threshold is crossed, so a settle below it costs no query at all. The memo is
// trusted for USAGE_ALERT_MEMO_MS, until the period's end, while the cap is the one it was computed
// for and the spend does not go down (a new period); saving the settings forgets it in this process
// (`forgetUsageAlertMemo`), another instance picks a change up within USAGE_ALERT_MEMO_MS.
import { z } from "zod";
import type { Db, DbTx } from "../../db/connect";
import { accountSummary } from "../../tokens/account-summary";
import { readSpendLimit } from "../../tokens/spend-limit";
import { MILLITOKENS_PER_TOKEN } from "../../tokens/units";
import { enqueueMail } from "../outbox";
import { wants } from "./preferences";

export const USAGE_ALERT_BASES = ["allowance", "cap"] as const;
export type UsageAlertBasis = (typeof USAGE_ALERT_BASES)[number];
export const MAX_USAGE_ALERT_THRESHOLDS = 5;

export interface UsageAlertSettings {
  /** Distinct whole percentages 1–100, ascending (empty: no alerts). */
  thresholds: number[];
  basis: UsageAlertBasis;
}

export const DEFAULT_USAGE_ALERTS: UsageAlertSettings = { thresholds: [], basis: "allowance" };

/**
 * Thresholds as typed in the form: "50, 80, 100" (commas, semicolons or spaces). Each a whole
 * number 1–100, at most MAX_USAGE_ALERT_THRESHOLDS of them once repeats are dropped; "" is none.
 */
export const thresholdsSchema = z
  .string()
  .max(100)
  .transform((text) => text.split(/[\s,;]+/).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d{1,3}$/, "a whole percentage")))
  .transform((parts) => [...new Set(parts.map(Number))].sort((a, b) => a - b))
  .pipe(z.array(z.number().int().min(1).max(100)).max(MAX_USAGE_ALERT_THRESHOLDS));

export const usageAlertSettingsSchema = z.object({
  thresholds: thresholdsSchema,
  basis: z.enum(USAGE_ALERT_BASES),
});

export async function readUsageAlerts(tx: DbTx, userId: string): Promise<UsageAlertSettings> {
  const row = await tx.usageAlertSettings.findUnique({ where: { userId } });
  return row ? { thresholds: [...row.thresholds].sort((a, b) => a - b), basis: row.basis } : DEFAULT_USAGE_ALERTS;
}

export async function writeUsageAlerts(tx: DbTx, userId: string, settings: UsageAlertSettings): Promise<void> {
  const data = { thresholds: settings.thresholds, basis: settings.basis };
  await tx.usageAlertSettings.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  forgetUsageAlertMemo(userId);
}

export const usageAlertKey = (userId: string, periodStart: Date, percent: number) =>
  `usage_alert:${userId}:${periodStart.toISOString()}:${percent}`;

/** The spend (millitokens) at which `percent` of `base` is reached: spent × 100 ≥ base × percent. */
export const thresholdSpend = (base: bigint, percent: number) => (base * BigInt(percent) + 99n) / 100n;

export interface UsageAlertCheck {
  /** Mails queued now (0: none crossed, all queued before, turned off, or no basis). */
  queued: number[];
  /** The spend at which the next threshold is crossed; null: nothing more this period. */
  nextAt: bigint | null;
  cap: bigint | null;
  spent: bigint;
  nextResetAt: Date;
}

/**
 * Queues the mail of every threshold this period's spending has reached and whose mail is not
 * queued yet. Idempotent and safe concurrently (the outbox key); null without a token account.
 */
export async function checkUsageAlerts(db: Db, userId: string): Promise<UsageAlertCheck | null> {
  const [settings, limit, summary] = await Promise.all([
    readUsageAlerts(db, userId),
    readSpendLimit(db, userId),
    accountSummary(db, userId),
  ]);
  if (!limit || !summary) return null;
  const result: UsageAlertCheck = {
    queued: [],
    nextAt: null,
    cap: limit.cap,
    spent: limit.spent,
    nextResetAt: limit.nextResetAt,
  };
  const base = settings.basis === "cap" ? limit.cap : summary.periodAllowance;
  if (base === null || base <= 0n || settings.thresholds.length === 0) return result;
  const reached = settings.thresholds.filter((percent) => limit.spent >= thresholdSpend(base, percent));
  const next = settings.thresholds.find((percent) => limit.spent < thresholdSpend(base, percent));
  result.nextAt = next === undefined ? null : thresholdSpend(base, next);
  if (reached.length === 0) return result;
  if (!(await wants(db, userId, "usage_alert"))) return { ...result, nextAt: null };
  const to = (await db.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email;
  if (!to) return result;
  for (const percent of reached) {
    const queued = await enqueueMail(db, {
      to,
      userId,
      template: "usage_alert",
      data: {
        percent,
        basis: settings.basis,
        spent: Number(limit.spent / MILLITOKENS_PER_TOKEN),
        of: Math.max(1, Number(base / MILLITOKENS_PER_TOKEN)),
        resetsAt: limit.nextResetAt.toISOString(),
      },
      idempotencyKey: usageAlertKey(userId, limit.periodStart, percent),
    });
    if (queued) result.queued.push(percent);
  }
  return result;
}

/** How long a remembered "next threshold" is trusted without a query. */
export const USAGE_ALERT_MEMO_MS = 60_000;
const MEMO_MAX = 50_000;

interface Memo {
  nextAt: bigint | null;
  cap: bigint | null;
  spent: bigint;
  nextResetAt: number;
  at: number;
}

const memos = new Set<Map<string, Memo>>();

/** Forgets what every notifier of this process remembers of a user (their settings changed). */
export function forgetUsageAlertMemo(userId: string): void {
  for (const memo of memos) memo.delete(userId);
}

export interface UsageAlertNotifierOptions {
  db(): Db;
  /** After a mail was queued (the app's sendSoon). */
  queued(): void;
  failed(error: unknown): void;
  now?(): number;
}

/** The onSettled listener the app's metering wrapper is given (lib/ai/metered.ts). Never throws. */
export function usageAlertNotifier(options: UsageAlertNotifierOptions) {
  const now = options.now ?? Date.now;
  const memo = new Map<string, Memo>();
  memos.add(memo);
  return {
    onSettled({ userId, spend }: { userId: string; spend?: { cap: bigint | null; spent: bigint } }): void {
      if (!spend) return; // a release: nothing was spent
      const t = now();
      const known = memo.get(userId);
      if (
        known &&
        t < known.nextResetAt &&
        t - known.at < USAGE_ALERT_MEMO_MS &&
        known.cap === spend.cap &&
        spend.spent >= known.spent &&
        (known.nextAt === null || spend.spent < known.nextAt)
      )
        return;
      void checkUsageAlerts(options.db(), userId)
        .then((check) => {
          if (!check) return;
          if (memo.size >= MEMO_MAX) memo.clear();
          memo.set(userId, {
            nextAt: check.nextAt,
            cap: check.cap,
            spent: check.spent,
            nextResetAt: check.nextResetAt.getTime(),
            at: t,
          });
          if (check.queued.length > 0) options.queued();
        })
        .catch(options.failed);
    },
  };
}
