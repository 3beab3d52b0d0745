// Account settings: the address and whether it is confirmed, changing it, "sign out everywhere", and
// deleting the account.
import { getLocale, getTimeZone } from "next-intl/server";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { accountStatus } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";
import { ChangeEmailForm, DeleteAccountForm } from "@/components/account-settings-forms";
import { signOutEverywhereAction } from "../../actions";
import { changeEmailAction, deleteAccountAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const locale = await getLocale();
  const timeZone = await getTimeZone();
  const user = await requireUser("/settings/account");
  const account = await accountStatus(db(), user.id);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-zinc-900">Account</h1>
      <section aria-labelledby="address-heading" className="space-y-2">
        <h2 id="address-heading" className="text-lg font-medium text-zinc-900">
          E-mail address
        </h2>
        <p className="text-zinc-800" data-testid="account-email">
          {user.email}
        </p>
        <p className="text-sm text-zinc-600" data-testid="account-verified">
          {account.emailVerified
            ? `Confirmed on ${formatDateTime(account.emailVerified, locale, timeZone)}.`
            : "Not confirmed yet."}
        </p>
        <h3 className="pt-2 text-sm font-medium text-zinc-900">Change your address</h3>
        <ChangeEmailForm action={changeEmailAction} hasPassword={account.hasPassword} />
      </section>
      <section aria-labelledby="security-heading" className="space-y-3">
        <h2 id="security-heading" className="text-lg font-medium text-zinc-900">
          Sessions and password
        </h2>
        <p className="text-sm text-zinc-700">
          Signed in on a device you no longer use, or lost one? This signs you out on every device, this one included.
        </p>
        <form action={signOutEverywhereAction}>
          <button type="submit" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white">
            Sign out everywhere
          </button>
        </form>
        <p className="text-sm text-zinc-700">
          {account.hasPassword ? "To change your password, " : "To set a password, "}
          <Link href="/forgot-password" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            ask for a reset link
          </Link>
          .
        </p>
      </section>
      <section aria-labelledby="delete-heading" className="space-y-3 border-t border-zinc-200 pt-6">
        <h2 id="delete-heading" className="text-lg font-medium text-red-800">
          Delete my account
        </h2>
        <p className="text-sm text-zinc-700">
          This signs you out everywhere and removes your address, name and sign-in methods. A subscription is cancelled
          at the end of its current period. Your token history is kept, without your name, as the financial record it
          is. Your address can sign up again later as a new account.
        </p>
        <DeleteAccountForm action={deleteAccountAction} hasPassword={account.hasPassword} email={user.email} />
      </section>
    </div>
  );
}
