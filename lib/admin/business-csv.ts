// The monthly business report as CSV: one figure per line (section, item, metric, value), integer
// units named in the metric (cents, micro-dollars, basis points), so a spreadsheet sums them exactly.
// The cost reconciliation rows (last 30 days, as on the page) have item "<day> <model>".
import { csvLine, csvText } from "../history/csv";
import type { BusinessReport, MarginRow } from "./business";

export const BUSINESS_CSV_COLUMNS = ["section", "item", "metric", "value"] as const;

export function businessCsvFileName(month: string): string {
  return `tollgate-business-${month}.csv`;
}

function marginLines(m: MarginRow): string[][] {
  return [
    ["margin", m.segment, "revenue_cents", m.revenueCents.toString()],
    ["margin", m.segment, "provider_cost_micro_usd", m.costMicroUsd.toString()],
    ["margin", m.segment, "provider_cost_eur_cents", m.costCents.toString()],
    ["margin", m.segment, "gross_margin_eur_cents", m.marginCents.toString()],
    ["margin", m.segment, "gross_margin_basis_points", m.marginBasisPoints?.toString() ?? ""],
  ];
}

export function businessCsv(r: BusinessReport): string {
  const rows: string[][] = [
    ["report", r.month, "eur_per_usd", r.rate.text],
    ["report", r.month, "pricing_version", String(r.pricingVersion)],
    ["subscriptions", "all", "active", String(r.activeSubscriptions)],
    ["subscriptions", "all", "mrr_cents", r.mrrCents.toString()],
    ["subscriptions", "all", "pending_cancellations", String(r.pendingCancellations)],
    ...r.plans.flatMap((p) => [
      ["subscriptions", p.planId, "active", String(p.activeSubscriptions)],
      ["subscriptions", p.planId, "past_due", String(p.pastDue)],
      ["subscriptions", p.planId, "mrr_cents", p.mrrCents.toString()],
    ]),
    ...r.churn.map((c) => ["churn", c.month, "canceled", String(c.canceled)]),
    ["packs", "all", "revenue_cents", r.packRevenueCents.toString()],
    ...r.packs.flatMap((p) => [
      ["packs", p.packId, "sold", String(p.sold)],
      ["packs", p.packId, "revenue_cents", p.revenueCents.toString()],
    ]),
    ...r.byFeature.flatMap((f) => [
      ["consumption_by_feature", f.key, "calls", String(f.calls)],
      ["consumption_by_feature", f.key, "cost_micro_usd", f.costMicroUsd.toString()],
    ]),
    ...r.byModel.flatMap((f) => [
      ["consumption_by_model", f.key, "calls", String(f.calls)],
      ["consumption_by_model", f.key, "cost_micro_usd", f.costMicroUsd.toString()],
    ]),
    ...[...r.margins, r.total].flatMap(marginLines),
    ...r.topUsers.map((u) => ["top_users", u.email, "cost_micro_usd", u.costMicroUsd.toString()]),
    ["ledger", "all", "users_checked", String(r.ledger.usersChecked)],
    ["ledger", "all", "mismatches", String(r.ledger.mismatches.length)],
    ["reservations", "all", "held", String(r.reservationsHeld)],
    ...r.reconciliation.flatMap((c) => {
      const item = `${c.day} ${c.model}`;
      return [
        ["cost_reconciliation", item, "ours_micro_usd", c.oursMicroUsd.toString()],
        ["cost_reconciliation", item, "theirs_micro_usd", c.theirsMicroUsd.toString()],
        ["cost_reconciliation", item, "difference_micro_usd", c.differenceMicroUsd.toString()],
        ["cost_reconciliation", item, "difference_basis_points", c.differenceBp?.toString() ?? ""],
        ["cost_reconciliation", item, "theirs_source", c.theirsSource],
        ["cost_reconciliation", item, "flagged_above_1_percent", c.flagged ? "1" : "0"],
      ];
    }),
  ];
  return [csvLine(BUSINESS_CSV_COLUMNS), ...rows.map((row) => csvLine(row.map(csvText)))].join("");
}
