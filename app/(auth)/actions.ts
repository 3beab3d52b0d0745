"use server";
// Server actions of the sign-up and sign-in forms. Input is validated with the shared schemas and
// errors come back as form state, in the user's language, so the form shows them next to the fields.
import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { signInSchema, signUpSchema } from "@/lib/auth/schemas";
import { signUpWithPassword } from "@/lib/auth/users";
import { sendSoon } from "@/lib/mail/deliver";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { negotiatedRequestLocale } from "@/lib/i18n/request-locale";
import type { AuthFormState } from "@/components/auth-form";
import { formMessages, waitArgs } from "./form-messages";

function text(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
}

function fieldErrors(error: z.ZodError, words: (issue: z.core.$ZodIssue) => string): AuthFormState["fieldErrors"] {
  const errors: NonNullable<AuthFormState["fieldErrors"]> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if ((field === "name" || field === "email" || field === "password") && !errors[field]) errors[field] = words(issue);
  }
  return errors;
}

/** The client IP for the per-IP limits (only through a trusted proxy; see lib/http/client-ip.ts). */
async function requestIp(): Promise<string | null> {
  return clientIp(await headers(), env().TRUSTED_PROXY_HOPS);
}

export async function signUpAction(_prev: AuthFormState, formData: FormData): Promise<AuthFormState> {
  const values = { name: text(formData, "name"), email: text(formData, "email") };
  const parsed = signUpSchema.safeParse({ ...values, password: text(formData, "password") });
  const { t, issue } = await formMessages();
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error, issue), values };

  // Counted per IP and in total before the password is hashed (lib/auth/attempt-limits.ts).
  const result = await signUpWithPassword(db(), parsed.data, {
    appUrl: env().APP_URL,
    attempt: { clientIp: await requestIp() },
    locale: await negotiatedRequestLocale(),
  });
  if (!result.ok) {
    const key = result.scope === "ip" ? "limits.signUpNetwork" : "limits.signUp";
    return { error: t(key, waitArgs(result.retryAfterSeconds)), values };
  }
  // A new address and a taken one get the same answer (lib/auth/users.ts): check your inbox.
  sendSoon();
  redirect(`/check-inbox?email=${encodeURIComponent(parsed.data.email)}`);
}

export async function signInAction(_prev: AuthFormState, formData: FormData): Promise<AuthFormState> {
  const values = { email: text(formData, "email") };
  const parsed = signInSchema.safeParse({ email: values.email, password: text(formData, "password") });
  const { t, issue } = await formMessages();
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error, issue), values };
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallbackPath(formData.get("callbackUrl")),
    });
    return {};
  } catch (error) {
    // lib/auth/index.ts: `throttled:<seconds>` (this e-mail) or `rate_limited:<seconds>` (IP or total).
    const [kind, seconds] = error instanceof CredentialsSignin ? error.code.split(":") : [];
    if (kind === "throttled" || kind === "rate_limited") {
      const key = kind === "throttled" ? "limits.signInEmail" : "limits.signIn";
      return { error: t(key, waitArgs(Number(seconds) || 60)), values };
    }
    if (error instanceof AuthError) return { error: t("form.credentials"), values };
    throw error; // Next's redirect after a successful sign-in
  }
}

export async function oauthSignInAction(formData: FormData): Promise<void> {
  const provider = z.enum(["github", "google"]).safeParse(formData.get("provider"));
  if (!provider.success) return;
  await signIn(provider.data, { redirectTo: safeCallbackPath(formData.get("callbackUrl")) });
}
