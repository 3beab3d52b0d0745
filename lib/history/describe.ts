// A ledger row in words, for the transaction history and its CSV export:
//   "Meal analyzer · gpt-5-mini · 1,234 in / 210 out · −4.6 tokens"
//   "Pro plan allowance · +3,000 tokens"
// Pure: the plan names come from a resolver built from the pricing versions (see plans.ts), the
// feature titles from the AI registry. Nothing here reads the database.
import { aiFeature, isFeatureSlug } from "../ai/registry";
import { formatCount, formatSignedTokens, formatTokensWithUnit, DEFAULT_LOCALE } from "../format";
import type { LedgerRow, TransactionKind, UsageBreakdown } from "../tokens/ledger";

/** The plan whose monthly allowance a grant row gave, by (pricing version, amount); null if none fits. */
export type PlanNameResolver = (pricingVersion: number | null, allowanceMillitokens: bigint) => string | null;

export interface RowDescription {
  /** What happened: "Meal analyzer", "Pro plan allowance", "Adjustment by admin: goodwill". */
  title: string;
  /** What it consisted of: model and counts, a shortfall. May be empty. */
  details: string[];
  /** The signed total change: "−4.6 tokens". */
  amount: string;
  /** Everything joined with " · ", as one line of text. */
  text: string;
}

/** The kinds in words, for the history filter and the CSV. */
export const KIND_LABEL: Record<TransactionKind, string> = {
  consume: "AI usage",
  grant_allowance: "Plan allowance",
  grant_pack: "Token pack",
  grant_free: "Free tokens",
  expire_allowance: "Expired allowance",
  refund: "Refund",
  clawback: "Clawback",
  adjustment: "Adjustment",
};

type DescribedRow = Pick<
  LedgerRow,
  | "kind"
  | "allowanceDelta"
  | "purchasedDelta"
  | "shortfall"
  | "feature"
  | "usage"
  | "reason"
  | "pricingVersion"
  | "sourceType"
>;

/** The signed change of a row over both buckets, in millitokens. */
export function totalDelta(row: Pick<LedgerRow, "allowanceDelta" | "purchasedDelta">): bigint {
  return row.allowanceDelta + row.purchasedDelta;
}

export function describeRow(row: DescribedRow, planName: PlanNameResolver, locale = DEFAULT_LOCALE): RowDescription {
  const { title, details } = parts(row, planName, locale);
  const amount = formatSignedTokens(totalDelta(row), locale);
  return { title, details, amount, text: [title, ...details, amount].join(" · ") };
}

/** "Meal analyzer"; an unknown (retired) feature keeps its slug; no feature at all is "AI usage". */
export function featureTitle(feature: string | null): string {
  if (!feature) return KIND_LABEL.consume;
  return isFeatureSlug(feature) ? aiFeature(feature).title : feature;
}

function parts(row: DescribedRow, planName: PlanNameResolver, locale: string): { title: string; details: string[] } {
  const reason = row.reason?.trim() || null;
  switch (row.kind) {
    case "consume": {
      const details = usageDetails(row.usage, locale);
      if (row.shortfall > 0n) details.push(`${formatTokensWithUnit(row.shortfall, locale)} not covered`);
      return { title: featureTitle(row.feature), details };
    }
    case "grant_allowance": {
      const upgrade = reason?.match(/^upgrade to (.+)$/i);
      if (upgrade) return { title: `Upgrade to ${upgrade[1]}: extra allowance`, details: [] };
      if (reason?.startsWith("Dispute won")) return { title: reason, details: [] }; // lib/billing/clawback.ts
      const name = planName(row.pricingVersion, row.allowanceDelta);
      return { title: name ? `${name} plan allowance` : "Plan allowance", details: [] };
    }
    case "grant_pack":
      // Billing records the pack's name as the reason ("Starter pack").
      return { title: reason ?? "Token pack", details: [] };
    case "grant_free":
      return { title: "Monthly free tokens", details: [] };
    case "expire_allowance":
      return { title: "Unused allowance expired", details: [] };
    case "clawback": {
      const details = reason ? [reason] : [];
      if (row.shortfall > 0n) details.push(`${formatTokensWithUnit(row.shortfall, locale)} could not be taken back`);
      return { title: "Refund clawback", details };
    }
    case "refund":
      return { title: reason ? `Refund: ${reason}` : "Refund", details: [] };
    case "adjustment": {
      const details =
        row.shortfall > 0n ? [`${formatTokensWithUnit(row.shortfall, locale)} could not be deducted`] : [];
      return { title: reason ? `Adjustment by admin: ${reason}` : "Adjustment by admin", details };
    }
  }
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * The model and what it used, in the shapes the cost engine records (lib/tokens/cost/cost.ts
 * ledgerUsage): text and vision (input/output tokens), images, transcription (seconds), realtime
 * (text and audio tokens), and a request of several calls.
 */
export function usageDetails(usage: UsageBreakdown | null, locale = DEFAULT_LOCALE): string[] {
  if (!usage) return [];
  const details: string[] = [];
  const count = (n: number) => formatCount(n, locale);
  if (typeof usage.model === "string" && usage.model) details.push(usage.model);
  const calls = num(usage.calls);
  if (calls !== null && calls > 1) details.push(`${count(calls)} calls`);

  const images = num(usage.images);
  const seconds = num(usage.seconds);
  const input = num(usage.inputTokens);
  const output = num(usage.outputTokens);
  const audioIn = num(usage.audioInputTokens);
  const audioOut = num(usage.audioOutputTokens);
  if (images !== null) {
    const size = typeof usage.size === "string" ? ` ${usage.size}` : "";
    const quality = typeof usage.quality === "string" ? ` ${usage.quality}` : "";
    details.push(`${count(images)} ${images === 1 ? "image" : "images"}${size}${quality}`);
  }
  if (seconds !== null) {
    // Billed per whole second: show what was billed when recorded, else the duration rounded up.
    const billed = num(usage.billedSeconds) ?? Math.ceil(seconds);
    details.push(`${count(billed)} s of audio`);
  }
  if (input !== null || output !== null) {
    const text = `${count(input ?? 0)} in / ${count(output ?? 0)} out`;
    details.push(audioIn !== null || audioOut !== null ? `text ${text}` : text);
  }
  if (audioIn !== null || audioOut !== null)
    details.push(`audio ${count(audioIn ?? 0)} in / ${count(audioOut ?? 0)} out`);
  return details;
}
