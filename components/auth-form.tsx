"use client";
// The sign-in and sign-up forms: server actions with field-level errors, usable without JavaScript.
import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Field, FormError, Submit } from "./form-parts";
/** What a sign-in or sign-up action answers: a form-level error, field errors, values to keep. */
export interface AuthFormState {
  error?: string;
  fieldErrors?: Partial<Record<"name" | "email" | "password", string>>;
  values?: { name?: string; email?: string };
}

/** A server action the page passes in (components never import app/). */
export type AuthFormAction = (prev: AuthFormState, formData: FormData) => Promise<AuthFormState>;

type Action = AuthFormAction;

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
  const t = useTranslations("auth.form");
  return (
    <form action={formAction} noValidate className="space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormError message={state.error} />
      {signUp && (
        <Field
          name="name"
          label={t("name")}
          type="text"
          autoComplete="name"
          required={false}
          defaultValue={state.values?.name}
          error={state.fieldErrors?.name}
        />
      )}
      <Field
        name="email"
        label={t("email")}
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Field
        name="password"
        label={t("password")}
        type="password"
        autoComplete={signUp ? "new-password" : "current-password"}
        error={state.fieldErrors?.password}
        hint={signUp ? t("passwordHint") : undefined}
      />
      {!signUp && (
        <p className="-mt-2 text-right text-sm">
          <Link href="/forgot-password" className="text-brand-700 underline-offset-2 hover:underline">
            {t("forgot")}
          </Link>
        </p>
      )}
      <Submit>{signUp ? t("createAccount") : t("signIn")}</Submit>
      <p className="text-center text-sm text-zinc-700">
        {signUp ? t("haveAccount") : t("newHere")}{" "}
        <Link
          href={`${signUp ? "/sign-in" : "/sign-up"}?callbackUrl=${encodeURIComponent(callbackUrl)}`}
          className="font-medium text-brand-700 underline-offset-2 hover:underline"
        >
          {signUp ? t("signIn") : t("createAnAccount")}
        </Link>
      </p>
    </form>
  );
}
