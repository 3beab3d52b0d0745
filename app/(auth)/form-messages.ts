// The words of the account forms' answers, in the request's language (the signed-in user's choice,
// else Accept-Language: i18n/request.ts). lib/ answers with codes (lib/auth/schemas.ts,
// attempt-limits.ts, the flows' reasons); the server actions turn them into messages here.
import "server-only";
import { getTranslations } from "next-intl/server";
import { formErrorCode } from "@/lib/auth/schemas";

/** The "errors" translator, and a schema issue's words (errors.form.<code>). */
export async function formMessages() {
  const t = await getTranslations("errors");
  return { t, issue: (issue: { message: string } | undefined) => t(`form.${formErrorCode(issue)}`) };
}

/** The ICU arguments of a wait, as the limits word it: seconds under 90 s, else whole minutes (rounded up). */
export function waitArgs(seconds: number): { unit: "second" | "minute"; count: number } {
  const s = Math.max(1, Math.ceil(seconds));
  return s < 90 ? { unit: "second", count: s } : { unit: "minute", count: Math.ceil(s / 60) };
}

/** A wait in whole minutes, at least one (the `minutes` argument of errors.limits.*). */
export const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
