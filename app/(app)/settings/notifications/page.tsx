// Notification settings: which of the mails that can be turned off this user gets. Payment and
// security mails are listed as always sent.
import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { readPreferences, type NotificationKind } from "@/lib/mail/notifications/preferences";
import { saveNotificationPreferences } from "./actions";

export const metadata: Metadata = { title: "Notifications" };

const options = (percent: number): { kind: NotificationKind; label: string; detail: string }[] => [
  {
    kind: "low_balance",
    label: "Low balance",
    detail: `When your tokens fall below ${percent} % of your monthly allowance (once a period).`,
  },
  {
    kind: "tokens_depleted",
    label: "Tokens ran out",
    detail: "When a request is refused for lack of tokens (once a period).",
  },
  {
    kind: "monthly_summary",
    label: "Monthly summary",
    detail: "When a new period starts: what you used last period, by feature, and what is left.",
  },
];

export default async function NotificationsPage({
  searchParams,
}: {
  searchParams: Promise<{ saved?: string | string[] }>;
}) {
  const user = await requireUser("/settings/notifications");
  const preferences = await readPreferences(db(), user.id);
  const { saved } = await searchParams;
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-zinc-900">Notifications</h1>
      {saved && (
        <p role="status" className="text-sm text-green-800">
          Saved.
        </p>
      )}
      <form action={saveNotificationPreferences} className="space-y-4">
        {options(env().LOW_BALANCE_PERCENT).map(({ kind, label, detail }) => (
          <label key={kind} className="flex items-start gap-3">
            <input type="checkbox" name={kind} defaultChecked={preferences[kind]} className="mt-1" />
            <span>
              <span className="block font-medium text-zinc-900">{label}</span>
              <span className="block text-sm text-zinc-600">{detail}</span>
            </span>
          </label>
        ))}
        <button type="submit" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white">
          Save
        </button>
      </form>
      <section aria-labelledby="always-heading" className="space-y-2">
        <h2 id="always-heading" className="text-lg font-medium text-zinc-900">
          Always sent
        </h2>
        <p className="text-sm text-zinc-700">
          Payment mails (a failed payment, your subscription starting, changing or ending) and security mails (address
          confirmation, password resets) cannot be turned off. Every other mail has a one-click unsubscribe link.
        </p>
      </section>
    </div>
  );
}
