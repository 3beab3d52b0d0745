// Display formatting of tokens, money and dates, in one place. Client-safe (no server imports).
// Tokens are shown as millitokens / 1000 with at most one decimal below 100 and none above, so
// "4.6 tokens" and "12,500 tokens" both read naturally.

export const DEFAULT_LOCALE = "en-US";

/** Millitokens (bigint, or a decimal string / number as sent to the browser) → "1,234" / "4.6". */
export function formatTokens(millitokens: bigint | number | string, locale = DEFAULT_LOCALE): string {
  const mt = BigInt(millitokens);
  const negative = mt < 0n;
  const abs = negative ? -mt : mt;
  // Round half up to 0.1 token (100 millitokens) exactly, in integers.
  const tenths = (abs + 50n) / 100n;
  const big = abs >= 100_000n;
  const value = big ? Number((abs + 500n) / 1000n) : Number(tenths) / 10;
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: big ? 0 : 1 }).format(value);
  return negative && value !== 0 ? `−${text}` : text;
}

/** Integer cents → "€9.00" (locale-aware), never via floats beyond the final display. */
export function formatMoney(cents: number, currency = "eur", locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

/** Price per 1,000 tokens, e.g. 900 cents for 1,000 tokens → "€9.00"; 9900 for 35,000 → "€2.83". */
export function formatPricePer1000Tokens(priceCents: number, tokens: number, currency = "eur", locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format((priceCents * 1000) / tokens / 100);
}

export function formatDate(date: Date | string, locale = DEFAULT_LOCALE): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(date));
}
