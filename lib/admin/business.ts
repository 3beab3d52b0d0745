// The business figures of the admin console, for one calendar month (UTC).
//
// Where each figure comes from (decisions):
// - MRR and active subscriptions: today's `user_subscriptions` with status active or past_due (a
//   past-due subscription is still billed; Stripe's own MRR counts it too) × the plan's price in
//   the ACTIVE pricing version (a plan retired from the catalogue: the newest version that has it).
//   It is a snapshot of now, also when an earlier month is reported.
// - Churn: subscriptions whose `canceled_at` falls in each of the last 12 months up to the month;
//   pending = active subscriptions set to cancel at the period's end.
// - Pack revenue: the month's `grant_pack` ledger rows × the price of that pack in the pricing
//   version the row names (the version the checkout was priced with). The ledger is our own,
//   append-only record of every sold pack; refunds are not netted (they show as clawback rows).
// - Consumption: the month's `consume` rows, `cost_micro_usd` (exact provider cost, µ$).
// - Gross margin: each consume row's cost is split by the bucket it was taken from. The part taken
//   from the purchased bucket is pack cost; the rest (allowance part and any shortfall) is the cost
//   of the user's plan — or of the free tier for a user without an active subscription. Revenue per
//   plan = its MRR; packs = the month's pack revenue; free = 0.
// - Cost reconciliation: the stored rows of the last 30 days up to today (whatever the month), ours
//   against the provider's bill per day and model (lib/admin/reconciliation.ts).
// - Money: revenue in € cents, cost in µ$ converted at a EUR-per-USD rate given as a decimal. All
//   arithmetic is exact: amounts are kept as integers in units of 1/(rate denominator × 10⁴) cent,
//   and only the figures shown are rounded (half away from zero) at the very end.
import type { DbTx } from "../db/client";
import { planById } from "../billing/catalog";
import { verifyLedger, type VerifyResult } from "../tokens/ledger";
import { getActivePricing, parsePricingRow, type PricingConfig } from "../tokens/pricing-config";
import {
  currentMonth,
  microUsdToEur,
  monthBounds,
  monthSchema,
  rateSchema,
  roundDiv,
  roundedCents,
  centsToExact,
  type ExactEur,
  type Rate,
} from "./business-money";
import { recentReconciliations, type ReconciliationRow } from "./reconciliation";

export * from "./business-money";

// ─── The report ────────────────────────────────────────────────────────────────────────────

export interface PlanFigures {
  planId: string;
  name: string;
  priceCents: number;
  activeSubscriptions: number;
  pastDue: number;
  pendingCancel: number;
  mrrCents: bigint;
}

export interface PackFigures {
  packId: string;
  name: string;
  sold: number;
  revenueCents: bigint;
}

export interface ConsumptionRow {
  key: string;
  calls: number;
  costMicroUsd: bigint;
}

export interface MarginRow {
  /** A plan id, "packs" or "free". */
  segment: string;
  name: string;
  revenueCents: bigint;
  costMicroUsd: bigint;
  /** Cost in € cents, rounded for display. */
  costCents: bigint;
  /** Revenue − cost, exactly, and rounded to cents. */
  margin: ExactEur;
  marginCents: bigint;
  /** Margin / revenue in basis points (rounded); null without revenue. */
  marginBasisPoints: bigint | null;
}

export interface TopUser {
  userId: string;
  email: string;
  calls: number;
  costMicroUsd: bigint;
}

export interface BusinessReport {
  month: string;
  rate: Rate;
  pricingVersion: number;
  currency: string;
  plans: PlanFigures[];
  activeSubscriptions: number;
  mrrCents: bigint;
  churn: { month: string; canceled: number }[];
  pendingCancellations: number;
  packs: PackFigures[];
  packRevenueCents: bigint;
  byFeature: ConsumptionRow[];
  byModel: ConsumptionRow[];
  providerCostMicroUsd: bigint;
  margins: MarginRow[];
  total: MarginRow;
  topUsers: TopUser[];
  ledger: VerifyResult;
  reservationsHeld: number;
  /** The stored cost reconciliation of the last 30 days up to today (not the month's): lib/admin/reconciliation.ts. */
  reconciliation: ReconciliationRow[];
}

function marginRow(segment: string, name: string, revenueCents: bigint, costMicroUsd: bigint, rate: Rate): MarginRow {
  const revenue = centsToExact(revenueCents, rate);
  const cost = microUsdToEur(costMicroUsd, rate);
  const margin = { units: revenue.units - cost.units, per: revenue.per };
  return {
    segment,
    name,
    revenueCents,
    costMicroUsd,
    costCents: roundedCents(cost),
    margin,
    marginCents: roundedCents(margin),
    marginBasisPoints: revenue.units === 0n ? null : roundDiv(margin.units * 10_000n, revenue.units),
  };
}

function lastMonths(month: string, count: number): string[] {
  const { start } = monthBounds(month);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - (count - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/** All the figures of `month`. Read-only; runs its queries on `tx` (pass a transaction for one snapshot). */
export async function businessReport(
  tx: DbTx,
  { month, rate, topUsers = 10 }: { month: string; rate: Rate; topUsers?: number },
): Promise<BusinessReport> {
  const { start, end } = monthBounds(month);
  const active = await getActivePricing(tx);
  const versions = new Map<number, PricingConfig>(
    (await tx.tokenPricingConfig.findMany()).map((row) => [row.version, parsePricingRow(row)] as const),
  );

  // Subscriptions by plan (billed statuses only).
  const subs = await tx.$queryRaw<{ planId: string; status: string; pendingCancel: boolean; n: number }[]>`
    SELECT plan_id AS "planId", status::text AS status, cancel_at_period_end AS "pendingCancel", count(*)::int AS n
    FROM user_subscriptions
    WHERE plan_id IS NOT NULL AND status::text IN ('active', 'past_due')
    GROUP BY 1, 2, 3`;
  const planIds = [...new Set([...active.plans.map((p) => p.id), ...subs.map((s) => s.planId)])];
  const plans: PlanFigures[] = [];
  for (const planId of planIds) {
    const found = active.plans.find((p) => p.id === planId) ?? (await planById(tx, planId))?.plan;
    const rows = subs.filter((s) => s.planId === planId);
    const count = rows.reduce((n, r) => n + r.n, 0);
    const priceCents = found?.priceCents ?? 0;
    plans.push({
      planId,
      name: found?.name ?? planId,
      priceCents,
      activeSubscriptions: count,
      pastDue: rows.filter((r) => r.status === "past_due").reduce((n, r) => n + r.n, 0),
      pendingCancel: rows.filter((r) => r.pendingCancel).reduce((n, r) => n + r.n, 0),
      mrrCents: BigInt(priceCents) * BigInt(count),
    });
  }

  // Churn: the last 12 months up to the reported one.
  const months = lastMonths(month, 12);
  const churnStart = monthBounds(months[0]!).start;
  const canceled = await tx.$queryRaw<{ month: string; n: number }[]>`
    SELECT to_char(date_trunc('month', canceled_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, count(*)::int AS n
    FROM user_subscriptions WHERE canceled_at >= ${churnStart} AND canceled_at < ${end} GROUP BY 1`;
  const churn = months.map((m) => ({ month: m, canceled: canceled.find((c) => c.month === m)?.n ?? 0 }));

  // Packs sold in the month, priced with the version each row names.
  const packRows = await tx.$queryRaw<{ version: number | null; amount: bigint; reason: string | null; n: number }[]>`
    SELECT pricing_version AS version, purchased_delta AS amount, reason, count(*)::int AS n
    FROM token_transactions
    WHERE kind = 'grant_pack' AND created_at >= ${start} AND created_at < ${end}
    GROUP BY 1, 2, 3`;
  const packs = new Map<string, PackFigures>();
  for (const row of packRows) {
    const pricing = (row.version !== null ? versions.get(row.version) : undefined) ?? active;
    const candidates = pricing.packs.filter((p) => BigInt(p.tokens) * 1000n === row.amount);
    const pack =
      candidates.length === 1
        ? candidates[0]
        : (candidates.find((p) => row.reason === `${p.name} pack`) ?? candidates[0]);
    const id = pack?.id ?? "unknown";
    const figures = packs.get(id) ?? { packId: id, name: pack?.name ?? "Unknown pack", sold: 0, revenueCents: 0n };
    figures.sold += row.n;
    figures.revenueCents += BigInt(pack?.priceCents ?? 0) * BigInt(row.n);
    packs.set(id, figures);
  }
  const packList = [...packs.values()].sort(
    (a, b) => Number(b.revenueCents - a.revenueCents) || a.packId.localeCompare(b.packId),
  );
  const packRevenueCents = packList.reduce((s, p) => s + p.revenueCents, 0n);

  // Consumption.
  const byFeature = await tx.$queryRaw<ConsumptionRow[]>`
    SELECT coalesce(feature, '(none)') AS key, count(*)::int AS calls, coalesce(sum(cost_micro_usd), 0)::bigint AS "costMicroUsd"
    FROM token_transactions WHERE kind = 'consume' AND created_at >= ${start} AND created_at < ${end}
    GROUP BY 1 ORDER BY 3 DESC, 1`;
  const byModel = await tx.$queryRaw<ConsumptionRow[]>`
    SELECT coalesce(usage->>'model', '(unknown)') AS key, count(*)::int AS calls, coalesce(sum(cost_micro_usd), 0)::bigint AS "costMicroUsd"
    FROM token_transactions WHERE kind = 'consume' AND created_at >= ${start} AND created_at < ${end}
    GROUP BY 1 ORDER BY 3 DESC, 1`;
  const providerCostMicroUsd = byFeature.reduce((s, r) => s + r.costMicroUsd, 0n);

  // Cost split by segment: the purchased part is pack cost, the rest is the plan's (or free tier's).
  const split = await tx.$queryRaw<{ planId: string | null; planCost: bigint; packCost: bigint }[]>`
    SELECT CASE WHEN s.status::text IN ('active', 'past_due') THEN s.plan_id END AS "planId",
           coalesce(sum(coalesce(t.cost_micro_usd, 0) + t.purchased_delta), 0)::bigint AS "planCost",
           coalesce(sum(-t.purchased_delta), 0)::bigint AS "packCost"
    FROM token_transactions t LEFT JOIN user_subscriptions s ON s.user_id = t.user_id
    WHERE t.kind = 'consume' AND t.created_at >= ${start} AND t.created_at < ${end}
    GROUP BY 1`;
  const planCost = (planId: string | null) => split.find((r) => r.planId === planId)?.planCost ?? 0n;
  const packCost = split.reduce((s, r) => s + r.packCost, 0n);
  const margins: MarginRow[] = [
    ...plans.map((p) => marginRow(p.planId, p.name, p.mrrCents, planCost(p.planId), rate)),
    marginRow("packs", "Packs", packRevenueCents, packCost, rate),
    marginRow("free", "Free tier", 0n, planCost(null), rate),
  ];
  const mrrCents = plans.reduce((s, p) => s + p.mrrCents, 0n);
  const total = marginRow("total", "Total", mrrCents + packRevenueCents, providerCostMicroUsd, rate);

  const top = await tx.$queryRaw<TopUser[]>`
    SELECT t.user_id AS "userId", u.email, count(*)::int AS calls, coalesce(sum(t.cost_micro_usd), 0)::bigint AS "costMicroUsd"
    FROM token_transactions t JOIN users u ON u.id = t.user_id
    WHERE t.kind = 'consume' AND t.created_at >= ${start} AND t.created_at < ${end}
    GROUP BY 1, 2 ORDER BY 4 DESC, 2 LIMIT ${topUsers}`;

  const ledger = await verifyLedger(tx);
  const reservationsHeld = await tx.tokenReservation.count({ where: { status: "held" } });

  return {
    month,
    rate,
    pricingVersion: active.version,
    currency: active.currency,
    plans,
    activeSubscriptions: plans.reduce((n, p) => n + p.activeSubscriptions, 0),
    mrrCents,
    churn,
    pendingCancellations: plans.reduce((n, p) => n + p.pendingCancel, 0),
    packs: packList,
    packRevenueCents,
    byFeature,
    byModel,
    providerCostMicroUsd,
    margins,
    total,
    topUsers: top,
    ledger,
    reservationsHeld,
    reconciliation: await recentReconciliations(tx, { days: 30 }),
  };
}

/**
 * The report's query (`month=YYYY-MM`, optional `rate`), shared by the page and the CSV route.
 * Without a month: the current one; without a rate: `defaultRate` (ADMIN_USD_TO_EUR).
 */
export function parseBusinessParams(
  params: URLSearchParams,
  { defaultRate, now = new Date() }: { defaultRate: string; now?: Date },
): { ok: true; month: string; rate: Rate } | { ok: false; field: "month" | "rate"; message: string } {
  const rawMonth = params.get("month") || currentMonth(now);
  const month = monthSchema.safeParse(rawMonth);
  if (!month.success) return { ok: false, field: "month", message: `month ${month.error.issues[0]!.message}` };
  const rate = rateSchema.safeParse(params.get("rate") || defaultRate);
  if (!rate.success) return { ok: false, field: "rate", message: `rate ${rate.error.issues[0]!.message}` };
  return { ok: true, month: month.data, rate: rate.data };
}
