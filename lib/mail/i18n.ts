// The language of a mail. Mails are rendered outside any React request (the cron, an after-commit
// kick, a script), so they use next-intl's core `createTranslator` with the UI's own catalogues
// (messages/<locale>.json, namespace "mail") instead of the request-scoped getTranslations.
//
// Which language and time zone: the recipient's stored choice (users.locale, users.time_zone),
// else the locale negotiated at the request that caused the mail (sign-up, "forgot password"), else
// English; the time zone falls back to UTC. It is decided once, when the mail is queued, and
// stored on the outbox row (lib/mail/outbox.ts says why).
import { createTranslator } from "next-intl";
import en from "../../messages/en.json";
import fr from "../../messages/fr.json";
import type { DbTx } from "../db/connect";
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, isLocale, isTimeZone, type Locale } from "../i18n/config";
import type { Messages } from "../i18n/messages";
import { formatCount } from "../format";

/** The language and time zone one mail is rendered in. */
export interface MailLocale {
  locale: Locale;
  timeZone: string;
}

export const DEFAULT_MAIL_LOCALE: MailLocale = { locale: DEFAULT_LOCALE, timeZone: DEFAULT_TIME_ZONE };

const CATALOGUES: Record<Locale, Messages> = { en, fr };

/**
 * A translator for the "mail" namespace in `locale`. A message missing from the catalogue throws
 * (the parity test keeps that from happening) rather than sending its key as text.
 */
export function mailTranslator({ locale, timeZone }: MailLocale) {
  return createTranslator({
    locale,
    timeZone,
    messages: CATALOGUES[locale],
    namespace: "mail",
    onError: (error) => {
      throw error;
    },
  });
}

export type MailTranslator = ReturnType<typeof mailTranslator>;

/** The product name of an AI feature ("chat" → "Coach chat"), or the key itself for one the UI does not name. */
export function featureTitle(feature: string, locale: Locale): string {
  const features = CATALOGUES[locale].features as Record<string, { title?: string } | undefined>;
  return Object.hasOwn(features, feature) ? (features[feature]?.title ?? feature) : feature;
}

/**
 * The recipient's language and time zone, read in `tx`: the stored choice of `userId` when it is
 * still valid, else `requested` (the locale negotiated at the causing request), else English / UTC.
 */
export async function mailLocaleFor(
  tx: DbTx,
  userId: string | undefined,
  requested: Locale | undefined,
): Promise<MailLocale> {
  const user = userId
    ? await tx.user.findUnique({ where: { id: userId }, select: { locale: true, timeZone: true } })
    : null;
  const stored = user?.locale;
  return {
    locale: isLocale(stored) ? stored : (requested ?? DEFAULT_LOCALE),
    timeZone: user && isTimeZone(user.timeZone) ? user.timeZone : DEFAULT_TIME_ZONE,
  };
}

/** A row's stored language, checked again at send time (a row written by hand, or a locale since removed). */
export function storedMailLocale(locale: string, timeZone: string): MailLocale {
  return {
    locale: isLocale(locale) ? locale : DEFAULT_LOCALE,
    timeZone: isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE,
  };
}

/**
 * The ICU arguments of a whole number of tokens in `locale`: `amount` as shown ("1 234" in French,
 * "1,234" in English) and `count`, the same number, for the plural of the unit.
 */
export function tokenArgs(count: number, locale: Locale): { amount: string; count: number } {
  return { amount: formatCount(count, locale), count };
}
