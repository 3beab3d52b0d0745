"use server";
// Server actions of the signed-in shell. Each checks the session itself (an action is reachable
// without its page).
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import type { ResendState } from "@/components/verify-email-banner";
import { signOut } from "@/lib/auth";
import { resendVerificationMail } from "@/lib/auth/email-verification";
import { currentUser } from "@/lib/auth/session";
import { revokeSessions } from "@/lib/auth/session-version";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { sendSoon } from "@/lib/mail/deliver";

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}

/** Ends every session of the user, on every device, this one included. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  await revokeSessions(db(), user.id);
  await signOut({ redirectTo: "/sign-in?notice=signed_out_everywhere" });
}

/** The shell's "send the mail again" (at most one per 10 minutes: lib/auth/email-verification.ts). */
export async function resendVerificationAction(): Promise<ResendState> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  const result = await resendVerificationMail(db(), user.id, env().APP_URL);
  const t = await getTranslations("verifyEmail");
  if (result.ok) {
    sendSoon();
    return { message: t("sent", { email: user.email }) };
  }
  if (result.reason === "verified") return { message: t("alreadyVerified") };
  return { message: t("tooSoon", { minutes: Math.ceil(result.retryAfterSeconds / 60) }) };
}
