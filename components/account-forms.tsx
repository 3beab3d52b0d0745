"use client";
// The account-recovery forms ("forgot password", "choose a new password"): server actions passed in
// by their pages, field-level errors (worded by the actions), usable without JavaScript.
import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Field, FormError, Submit } from "./form-parts";

/** What a recovery action answers: a form-level error, field errors, or done. */
export interface AccountFormState {
  error?: string;
  fieldErrors?: Partial<Record<"email" | "password", string>>;
  /** What was typed, shown again after a refusal (React resets a form once its action settles). */
  values?: Partial<Record<"email", string>>;
  done?: boolean;
}

export type AccountFormAction = (prev: AccountFormState, formData: FormData) => Promise<AccountFormState>;

export function ForgotPasswordForm({ action }: { action: AccountFormAction }) {
  const [state, formAction] = useActionState(action, {});
  const t = useTranslations("auth.forgotPassword");
  const form = useTranslations("auth.form");
  if (state.done) {
    return (
      <p role="status" className="text-sm text-zinc-700">
        {t("sent")}
      </p>
    );
  }
  return (
    <form action={formAction} noValidate className="space-y-4">
      <FormError message={state.error} />
      <Field
        name="email"
        label={form("email")}
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Submit>{t("submit")}</Submit>
      <p className="text-center text-sm text-zinc-700">
        <Link href="/sign-in" className="font-medium text-brand-700 underline-offset-2 hover:underline">
          {t("back")}
        </Link>
      </p>
    </form>
  );
}

export function ResetPasswordForm({ action, token }: { action: AccountFormAction; token: string }) {
  const [state, formAction] = useActionState(action, {});
  const t = useTranslations("auth.resetPassword");
  return (
    <form action={formAction} noValidate className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <FormError message={state.error} />
      <Field
        name="password"
        label={t("password")}
        type="password"
        autoComplete="new-password"
        error={state.fieldErrors?.password}
        hint={t("hint")}
      />
      <Submit>{t("submit")}</Submit>
      {state.error && (
        <p className="text-center text-sm">
          <Link href="/forgot-password" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            {t("newLink")}
          </Link>
        </p>
      )}
    </form>
  );
}
