// A notification mail's unsubscribe link lands here (through /api/mail/unsubscribe's GET). Opening
// the page changes nothing; the button (a POST) does — mail scanners open links. No sign-in needed.
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { env } from "@/lib/env";
import { notificationKindSchema } from "@/lib/mail/notifications/preferences";
import { readUnsubscribeToken } from "@/lib/mail/notifications/unsubscribe";
import { unsubscribeAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("notifications.unsubscribe"))("title") };
}

const first = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

const settings = (chunks: React.ReactNode) => (
  <Link href="/settings/notifications" className="font-medium text-brand-700 underline-offset-2 hover:underline">
    {chunks}
  </Link>
);

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; done?: string | string[]; error?: string | string[] }>;
}) {
  const params = await searchParams;
  const t = await getTranslations("notifications.unsubscribe");
  const done = notificationKindSchema.safeParse(first(params.done));
  if (done.success) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("doneTitle")}</h1>
        <p role="status" className="text-sm text-zinc-700">
          {t.rich("done", { kind: done.data, link: settings })}
        </p>
      </>
    );
  }
  const token = first(params.token);
  const read = first(params.error) ? null : readUnsubscribeToken(env().AUTH_SECRET, token);
  if (!read || !token) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("title")}</h1>
        <p role="alert" className="text-sm text-red-800">
          {t.rich("invalid", { link: settings })}
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-4 text-sm text-zinc-700">{t("ask", { kind: read.kind })}</p>
      <form action={unsubscribeAction}>
        <input type="hidden" name="token" value={token} />
        <button
          type="submit"
          className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
        >
          {t("submit")}
        </button>
      </form>
      <p className="mt-4 text-sm text-zinc-700">{t("always")}</p>
    </>
  );
}
