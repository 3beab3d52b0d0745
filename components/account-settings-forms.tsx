"use client";
// The forms of Settings → Account that change the account itself: a new address (confirmed at that
// address), and deleting the account. Server actions passed in by the page; usable without JavaScript.
import { useActionState } from "react";
import type { AccountFormAction } from "./account-forms";
import { Field, FormError, Submit } from "./form-parts";

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
      <Field
        name="email"
        id="new-email"
        label="New e-mail address"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      {hasPassword ? (
        <Field
          name="password"
          id="change-email-password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={state.fieldErrors?.password}
        />
      ) : (
        <p className="text-xs text-zinc-600">
          You sign in with Google or GitHub and have no password, so your session is enough: no password is asked.
        </p>
      )}
      <Submit variant="secondary">Change my address</Submit>
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
        <Field
          name="password"
          id="delete-password"
          label="Your password, to confirm"
          type="password"
          autoComplete="current-password"
          error={state.fieldErrors?.password}
        />
      ) : (
        <Field
          name="confirmEmail"
          id="confirm-email"
          label={`Type your address (${email}) to confirm`}
          type="email"
          autoComplete="off"
          error={state.fieldErrors?.email}
        />
      )}
      <Submit variant="danger">Delete my account</Submit>
    </form>
  );
}
