"use client";
// The forms of Settings → Account that change the account itself: a new address (confirmed at that
// address), and deleting the account. Server actions passed in by the page; usable without JavaScript.
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { FieldError, FormError, input, type AccountFormAction } from "./account-forms";

function Button({ children, danger = false }: { children: React.ReactNode; danger?: boolean }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      className={`rounded-md px-3 py-2 text-sm font-medium text-white disabled:opacity-60 ${
        danger ? "bg-red-700 hover:bg-red-800" : "bg-zinc-900 hover:bg-zinc-800"
      }`}
    >
      {pending ? "Please wait…" : children}
    </button>
  );
}

function PasswordField({ id, label, error }: { id: string; label: string; error?: string }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <input
        id={id}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={input}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** The new address, and the current password when the account has one. */
export function ChangeEmailForm({ action, hasPassword }: { action: AccountFormAction; hasPassword: boolean }) {
  const [state, formAction] = useActionState(action, {});
  if (state.done) {
    return (
      <p role="status" data-testid="change-email-done" className="text-sm text-zinc-700">
        Check the new inbox: a link to confirm the address is on its way, and works for 24 hours. Until you follow it,
        you keep signing in with your current address. We also told your current address about the change.
      </p>
    );
  }
  return (
    <form action={formAction} noValidate className="max-w-sm space-y-3">
      <FormError message={state.error} />
      <div>
        <label htmlFor="new-email" className="block text-sm font-medium text-zinc-800">
          New e-mail address
        </label>
        <input
          id="new-email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={state.values?.email}
          aria-invalid={state.fieldErrors?.email ? true : undefined}
          aria-describedby={state.fieldErrors?.email ? "new-email-error" : undefined}
          className={input}
        />
        <FieldError id="new-email-error" message={state.fieldErrors?.email} />
      </div>
      {hasPassword ? (
        <PasswordField id="change-email-password" label="Current password" error={state.fieldErrors?.password} />
      ) : (
        <p className="text-xs text-zinc-600">
          You sign in with Google or GitHub and have no password, so your session is enough: no password is asked.
        </p>
      )}
      <Button>Change my address</Button>
    </form>
  );
}

/** "Delete my account": the password, or (without one) the address typed out. */
export function DeleteAccountForm({
  action,
  hasPassword,
  email,
}: {
  action: AccountFormAction;
  hasPassword: boolean;
  email: string;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="max-w-sm space-y-3">
      <FormError message={state.error} />
      {hasPassword ? (
        <PasswordField id="delete-password" label="Your password, to confirm" error={state.fieldErrors?.password} />
      ) : (
        <div>
          <label htmlFor="confirm-email" className="block text-sm font-medium text-zinc-800">
            Type your address ({email}) to confirm
          </label>
          <input
            id="confirm-email"
            name="confirmEmail"
            type="email"
            autoComplete="off"
            required
            aria-invalid={state.fieldErrors?.email ? true : undefined}
            aria-describedby={state.fieldErrors?.email ? "confirm-email-error" : undefined}
            className={input}
          />
          <FieldError id="confirm-email-error" message={state.fieldErrors?.email} />
        </div>
      )}
      <Button danger>Delete my account</Button>
    </form>
  );
}
