// The transaction history as CSV (RFC 4180): one header line, one line per ledger row, CRLF line
// ends, every field that needs it quoted. Token amounts are exact — millitokens / 1000 with three
// decimals, computed in integers — so a spreadsheet sums them to the balance. Text fields that a
// spreadsheet would run as a formula (a leading = + - @ or tab) are prefixed with ' (CSV injection);
// numeric fields are ours and never are.
import { formatTokensExact } from "../format";
import type { LedgerRow } from "../tokens/ledger";
import { describeParts, featureTitle, totalDelta, type PlanNameResolver } from "./describe";

/** UTF-8 byte order mark: spreadsheet programs then read "−" and "·" as UTF-8. */
export const CSV_BOM = "\uFEFF";

export const CSV_COLUMNS = [
  "date_utc",
  "kind",
  "description",
  "feature",
  "model",
  "input_tokens",
  "output_tokens",
  "change_tokens",
  "allowance_change_tokens",
  "purchased_change_tokens",
  "allowance_after_tokens",
  "purchased_after_tokens",
  "shortfall_tokens",
  "provider_cost_usd",
  "reference",
  "id",
] as const;

/** One field: quoted when it contains a comma, a quote, a line break or edge spaces; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A free-text field: like csvField, but a formula-looking start is neutralised first. */
export function csvText(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.join(",")}\r\n`;
}

export function csvHeader(): string {
  return csvLine(CSV_COLUMNS);
}

/** Micro-dollars → dollars with six decimals, in integers ("0.004600"). */
function microUsd(value: bigint | null): string {
  if (value === null) return "";
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? "-" : ""}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}

function count(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : "";
}

export function csvRow(row: LedgerRow, planName: PlanNameResolver): string {
  const { title, details } = describeParts(row, planName);
  const usage = row.usage;
  return csvLine([
    row.createdAt.toISOString(),
    csvField(row.kind),
    csvText([title, ...details].join(" · ")),
    row.feature ? csvText(featureTitle(row.feature)) : "",
    typeof usage?.model === "string" ? csvText(usage.model) : "",
    count(usage?.inputTokens),
    count(usage?.outputTokens),
    formatTokensExact(totalDelta(row)),
    formatTokensExact(row.allowanceDelta),
    formatTokensExact(row.purchasedDelta),
    formatTokensExact(row.allowanceAfter),
    formatTokensExact(row.purchasedAfter),
    formatTokensExact(row.shortfall),
    microUsd(row.costMicroUsd),
    row.sourceRef ? csvText(row.sourceRef) : "",
    row.id.toString(),
  ]);
}

/** "tollgate-token-history-2026-03-01.csv" (the UTC day of the export), with the filter when one is set. */
export function csvFileName(now: Date, filter: { kind?: string; feature?: string } = {}): string {
  const suffix = [filter.kind, filter.feature].filter(Boolean).join("-");
  return `tollgate-token-history-${now.toISOString().slice(0, 10)}${suffix ? `-${suffix}` : ""}.csv`;
}
