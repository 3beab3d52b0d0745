"use client";
// The account-recovery forms ("forgot password", "choose a new password"): server actions passed in
// by their pages, field-level errors, usable without JavaScript.
import Link from "next/link";
import { useActionState } from "react";
import { useFormStatus } from "react-dom";

/** What a recovery action answers: a form-level error, field errors, or done. */
export interface AccountFormState {
  error?: string;
  fieldErrors?: Partial<Record<"email" | "password", string>>;
  /** What was typed, shown again after a refusal (React resets a form once its action settles). */
  values?: Partial<Record<"email", string>>;
  done?: boolean;
}

export type AccountFormAction = (prev: AccountFormState, formData: FormData) => Promise<AccountFormState>;

export const input =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-zinc-900 shadow-xs aria-invalid:border-red-600";

export function Submit({ children }: { children: React.ReactNode }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
    >
      {pending ? "Please wait…" : children}
    </button>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      data-testid="form-error"
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
    >
      {message}
    </p>
  );
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {message}
    </p>
  );
}

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
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-zinc-800">
          E-mail
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-invalid={state.fieldErrors?.email ? true : undefined}
          aria-describedby={state.fieldErrors?.email ? "email-error" : undefined}
          className={input}
        />
        <FieldError id="email-error" message={state.fieldErrors?.email} />
      </div>
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
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-zinc-800">
          New password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={state.fieldErrors?.password ? true : undefined}
          aria-describedby={state.fieldErrors?.password ? "password-error" : "password-hint"}
          className={input}
        />
        {state.fieldErrors?.password ? (
          <FieldError id="password-error" message={state.fieldErrors.password} />
        ) : (
          <p id="password-hint" className="mt-1 text-xs text-zinc-600">
            At least 8 characters. Every other session is signed out.
          </p>
        )}
      </div>
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
