// Account settings: the address and whether it is confirmed, changing it, "sign out everywhere", and
// deleting the account.
import { getLocale, getTimeZone, getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { accountStatus } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";
import { ChangeEmailForm, DeleteAccountForm } from "@/components/account-settings-forms";
import { signOutEverywhereAction } from "../../actions";
import { changeEmailAction, deleteAccountAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("account"))("title") };
}

export default async function AccountPage() {
  const locale = await getLocale();
  const timeZone = await getTimeZone();
  const user = await requireUser("/settings/account");
  const account = await accountStatus(db(), user.id);
  const t = await getTranslations("account");
  const resetLink = (chunks: React.ReactNode) => (
    <Link href="/forgot-password" className="font-medium text-brand-700 underline-offset-2 hover:underline">
      {chunks}
    </Link>
  );
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-zinc-900">{t("title")}</h1>
      <section aria-labelledby="address-heading" className="space-y-2">
        <h2 id="address-heading" className="text-lg font-medium text-zinc-900">
          {t("address.heading")}
        </h2>
        <p className="text-zinc-800" data-testid="account-email">
          {user.email}
        </p>
        <p className="text-sm text-zinc-600" data-testid="account-verified">
          {account.emailVerified
            ? t("address.confirmedOn", { date: formatDateTime(account.emailVerified, locale, timeZone) })
            : t("address.notConfirmed")}
        </p>
        <h3 className="pt-2 text-sm font-medium text-zinc-900">{t("address.change")}</h3>
        <ChangeEmailForm action={changeEmailAction} hasPassword={account.hasPassword} />
      </section>
      <section aria-labelledby="security-heading" className="space-y-3">
        <h2 id="security-heading" className="text-lg font-medium text-zinc-900">
          {t("sessions.heading")}
        </h2>
        <p className="text-sm text-zinc-700">{t("sessions.lead")}</p>
        <form action={signOutEverywhereAction}>
          <button type="submit" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white">
            {t("sessions.signOutEverywhere")}
          </button>
        </form>
        <p className="text-sm text-zinc-700">
          {account.hasPassword
            ? t.rich("sessions.changePassword", { link: resetLink })
            : t.rich("sessions.setPassword", { link: resetLink })}
        </p>
      </section>
      <section aria-labelledby="delete-heading" className="space-y-3 border-t border-zinc-200 pt-6">
        <h2 id="delete-heading" className="text-lg font-medium text-red-800">
          {t("delete.heading")}
        </h2>
        <p className="text-sm text-zinc-700">{t("delete.lead")}</p>
        <DeleteAccountForm action={deleteAccountAction} hasPassword={account.hasPassword} email={user.email} />
      </section>
    </div>
  );
}
