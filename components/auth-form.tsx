"use client";
// The sign-in and sign-up forms: server actions with field-level errors, usable without JavaScript.
import Link from "next/link";
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
/** What a sign-in or sign-up action answers: a form-level error, field errors, values to keep. */
export interface AuthFormState {
  error?: string;
  fieldErrors?: Partial<Record<"name" | "email" | "password", string>>;
  values?: { name?: string; email?: string };
}

/** A server action the page passes in (components never import app/). */
export type AuthFormAction = (prev: AuthFormState, formData: FormData) => Promise<AuthFormState>;

type Action = AuthFormAction;

function Field({
  name,
  label,
  type,
  autoComplete,
  error,
  defaultValue,
  required = true,
  hint,
}: {
  name: string;
  label: string;
  type: string;
  autoComplete: string;
  error?: string;
  defaultValue?: string;
  required?: boolean;
  hint?: string;
}) {
  const errorId = `${name}-error`;
  const hintId = `${name}-hint`;
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <input
        id={name}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? errorId : "", hint ? hintId : ""].filter(Boolean).join(" ") || undefined}
        className="mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-zinc-900 shadow-xs aria-invalid:border-red-600"
      />
      {hint && !error && (
        <p id={hintId} className="mt-1 text-xs text-zinc-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

function Submit({ children }: { children: React.ReactNode }) {
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

export function AuthForm({
  mode,
  action,
  callbackUrl,
}: {
  mode: "sign-in" | "sign-up";
  action: Action;
  callbackUrl: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const signUp = mode === "sign-up";
  return (
    <form action={formAction} noValidate className="space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {state.error && (
        <p
          role="alert"
          data-testid="form-error"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {state.error}
        </p>
      )}
      {signUp && (
        <Field
          name="name"
          label="Name (optional)"
          type="text"
          autoComplete="name"
          required={false}
          defaultValue={state.values?.name}
          error={state.fieldErrors?.name}
        />
      )}
      <Field
        name="email"
        label="E-mail"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete={signUp ? "new-password" : "current-password"}
        error={state.fieldErrors?.password}
        hint={signUp ? "At least 8 characters." : undefined}
      />
      {!signUp && (
        <p className="-mt-2 text-right text-sm">
          <Link href="/forgot-password" className="text-brand-700 underline-offset-2 hover:underline">
            Forgot your password?
          </Link>
        </p>
      )}
      <Submit>{signUp ? "Create account" : "Sign in"}</Submit>
      <p className="text-center text-sm text-zinc-700">
        {signUp ? "Already have an account? " : "New to Tollgate? "}
        <Link
          href={`${signUp ? "/sign-in" : "/sign-up"}?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          className="font-medium text-brand-700 underline-offset-2 hover:underline"
        >
          {signUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </form>
  );
}
