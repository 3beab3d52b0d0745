// A notification mail's unsubscribe link lands here (through /api/mail/unsubscribe's GET). Opening
// the page changes nothing; the button (a POST) does — mail scanners open links. No sign-in needed.
import type { Metadata } from "next";
import Link from "next/link";
import { env } from "@/lib/env";
import { notificationKindSchema } from "@/lib/mail/notifications/preferences";
import { NOTIFICATION_LABELS, readUnsubscribeToken } from "@/lib/mail/notifications/unsubscribe";
import { unsubscribeAction } from "./actions";

export const metadata: Metadata = { title: "Unsubscribe" };

const first = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; done?: string | string[]; error?: string | string[] }>;
}) {
  const params = await searchParams;
  const done = notificationKindSchema.safeParse(first(params.done));
  const settings = (
    <Link href="/settings/notifications" className="font-medium text-brand-700 underline-offset-2 hover:underline">
      notification settings
    </Link>
  );
  if (done.success) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">Unsubscribed</h1>
        <p role="status" className="text-sm text-zinc-700">
          You will no longer get {NOTIFICATION_LABELS[done.data]}. You can turn them back on in your {settings}.
        </p>
      </>
    );
  }
  const token = first(params.token);
  const read = first(params.error) ? null : readUnsubscribeToken(env().AUTH_SECRET, token);
  if (!read || !token) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">Unsubscribe</h1>
        <p role="alert" className="text-sm text-red-800">
          This unsubscribe link is not valid (it may have been altered). Change what you get in your {settings}.
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold tracking-tight">Unsubscribe</h1>
      <p className="mb-4 text-sm text-zinc-700">Stop getting {NOTIFICATION_LABELS[read.kind]} by e-mail?</p>
      <form action={unsubscribeAction}>
        <input type="hidden" name="token" value={token} />
        <button
          type="submit"
          className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
        >
          Unsubscribe
        </button>
      </form>
      <p className="mt-4 text-sm text-zinc-700">Payment and security mails are always sent.</p>
    </>
  );
}
