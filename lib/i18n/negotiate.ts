// Picks the UI locale from an Accept-Language header: `negotiator` parses the header (q-values,
// wildcards) and `@formatjs/intl-localematcher` finds the best translated locale by BCP 47 best fit,
// the pair next-intl itself uses. Pure: no request, no cookies.
import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "./config";

/** "fr-CH,fr;q=0.9,en;q=0.8" → "fr"; nothing we translate (or no header, or garbage) → "en". */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } })
    .languages()
    .filter((tag) => tag !== "*" && isWellFormed(tag));
  if (requested.length === 0) return DEFAULT_LOCALE;
  return match(requested, [...LOCALES], DEFAULT_LOCALE) as Locale;
}

function isWellFormed(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
