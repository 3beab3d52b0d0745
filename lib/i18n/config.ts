// The locales the UI is translated into and the time zones dates can be shown in. Client-safe: the
// language and region form, the server action that stores them and the request config share it.

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

/** What a visitor gets when nothing they accept is translated (and what the e2e browsers, en-US, get). */
export const DEFAULT_LOCALE: Locale = "en";

/** Each language named in itself, as a language select shows it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", fr: "Français" };

export const DEFAULT_TIME_ZONE = "UTC";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The IANA time zones this runtime can format in: "UTC" (which `Intl.supportedValuesOf` leaves out,
 * listing only canonical zones) followed by every zone Intl supports.
 */
export function supportedTimeZones(): string[] {
  return [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== DEFAULT_TIME_ZONE)];
}

export function isTimeZone(value: string): boolean {
  return supportedTimeZones().includes(value);
}
