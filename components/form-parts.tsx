"use client";
// The pieces every form of the app is made of: a labelled field with its hint or error (wired to
// aria-invalid / aria-describedby), the form-level error, and a submit button that is disabled
// while its server action runs.
import { useTranslations } from "next-intl";
import { useFormStatus } from "react-dom";

export function Field({
  name,
  id = name,
  label,
  type,
  autoComplete,
  error,
  defaultValue,
  required = true,
  hint,
}: {
  name: string;
  /** Default: the name (give one when a page has two fields of one name). */
  id?: string;
  label: React.ReactNode;
  type: string;
  autoComplete: string;
  error?: string;
  defaultValue?: string;
  required?: boolean;
  hint?: string;
}) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={(error ? errorId : hint ? hintId : "") || undefined}
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

const SUBMIT_STYLES = {
  /** The one action of an auth page: full width, the brand colour. */
  primary: "w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700",
  /** An action among others on a settings page. */
  secondary: "rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-800",
  /** An action that cannot be undone. */
  danger: "rounded-md bg-red-700 px-3 py-2 text-sm font-medium text-white hover:bg-red-800",
} as const;

export function Submit({
  children,
  variant = "primary",
}: {
  children: React.ReactNode;
  variant?: keyof typeof SUBMIT_STYLES;
}) {
  const { pending } = useFormStatus();
  const t = useTranslations("common");
  return (
    <button type="submit" disabled={pending} className={`${SUBMIT_STYLES[variant]} disabled:opacity-60`}>
      {pending ? t("pleaseWait") : children}
    </button>
  );
}
