// The locale and time zone of the request being rendered: the signed-in user's stored choice, else
// the one negotiated from Accept-Language (and UTC). Read once per request (React cache): the
// next-intl request config (i18n/request.ts), server actions and pages all call it.
import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { currentUser } from "../auth/session";
import { db } from "../db/client";
import { DEFAULT_TIME_ZONE, isLocale, isTimeZone, type Locale } from "./config";
import { negotiateLocale } from "./negotiate";

export interface RequestLocale {
  locale: Locale;
  timeZone: string;
}

/** The locale negotiated from this request's Accept-Language alone (sign-up stores it on the user). */
export async function negotiatedRequestLocale(): Promise<Locale> {
  return negotiateLocale((await headers()).get("accept-language"));
}

export const requestLocale = cache(async (): Promise<RequestLocale> => {
  const user = await currentUser();
  const stored = user ? await userLocale(user.id) : null;
  return {
    locale: stored?.locale ?? (await negotiatedRequestLocale()),
    timeZone: stored?.timeZone ?? DEFAULT_TIME_ZONE,
  };
});

/** A user's stored locale (null: not chosen yet) and time zone; a value no longer valid falls back. */
export async function userLocale(userId: string): Promise<{ locale: Locale | null; timeZone: string } | null> {
  const row = await db().user.findUnique({ where: { id: userId }, select: { locale: true, timeZone: true } });
  if (!row) return null;
  return {
    locale: isLocale(row.locale) ? row.locale : null,
    timeZone: isTimeZone(row.timeZone) ? row.timeZone : DEFAULT_TIME_ZONE,
  };
}
