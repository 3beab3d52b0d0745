"use client";
// The forms of Settings → Account that change the account itself: a new address (confirmed at that
// address), and deleting the account. Server actions passed in by the page; usable without JavaScript.
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import type { AccountFormAction } from "./account-forms";
import { Field, FormError, Submit } from "./form-parts";

/** The new address, and the current password when the account has one. */
export function ChangeEmailForm({ action, hasPassword }: { action: AccountFormAction; hasPassword: boolean }) {
  const [state, formAction] = useActionState(action, {});
  const t = useTranslations("account.changeEmail");
  if (state.done) {
    return (
      <p role="status" data-testid="change-email-done" className="text-sm text-zinc-700">
        {t("done")}
      </p>
    );
  }
  return (
    <form action={formAction} noValidate className="max-w-sm space-y-3">
      <FormError message={state.error} />
      <Field
        name="email"
        id="new-email"
        label={t("newEmail")}
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      {hasPassword ? (
        <Field
          name="password"
          id="change-email-password"
          label={t("currentPassword")}
          type="password"
          autoComplete="current-password"
          error={state.fieldErrors?.password}
        />
      ) : (
        <p className="text-xs text-zinc-600">{t("noPassword")}</p>
      )}
      <Submit variant="secondary">{t("submit")}</Submit>
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
  const t = useTranslations("account.delete");
  return (
    <form action={formAction} noValidate className="max-w-sm space-y-3">
      <FormError message={state.error} />
      {hasPassword ? (
        <Field
          name="password"
          id="delete-password"
          label={t("password")}
          type="password"
          autoComplete="current-password"
          error={state.fieldErrors?.password}
        />
      ) : (
        <Field
          name="confirmEmail"
          id="confirm-email"
          label={t("typeAddress", { email })}
          type="email"
          autoComplete="off"
          error={state.fieldErrors?.email}
        />
      )}
      <Submit variant="danger">{t("submit")}</Submit>
    </form>
  );
}
