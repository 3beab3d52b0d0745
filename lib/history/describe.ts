// A ledger row in words, for the transaction history and its CSV export:
//   "Meal analyzer · gpt-5-mini · 1,234 in / 210 out · −4.6 tokens"
//   "Pro plan allowance · +3,000 tokens"
// The words are the messages of the "history.row" namespace (messages/<locale>.json): the page passes
// the user's translator and locale, the CSV and the admin pages get English (the default). Pure: the
// plan names come from a resolver built from the pricing versions (see plans.ts), the feature titles
// from the catalogue's "features" namespace. Nothing here reads the database.
import { createTranslator } from "use-intl/core";
import en from "../../messages/en.json";
import { isFeatureSlug } from "../ai/registry";
import { DEFAULT_LOCALE, formatCount, formatTokens, MINUS, shownTokens } from "../format";
import type { LedgerRow, TransactionKind, UsageBreakdown } from "../tokens/ledger";

/** The plan whose monthly allowance a grant row gave, by (pricing version, amount); null if none fits. */
export type PlanNameResolver = (pricingVersion: number | null, allowanceMillitokens: bigint) => string | null;

const english = createTranslator({ locale: "en", messages: en });

/** A translator over the whole catalogue (next-intl's `useTranslations()` / `getTranslations()`). */
export type HistoryTranslator = typeof english;

/** How rows are put into words: the translator and the locale its numbers are formatted in. */
export interface HistoryWords {
  t: HistoryTranslator;
  locale: string;
}

/** English with en-US numbers: the CSV, the admin pages and the defaults. */
export const ENGLISH_WORDS: HistoryWords = { t: english, locale: DEFAULT_LOCALE };

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

/** The kinds in words (English), for the CSV and the admin pages; the UI reads history.kind.<kind>. */
export const KIND_LABEL = Object.fromEntries(
  Object.keys(en.history.kind).map((kind) => [kind, english(`history.kind.${kind as TransactionKind}`)]),
) as Record<TransactionKind, string>;

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

export function describeRow(
  row: DescribedRow,
  planName: PlanNameResolver,
  words: HistoryWords = ENGLISH_WORDS,
): RowDescription {
  const { title, details } = parts(row, planName, words);
  const amount = signedTokens(totalDelta(row), words);
  return { title, details, amount, text: [title, ...details, amount].join(" · ") };
}

/** What happened and what it consisted of, without the amount (the CSV has its own exact columns). */
export function describeParts(
  row: DescribedRow,
  planName: PlanNameResolver,
  words: HistoryWords = ENGLISH_WORDS,
): Pick<RowDescription, "title" | "details"> {
  return parts(row, planName, words);
}

/** "Meal analyzer"; an unknown (retired) feature keeps its slug; no feature at all is "AI usage". */
export function featureTitle(feature: string | null, { t }: HistoryWords = ENGLISH_WORDS): string {
  if (!feature) return t("history.kind.consume");
  return isFeatureSlug(feature) ? t(`features.${feature}.title`) : feature;
}

/**
 * A ledger delta with its sign and unit: "+100 tokens", "−4.6 tokens", "0 tokens". A change too small
 * to show at one decimal keeps its sign ("−0 tokens" would mislead) by showing "<0.1".
 */
function signedTokens(mt: bigint, { t, locale }: HistoryWords): string {
  if (mt === 0n) return t("history.row.amount", { sign: "", amount: formatTokens(0n, locale), count: 0 });
  const abs = mt < 0n ? -mt : mt;
  const sign = mt < 0n ? MINUS : "+";
  // Rounds to 0.0 at one decimal: say it is a non-zero amount below a tenth.
  if (abs < 50n) return t("history.row.amountBelow", { sign, amount: formatTokens(100n, locale), count: 0.1 });
  return t("history.row.amount", { sign, amount: formatTokens(abs, locale), count: shownTokens(abs) });
}

/** "500 tokens" in the words' language. */
function tokens(mt: bigint, { t, locale }: HistoryWords): string {
  return t("common.tokensWithUnit", { amount: formatTokens(mt, locale), count: shownTokens(mt) });
}

/** Reasons billing records in English (lib/billing: clawback.ts, effects.ts, plan-change.ts), in words. */
function knownReason(reason: string, { t }: HistoryWords): string {
  const match = /^(pack|subscription) payment (refunded|disputed)$/.exec(reason);
  if (match) return t("history.row.paymentReason", { what: match[1]!, how: match[2]! });
  if (reason === "Dispute won: allowance given back") return t("history.row.disputeWon", { what: "allowance" });
  if (reason === "Dispute won: pack tokens given back") return t("history.row.disputeWon", { what: "pack" });
  return reason;
}

function parts(row: DescribedRow, planName: PlanNameResolver, words: HistoryWords) {
  const { t } = words;
  const reason = row.reason?.trim() || null;
  const shortfall = (key: "notCovered" | "notTakenBack" | "notDeducted") =>
    row.shortfall > 0n ? [t(`history.row.${key}`, { tokens: tokens(row.shortfall, words) })] : [];
  switch (row.kind) {
    case "consume":
      return {
        title: featureTitle(row.feature, words),
        details: [...usageDetails(row.usage, words), ...shortfall("notCovered")],
      };
    case "grant_allowance": {
      const upgrade = reason?.match(/^upgrade to (.+)$/i);
      if (upgrade) return { title: t("history.row.upgrade", { plan: upgrade[1]! }), details: [] };
      if (reason?.startsWith("Dispute won")) return { title: knownReason(reason, words), details: [] };
      const name = planName(row.pricingVersion, row.allowanceDelta);
      return {
        title: name ? t("history.row.planAllowance", { plan: name }) : t("history.kind.grant_allowance"),
        details: [],
      };
    }
    case "grant_pack": {
      // Billing records the pack's name as the reason ("Starter pack").
      const pack = reason?.match(/^(.+) pack$/);
      if (pack) return { title: t("history.row.pack", { name: pack[1]! }), details: [] };
      return { title: reason ? knownReason(reason, words) : t("history.kind.grant_pack"), details: [] };
    }
    case "grant_free":
      return { title: t("history.row.free"), details: [] };
    case "expire_allowance":
      return { title: t("history.row.expired"), details: [] };
    case "clawback":
      return {
        title: t("history.row.clawback"),
        details: [...(reason ? [knownReason(reason, words)] : []), ...shortfall("notTakenBack")],
      };
    case "refund":
      return { title: reason ? t("history.row.refundFor", { reason }) : t("history.kind.refund"), details: [] };
    case "adjustment":
      return {
        title: reason ? t("history.row.adjustmentFor", { reason }) : t("history.row.adjustment"),
        details: shortfall("notDeducted"),
      };
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
export function usageDetails(usage: UsageBreakdown | null, words: HistoryWords = ENGLISH_WORDS): string[] {
  if (!usage) return [];
  const { t, locale } = words;
  const details: string[] = [];
  const count = (n: number) => formatCount(n, locale);
  if (typeof usage.model === "string" && usage.model) details.push(usage.model);
  const calls = num(usage.calls);
  if (calls !== null && calls > 1) details.push(t("history.row.calls", { count: count(calls), n: calls }));

  const images = num(usage.images);
  const seconds = num(usage.seconds);
  const input = num(usage.inputTokens);
  const output = num(usage.outputTokens);
  const audioIn = num(usage.audioInputTokens);
  const audioOut = num(usage.audioOutputTokens);
  if (images !== null) {
    // Size and quality are the provider's own words ("1024x1024", "medium"), shown as recorded.
    const spec = [usage.size, usage.quality].filter((v): v is string => typeof v === "string").join(" ");
    const values = { count: count(images), n: images, spec };
    details.push(spec ? t("history.row.imagesWith", values) : t("history.row.images", values));
  }
  if (seconds !== null) {
    // Billed per whole second: show what was billed when recorded, else the duration rounded up.
    details.push(t("history.row.audioSeconds", { count: count(num(usage.billedSeconds) ?? Math.ceil(seconds)) }));
  }
  const io = (a: number | null, b: number | null) => ({ input: count(a ?? 0), output: count(b ?? 0) });
  if (input !== null || output !== null) {
    const audio = audioIn !== null || audioOut !== null;
    details.push(t(audio ? "history.row.textInOut" : "history.row.inOut", io(input, output)));
  }
  if (audioIn !== null || audioOut !== null) details.push(t("history.row.audioInOut", io(audioIn, audioOut)));
  return details;
}
