// A user's language and region: the UI locale and the time zone dates are shown in. Validated
// here (zod), so the server action only parses the form, checks the session and calls this.
import { z } from "zod";
import type { Db } from "../db/client";
import { isTimeZone, LOCALES, type Locale } from "./config";

export const localePreferencesSchema = z.object({
  locale: z.enum(LOCALES, { error: `Choose a language: one of ${LOCALES.join(", ")}.` }),
  timeZone: z
    .string()
    .trim()
    .min(1, "Choose a time zone.")
    .refine(isTimeZone, { error: (issue) => `Unknown time zone "${String(issue.input)}": choose one from the list.` }),
});

export type LocalePreferences = { locale: Locale; timeZone: string };

export type SavePreferencesResult =
  { ok: true; preferences: LocalePreferences } | { ok: false; field: "locale" | "timeZone"; message: string };

/** Validates and stores the preferences of `userId` (the caller has checked the session). */
export async function saveLocalePreferences(db: Db, userId: string, input: unknown): Promise<SavePreferencesResult> {
  const parsed = localePreferencesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: issue.path[0] === "locale" ? "locale" : "timeZone", message: issue.message };
  }
  await db.user.update({ where: { id: userId }, data: parsed.data });
  return { ok: true, preferences: parsed.data };
}
