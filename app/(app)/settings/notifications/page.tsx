// Notification settings: which of the mails that can be turned off this user gets. Payment and
// security mails are listed as always sent.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { NOTIFICATION_KINDS, readPreferences } from "@/lib/mail/notifications/preferences";
import { saveNotificationPreferences } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("notifications"))("title") };
}

export default async function NotificationsPage({
  searchParams,
}: {
  searchParams: Promise<{ saved?: string | string[]; error?: string | string[] }>;
}) {
  const user = await requireUser("/settings/notifications");
  const preferences = await readPreferences(db(), user.id);
  const { saved, error } = await searchParams;
  const t = await getTranslations("notifications");
  const percent = env().LOW_BALANCE_PERCENT;
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-zinc-900">{t("title")}</h1>
      {saved && (
        <p role="status" className="text-sm text-green-800">
          {t("saved")}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {t("invalid")}
        </p>
      )}
      <form action={saveNotificationPreferences} className="space-y-4">
        {NOTIFICATION_KINDS.map((kind) => (
          <label key={kind} className="flex items-start gap-3">
            <input type="checkbox" name={kind} defaultChecked={preferences[kind]} className="mt-1" />
            <span>
              <span className="block font-medium text-zinc-900">{t(`kinds.${kind}.label`)}</span>
              <span className="block text-sm text-zinc-600">{t(`kinds.${kind}.detail`, { percent })}</span>
            </span>
          </label>
        ))}
        <button type="submit" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white">
          {t("save")}
        </button>
      </form>
      <section aria-labelledby="always-heading" className="space-y-2">
        <h2 id="always-heading" className="text-lg font-medium text-zinc-900">
          {t("alwaysHeading")}
        </h2>
        <p className="text-sm text-zinc-700">{t("always")}</p>
      </section>
    </div>
  );
}
