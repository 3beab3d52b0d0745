// Usage statistics of a user's consume rows: daily series by feature and by model, this period's
// use and the run-out forecast, and the monthly report (as data and as CSV). Read-only SQL over the
// daily roll-up `usage_daily` (and, for a span's partial days, `token_transactions`), always scoped
// to one user; day buckets are UTC calendar days.
export { dailyUsage, type DailyUsage, type UsageSeries, type UsageDimension } from "./daily";
export { periodUsage, type PeriodUsage } from "./period";
export {
  forecastRunOut,
  forecastWindow,
  dailyAverage,
  FORECAST_WINDOW_DAYS,
  type Forecast,
  type ForecastWindow,
} from "./forecast";
export { monthlyUsageReport, type UsageReport, type ReportRow, type ReportLine } from "./report";
export {
  usageReportCsv,
  usageReportFileName,
  microUsdToUsd,
  millitokensToTokenString,
  fixedDecimal,
  csvField,
  csvText,
  REPORT_COLUMNS,
} from "./csv";
export { parseReportMonth, reportMonthSchema, type ParsedMonth } from "./month";
export { DAY_MS, lastDays, monthBounds, monthsBetween, utcDay, utcMonth, startOfUtcDay } from "./days";
export { parseUsageRange, USAGE_RANGES, type UsageRange } from "./range";
export { reportMonths, REPORT_MONTHS_LIMIT } from "./months";
