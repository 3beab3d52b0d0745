"use client";
// The shell's banner for a user whose address is not confirmed yet: no free tokens until it is, and
// a button to send the link again (the action, passed in by the layout, limits how often).
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { useTranslations } from "next-intl";

export interface ResendState {
  message?: string;
}

export type ResendAction = () => Promise<ResendState>;

function Resend() {
  const { pending } = useFormStatus();
  const t = useTranslations("verifyEmail");
  return (
    <button type="submit" disabled={pending} className="font-medium whitespace-nowrap underline underline-offset-2">
      {pending ? t("sending") : t("resend")}
    </button>
  );
}

export function VerifyEmailBanner({ email, action }: { email: string; action: ResendAction }) {
  const [state, formAction] = useActionState(() => action(), {});
  const t = useTranslations("verifyEmail");
  return (
    <div
      role="status"
      data-testid="verify-email-banner"
      className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-950 sm:px-8"
    >
      <p>
        {t.rich("text", { email, strong: (chunks) => <strong className="font-semibold">{chunks}</strong> })}
        {state.message ? <> {state.message}</> : null}
      </p>
      <form action={formAction}>
        <Resend />
      </form>
    </div>
  );
}
