// Display formatting of tokens, money, percentages and dates, in one place. Client-safe (no server
// imports), so server components, client components and the CSV export share one spelling.
//
// Every function takes the locale (and dates the time zone) explicitly: the UI passes the user's
// (next-intl's useLocale / useTimeZone, or getLocale / getTimeZone on the server), files and the
// admin pages pass DEFAULT_LOCALE and UTC. Nothing falls back silently to en-US.
//
// Tokens are shown as millitokens / 1000 with at most one decimal below 100 and none above, so
// "4.6 tokens" and "12,500 tokens" both read naturally. Token arithmetic stays in integers: a value
// becomes a float only for Intl's final rendering of an already-rounded amount. Money is formatted
// from integer minor units as an exact decimal string (Intl.NumberFormat formats a string without
// going through a double), so no amount is ever off by a rounding.

/** For files, logs and the admin pages (English only): the locale the product had before i18n. */
export const DEFAULT_LOCALE = "en-US";

/** The typographic minus used for negative amounts on screen ("−4.6"); CSV uses ASCII "-". */
export const MINUS = "\u2212";

type Millitokens = bigint | number | string;

// Intl formatters, one per (locale, options): constructing one costs ~10 µs and native (ICU) memory
// freed only when the garbage collector gets to it, and the history and its CSV export format a few
// numbers per row — 100,000 rows built and dropped 400,000 of them, the export's heap and resident
// memory grew with the row count. A formatter is immutable, so sharing one is safe. Bounded: the
// keys are a handful of locales × the fixed option sets below, but a locale is the caller's input.
const FORMATTER_CACHE_MAX = 256;
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function cachedFormatter<F extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  create: () => F,
): F {
  const hit = formatters.get(key);
  if (hit) return hit as F;
  const made = create();
  if (formatters.size >= FORMATTER_CACHE_MAX) formatters.clear();
  formatters.set(key, made);
  return made;
}

/** A shared Intl.NumberFormat for (locale, options). */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cachedFormatter(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

/** A shared Intl.DateTimeFormat for (locale, options). */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cachedFormatter(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

function relativeTimeFormat(locale: string, options: Intl.RelativeTimeFormatOptions): Intl.RelativeTimeFormat {
  return cachedFormatter(`r|${locale}|${JSON.stringify(options)}`, () => new Intl.RelativeTimeFormat(locale, options));
}

/** Millitokens (bigint, or a decimal string / number as sent to the browser) → "1,234" / "4.6". */
export function formatTokens(millitokens: Millitokens, locale: string): string {
  const mt = BigInt(millitokens);
  const negative = mt < 0n;
  const text = formatAbsoluteTokens(negative ? -mt : mt, locale);
  return negative && text !== formatAbsoluteTokens(0n, locale) ? `${MINUS}${text}` : text;
}

/**
 * Millitokens with one decimal at every size: "2,999.7", "3,000", "0.3". For detailed views (the
 * subscription page's buckets, the balance after each history row), where a small charge must
 * visibly change a large balance; compact views use formatTokens.
 */
export function formatTokensDetailed(millitokens: Millitokens, locale: string): string {
  const mt = BigInt(millitokens);
  const negative = mt < 0n;
  const abs = negative ? -mt : mt;
  const tenths = (abs + 50n) / 100n; // half up, in integers
  const text = numberFormat(locale, { maximumFractionDigits: 1 }).format(Number(tenths) / 10);
  return negative && tenths !== 0n ? `${MINUS}${text}` : text;
}

/**
 * Millitokens → "4.6 tokens" / "1 token" / "12,500 tokens" (the unit agrees with the shown number).
 * The unit is English: for files and admin pages; the UI uses the message common.tokensWithUnit.
 */
export function formatTokensWithUnit(millitokens: Millitokens, locale: string): string {
  const text = formatTokens(millitokens, locale);
  return `${text} ${isShownAsOne(millitokens) ? "token" : "tokens"}`;
}

/**
 * A ledger delta with its sign and unit: "+100 tokens", "−4.6 tokens", "0 tokens". A change too small
 * to show at one decimal keeps its sign ("−0 tokens" would mislead) by showing "< 0.1".
 */
export function formatSignedTokens(millitokens: Millitokens, locale: string): string {
  const mt = BigInt(millitokens);
  if (mt === 0n) return `${formatTokens(0n, locale)} tokens`;
  const abs = mt < 0n ? -mt : mt;
  const sign = mt < 0n ? MINUS : "+";
  if (abs < 50n) {
    // Rounds to 0.0 at one decimal: say it is a non-zero amount below a tenth.
    return `${sign}<${formatTokens(100n, locale)} tokens`;
  }
  return `${sign}${formatTokensWithUnit(abs, locale)}`;
}

/**
 * Exact token amount for files (CSV): millitokens / 1000 with exactly three decimals, ASCII minus,
 * no grouping — "-4.600", "1234.567". Pure integer arithmetic: never a float, never rounded.
 */
export function formatTokensExact(millitokens: Millitokens): string {
  const mt = BigInt(millitokens);
  const negative = mt < 0n;
  const abs = negative ? -mt : mt;
  const whole = abs / 1000n;
  const rest = (abs % 1000n).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${whole}.${rest}`;
}

/** A count in compact notation for tight spaces and chart axes: 1234 → "1.2K", 1250000 → "1.3M". */
export function formatCompactCount(value: number | bigint, locale: string): string {
  return numberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** A whole count with grouping: 1234 → "1,234". */
export function formatCount(value: number | bigint, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/**
 * Integer minor units (Stripe's amounts: cents for EUR, yen for JPY) → "€9.00" / "9,00 €". Exact:
 * the amount becomes the decimal string "9.00" with integer arithmetic (the currency's ISO minor
 * units, as Intl knows them) and Intl.NumberFormat formats that string as written, never a double.
 */
export function formatMoney(minorUnits: number | bigint, currency: string, locale: string): string {
  const format = numberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
  return format.format(decimalString(BigInt(minorUnits), format.resolvedOptions().maximumFractionDigits ?? 2));
}

/**
 * Price per 1,000 tokens, e.g. 900 cents for 1,000 tokens → "€9.00"; 9900 for 35,000 → "€2.83". A
 * ratio, so it is rounded once (half up, in integers, to a hundredth of the minor unit's place).
 */
export function formatPricePer1000Tokens(priceCents: number, tokens: number, currency: string, locale: string): string {
  const format = numberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // cents per 1,000 tokens = priceCents × 1000 / tokens, rounded half up to a whole cent: "2.83".
  const per1000 = (BigInt(priceCents) * 1000n * 2n + BigInt(tokens)) / (2n * BigInt(tokens));
  return format.format(decimalString(per1000, 2));
}

/** An integer amount of 10^-digits units as a decimal string: (-905n, 2) → "-9.05". */
function decimalString(amount: bigint, digits: number): `${number}` {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(digits);
  const fraction = digits === 0 ? "" : `.${(abs % scale).toString().padStart(digits, "0")}`;
  return `${negative ? "-" : ""}${abs / scale}${fraction}` as `${number}`;
}

/**
 * A fraction as a percentage: 0.423 → "42%" (or "42.3%" with one fraction digit). A part of a whole
 * given as bigints (millitokens) is taken exactly: formatPercent(used, allowance). Not a number
 * (no whole) → "—".
 */
export function formatPercent(fraction: number, locale: string, fractionDigits?: number): string;
export function formatPercent(part: bigint, whole: bigint, locale: string, fractionDigits?: number): string;
export function formatPercent(a: number | bigint, b?: bigint | string, c?: string | number, d?: number): string {
  let fraction: number;
  let locale: string;
  let digits: number;
  if (typeof a === "bigint") {
    const whole = b as bigint;
    if (whole === 0n) return "—";
    // Basis points in integers first (exact), then one float division for display.
    fraction = Number((a * 1_000_000n) / whole) / 1_000_000;
    locale = c as string;
    digits = d ?? 0;
  } else {
    fraction = a;
    locale = b as string;
    digits = (c as number | undefined) ?? 0;
  }
  if (!Number.isFinite(fraction)) return "—";
  return numberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(fraction);
}

/** The calendar day in `timeZone`: "Mar 1, 2026" / "1 mars 2026". */
export function formatDate(date: Date | string, locale: string, timeZone: string): string {
  return dateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(date));
}

/** Day and 24-hour time in `timeZone`, the zone named: "Mar 1, 2026, 14:05 UTC". */
export function formatDateTime(date: Date | string, locale: string, timeZone: string): string {
  return dateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
    timeZoneName: "short",
  }).format(new Date(date));
}

const DAY_MS = 86_400_000;

/**
 * A date relative to `now` in whole calendar days of `timeZone`: "today", "tomorrow", "in 12 days",
 * "yesterday", "3 days ago". Used next to an absolute date ("Resets Mar 1, 2026 · in 12 days").
 */
export function formatRelativeDay(date: Date | string, now: Date, locale: string, timeZone: string): string {
  const days = Math.round((zonedDay(new Date(date), timeZone) - zonedDay(now, timeZone)) / DAY_MS);
  return relativeTimeFormat(locale, { numeric: "auto" }).format(days, "day");
}

/** "Mar 1, 2026 (in 12 days)": the absolute date with its distance, for reset and renewal dates. */
export function formatDateWithRelative(date: Date | string, now: Date, locale: string, timeZone: string): string {
  return `${formatDate(date, locale, timeZone)} (${formatRelativeDay(date, now, locale, timeZone)})`;
}

/** "2026-03-01": the UTC day in ISO form, for file names. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The calendar day `date` falls on in `timeZone`, as the UTC midnight of that day (ms). */
function zonedDay(date: Date, timeZone: string): number {
  const parts = dateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" })
    .formatToParts(date)
    .reduce<Record<string, number>>((acc, part) => ({ ...acc, [part.type]: Number(part.value) }), {});
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!);
}

function formatAbsoluteTokens(abs: bigint, locale: string): string {
  // Below 100 tokens: round half up to 0.1 token (100 millitokens) exactly, in integers.
  // From 100 tokens: whole tokens, half up.
  const big = abs >= 100_000n;
  const value = big ? Number((abs + 500n) / 1000n) : Number((abs + 50n) / 100n) / 10;
  return numberFormat(locale, { maximumFractionDigits: big ? 0 : 1 }).format(value);
}

/**
 * The number formatTokens shows, as a number: the `count` of an ICU plural ("{count, plural, one
 * {token} other {tokens}}"), so the unit agrees with the figure in every language.
 */
export function shownTokens(millitokens: Millitokens): number {
  const mt = BigInt(millitokens);
  const abs = mt < 0n ? -mt : mt;
  return abs >= 100_000n ? Number((abs + 500n) / 1000n) : Number((abs + 50n) / 100n) / 10;
}

function isShownAsOne(millitokens: Millitokens): boolean {
  const mt = BigInt(millitokens);
  const abs = mt < 0n ? -mt : mt;
  return abs >= 950n && abs < 1_050n;
}
