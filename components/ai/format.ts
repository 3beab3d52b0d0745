// Token amounts as the AI pages show them: exact to the millitoken (3 decimals), so a charge on the
// page and the balance in the sidebar can be compared; in the user's number format. Client-safe.
import { numberFormat } from "@/lib/format";

export function formatTokenAmount(tokens: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 3 }).format(tokens);
}

/** Tokens (a number with up to 3 decimals) → integer millitokens, for data attributes and checks. */
export function toMillitokens(tokens: number): number {
  return Math.round(tokens * 1000);
}
