"use client";
// The account-recovery forms ("forgot password", "choose a new password"): server actions passed in
// by their pages, field-level errors, usable without JavaScript.
import Link from "next/link";
import { useActionState } from "react";
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
  if (state.done) {
    return (
      <p role="status" className="text-sm text-zinc-700">
        If this address has an account, a link to choose a new password is on its way. It works for one hour.
      </p>
    );
  }
  return (
    <form action={formAction} noValidate className="space-y-4">
      <FormError message={state.error} />
      <Field
        name="email"
        label="E-mail"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Submit>Send the link</Submit>
      <p className="text-center text-sm text-zinc-700">
        <Link href="/sign-in" className="font-medium text-brand-700 underline-offset-2 hover:underline">
          Back to sign-in
        </Link>
      </p>
    </form>
  );
}

export function ResetPasswordForm({ action, token }: { action: AccountFormAction; token: string }) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <FormError message={state.error} />
      <Field
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        error={state.fieldErrors?.password}
        hint="At least 8 characters. Every other session is signed out."
      />
      <Submit>Set the new password</Submit>
      {state.error && (
        <p className="text-center text-sm">
          <Link href="/forgot-password" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            Ask for a new link
          </Link>
        </p>
      )}
    </form>
  );
}
