// The monthly usage report as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when
// they contain a comma, quote or line break). Exact: micro-dollars and millitokens become decimal
// strings by integer arithmetic, never through a float. A field that a spreadsheet would run as a
// formula (starting with =, +, -, @, tab or CR) is prefixed with an apostrophe — the feature and
// model names are data that should never execute when the file is opened.
import type { ReportLine, UsageReport } from "./report";

export const REPORT_COLUMNS = [
  "date",
  "feature",
  "model",
  "calls",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "audio_input_tokens",
  "audio_output_tokens",
  "images",
  "seconds",
  "cost_usd",
  "tokens_charged",
] as const;

/** An integer amount of 10^-scale units as an exact decimal string: (1234n, 6) → "0.001234". */
export function fixedDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Micro-dollars → dollars, exact: 4_600n → "0.004600". */
export const microUsdToUsd = (microUsd: bigint) => fixedDecimal(microUsd, 6);

/** Millitokens → tokens, exact: 4_600n → "4.600". */
export const millitokensToTokenString = (millitokens: bigint) => fixedDecimal(millitokens, 3);

/** One CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A text field (a name, not a figure): neutralised when a spreadsheet would read it as a formula. */
export function csvText(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

const figures = (line: ReportLine): string[] => [
  line.calls.toString(),
  line.inputTokens.toString(),
  line.cachedInputTokens.toString(),
  line.outputTokens.toString(),
  line.audioInputTokens.toString(),
  line.audioOutputTokens.toString(),
  line.images.toString(),
  line.seconds,
  microUsdToUsd(line.costMicroUsd),
  millitokensToTokenString(line.charged),
];

/** The report as CSV: a header, one line per day × feature × model (oldest first), and a total line. */
export function usageReportCsv(report: UsageReport): string {
  const lines: string[] = [REPORT_COLUMNS.join(",")];
  for (const row of report.rows) {
    lines.push([csvText(row.day), csvText(row.feature), csvText(row.model), ...figures(row).map(csvField)].join(","));
  }
  lines.push([csvText(`total ${report.month}`), "", "", ...figures(report.totals).map(csvField)].join(","));
  return lines.join("\r\n") + "\r\n";
}

/** The file name offered for download. */
export function usageReportFileName(month: string): string {
  return `tollgate-usage-${month}.csv`;
}
