// Cost reconciliation: what the ledger charged for a UTC day against what the provider billed for
// it, per model, stored in `cost_reconciliations` (one row per day and model; re-running a day
// replaces its rows in one transaction).
//
// Which figure is which (docs/PRICES.md "Reconciliation"):
// - ours: the sum of that day's `consume` rows' cost_micro_usd, grouped by the model the ledger
//   recorded (`usage.model`, the model the provider answered, a dated snapshot for chat).
// - theirs: the Costs API's amounts (bucket_width=1d, group_by=line_item). The spec types
//   `line_item` as an opaque string; OpenAI's bills name it "<model>, <kind>" (e.g.
//   "gpt-5-mini-2025-08-07, cached input"), so a line item is attributed to the model before its
//   last ", ". A line item of another form is not guessed at: it goes to the row "(unattributed)".
//   Only for a model that no line item names but the Usage API reports tokens for, theirs is those
//   tokens at the catalogue's list prices (theirs_source "usage"): it then checks our token counts
//   and our overrides, not the catalogue's price itself, and the row says so.
// - difference = ours − theirs (µ$), percent in basis points of theirs, rounded half away from zero.
//   A row is flagged when |difference| is above 1% of theirs (or theirs is 0 and ours is not).
import { z } from "zod";
import type { Db as PrismaClient, DbTx } from "../db/client";
import type { ProviderBill } from "../ai/provider-bill";
import { priceCall } from "../tokens/cost";
import { roundDiv } from "./business";

export const UNATTRIBUTED = "(unattributed)";
/** Above this share of theirs (in basis points) a row is flagged: 1%. */
export const FLAG_ABOVE_BP = 100;

export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day as YYYY-MM-DD, e.g. 2026-12-01")
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "is not a calendar day",
  );

export function dayStart(day: string): Date {
  return new Date(`${daySchema.parse(day)}T00:00:00Z`);
}

/** Yesterday (UTC): the last day whose bill is complete, what the daily cron reconciles. */
export function yesterday(now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1)).toISOString().slice(0, 10);
}

/** The model a Costs API line item names ("<model>, <kind>"), or null when it has another form. */
export function lineItemModel(lineItem: string | null): { model: string; kind: string } | null {
  const match = lineItem === null ? null : /^(.+), ([^,]+)$/.exec(lineItem.trim());
  return match ? { model: match[1]!.trim(), kind: match[2]!.trim() } : null;
}

/** (ours − theirs) ÷ theirs in basis points, exactly rounded; null when theirs is 0. */
export function differenceBasisPoints(ours: bigint, theirs: bigint): number | null {
  if (theirs === 0n) return null;
  return Number(roundDiv((ours - theirs) * 10_000n, theirs < 0n ? -theirs : theirs));
}

export function isFlagged(row: { oursMicroUsd: bigint; theirsMicroUsd: bigint; differenceBp: number | null }): boolean {
  if (row.differenceBp === null) return row.oursMicroUsd !== row.theirsMicroUsd;
  // > 1% exactly: |ours − theirs| × 10000 > 100 × |theirs| (the rounded bp could hide 1.004%).
  const diff = row.oursMicroUsd - row.theirsMicroUsd;
  const abs = (v: bigint) => (v < 0n ? -v : v);
  return abs(diff) * 10_000n > BigInt(FLAG_ABOVE_BP) * abs(row.theirsMicroUsd);
}

export interface ReconciliationRow {
  day: string;
  model: string;
  oursMicroUsd: bigint;
  theirsMicroUsd: bigint;
  differenceMicroUsd: bigint;
  differenceBp: number | null;
  theirsSource: "costs" | "usage" | "none";
  flagged: boolean;
  detail: {
    // cacheWriteInputTokens: absent in rows stored before cache writes were counted.
    ours: {
      calls: number;
      inputTokens: number;
      cachedInputTokens: number;
      cacheWriteInputTokens?: number;
      outputTokens: number;
    };
    theirs: {
      requests: number;
      inputTokens: number;
      cachedInputTokens: number;
      cacheWriteInputTokens?: number;
      outputTokens: number;
      images: number;
      seconds: number;
    } | null;
    /** Line items attributed to the model: kind → µ$ (decimal string). */
    lines: Record<string, string>;
  };
}

interface OursRow {
  model: string;
  calls: number;
  costMicroUsd: bigint;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  cacheWriteInputTokens: bigint;
  outputTokens: bigint;
}

async function oursByModel(tx: DbTx, start: Date, end: Date): Promise<OursRow[]> {
  return tx.$queryRaw<OursRow[]>`
    SELECT coalesce(usage->>'model', '(unknown)') AS model, count(*)::int AS calls,
           coalesce(sum(cost_micro_usd), 0)::bigint AS "costMicroUsd",
           coalesce(sum((usage->>'inputTokens')::bigint), 0)::bigint AS "inputTokens",
           coalesce(sum((usage->>'cachedInputTokens')::bigint), 0)::bigint AS "cachedInputTokens",
           -- recorded only when the provider reported it (a call without it was billed as all written)
           coalesce(sum((usage->>'cacheWriteInputTokens')::bigint), 0)::bigint AS "cacheWriteInputTokens",
           coalesce(sum((usage->>'outputTokens')::bigint), 0)::bigint AS "outputTokens"
    FROM token_transactions
    WHERE kind = 'consume' AND created_at >= ${start} AND created_at < ${end}
    GROUP BY 1 ORDER BY 1`;
}

/** Usage API tokens of a text model at the catalogue's list prices (no overrides), or null. */
function listPriceOf(model: string, u: ProviderBill["usage"][number]): bigint | null {
  if (u.inputTokens === 0 && u.outputTokens === 0) return null;
  try {
    // The Usage API always counts cache writes (0 when none), so the count is a reported one.
    const usage = {
      kind: "text",
      inputTokens: u.inputTokens,
      cachedInputTokens: u.cachedInputTokens,
      cacheWriteInputTokens: u.cacheWriteInputTokens,
      outputTokens: u.outputTokens,
    } as const;
    return priceCall(model, usage).cost;
  } catch {
    return null;
  }
}

/** The day's rows from the ledger and the provider's bill (pure but for the ledger read). */
export async function reconciliationRows(tx: DbTx, day: string, bill: ProviderBill): Promise<ReconciliationRow[]> {
  const start = dayStart(day);
  const ours = await oursByModel(tx, start, new Date(start.getTime() + 86_400_000));
  const lines = new Map<string, Record<string, bigint>>();
  for (const line of bill.costs) {
    const named = lineItemModel(line.lineItem);
    const model = named?.model ?? UNATTRIBUTED;
    const kind = named?.kind ?? line.lineItem ?? "(no line item)";
    const byKind = lines.get(model) ?? {};
    byKind[kind] = (byKind[kind] ?? 0n) + line.microUsd;
    lines.set(model, byKind);
  }
  const usage = new Map(bill.usage.map((u) => [u.model, u]));
  const models = [...new Set([...ours.map((o) => o.model), ...lines.keys(), ...usage.keys()])].sort(); // code-unit order
  return models.map((model): ReconciliationRow => {
    const o = ours.find((r) => r.model === model);
    const u = usage.get(model);
    const byKind = lines.get(model);
    let theirs = 0n;
    let source: ReconciliationRow["theirsSource"] = "none";
    if (byKind) {
      theirs = Object.values(byKind).reduce((s, v) => s + v, 0n);
      source = "costs";
    } else if (u) {
      const listed = listPriceOf(model, u);
      if (listed !== null) {
        theirs = listed;
        source = "usage";
      }
    }
    const oursMicroUsd = o?.costMicroUsd ?? 0n;
    const differenceBp = differenceBasisPoints(oursMicroUsd, theirs);
    return {
      day,
      model,
      oursMicroUsd,
      theirsMicroUsd: theirs,
      differenceMicroUsd: oursMicroUsd - theirs,
      differenceBp,
      theirsSource: source,
      flagged: isFlagged({ oursMicroUsd, theirsMicroUsd: theirs, differenceBp }),
      detail: {
        ours: {
          calls: o?.calls ?? 0,
          inputTokens: Number(o?.inputTokens ?? 0n),
          cachedInputTokens: Number(o?.cachedInputTokens ?? 0n),
          cacheWriteInputTokens: Number(o?.cacheWriteInputTokens ?? 0n),
          outputTokens: Number(o?.outputTokens ?? 0n),
        },
        theirs: u
          ? {
              requests: u.requests,
              inputTokens: u.inputTokens,
              cachedInputTokens: u.cachedInputTokens,
              cacheWriteInputTokens: u.cacheWriteInputTokens,
              outputTokens: u.outputTokens,
              images: u.images,
              seconds: u.seconds,
            }
          : null,
        lines: Object.fromEntries(Object.entries(byKind ?? {}).map(([k, v]) => [k, v.toString()])),
      },
    };
  });
}

/**
 * Replaces the day's stored rows with `rows` in one transaction, so a re-run never leaves a mix.
 * Runs of the same day are serialised by a transaction-level advisory lock on the day: concurrent
 * runs (the cron and a hand run) each finish, the last one's rows stand.
 */
export async function storeReconciliation(client: PrismaClient, day: string, rows: ReconciliationRow[]): Promise<void> {
  const date = dayStart(day);
  await client.$transaction(async (t) => {
    await t.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`cost_reconciliation:${day}`}))`;
    await t.costReconciliation.deleteMany({ where: { day: date } });
    if (rows.length === 0) return;
    await t.costReconciliation.createMany({
      data: rows.map((r) => ({
        day: date,
        model: r.model,
        oursMicroUsd: r.oursMicroUsd,
        theirsMicroUsd: r.theirsMicroUsd,
        differenceMicroUsd: r.differenceMicroUsd,
        differenceBp: r.differenceBp,
        theirsSource: r.theirsSource,
        detail: r.detail,
      })),
    });
  });
}

export type ReconciliationReport =
  | { configured: false; day: string; message: string }
  | {
      configured: true;
      day: string;
      rows: number;
      flagged: string[];
      models: Array<Record<string, string | number | boolean | null>>;
    };

/** The setup hint shown wherever reconciliation is not configured. */
export const SETUP_HINT =
  "Set OPENAI_ADMIN_KEY to an OpenAI admin key (sk-admin-…, created by an organization owner at https://platform.openai.com/settings/organization/admin-keys) to reconcile the ledger against OpenAI's Usage and Costs APIs.";

/**
 * Reconciles one day: reads the provider's bill (readBill), compares it with the ledger and stores
 * the day's rows. Without an admin key nothing is read or written and the report says so.
 */
export async function reconcileDay(
  client: PrismaClient,
  day: string,
  {
    adminKey,
    readBill,
  }: { adminKey: string | undefined; readBill: (start: Date, adminKey: string) => Promise<ProviderBill> },
): Promise<ReconciliationReport> {
  daySchema.parse(day);
  if (!adminKey) return { configured: false, day, message: `Cost reconciliation is not configured. ${SETUP_HINT}` };
  const bill = await readBill(dayStart(day), adminKey);
  const rows = await reconciliationRows(client, day, bill);
  await storeReconciliation(client, day, rows);
  return {
    configured: true,
    day,
    rows: rows.length,
    flagged: rows.filter((r) => r.flagged).map((r) => r.model),
    models: rows.map((r) => ({
      model: r.model,
      oursMicroUsd: r.oursMicroUsd.toString(),
      theirsMicroUsd: r.theirsMicroUsd.toString(),
      differenceMicroUsd: r.differenceMicroUsd.toString(),
      differenceBp: r.differenceBp,
      theirsSource: r.theirsSource,
      flagged: r.flagged,
    })),
  };
}

/** The stored rows of the last `days` days up to `until` (inclusive), newest day first. */
export async function recentReconciliations(
  tx: DbTx,
  { days = 30, until = new Date() }: { days?: number; until?: Date } = {},
): Promise<ReconciliationRow[]> {
  const last = new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate()));
  const first = new Date(last.getTime() - (days - 1) * 86_400_000);
  const stored = await tx.costReconciliation.findMany({ where: { day: { gte: first, lte: last } } });
  // Sorted here, not by the database's collation (which may ignore the "(" of "(unattributed)").
  stored.sort((a, b) => b.day.getTime() - a.day.getTime() || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return stored.map((r) => ({
    day: r.day.toISOString().slice(0, 10),
    model: r.model,
    oursMicroUsd: r.oursMicroUsd,
    theirsMicroUsd: r.theirsMicroUsd,
    differenceMicroUsd: r.differenceMicroUsd,
    differenceBp: r.differenceBp,
    theirsSource: r.theirsSource as ReconciliationRow["theirsSource"],
    flagged: isFlagged(r),
    detail: r.detail as ReconciliationRow["detail"],
  }));
}
