// After sign-up — whether the address was new or already had an account (no enumeration): the
// next step is the mail.
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { z } from "zod";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.checkInbox"))("title") };
}

const LINK = "font-medium text-brand-700 underline-offset-2 hover:underline";

export default async function Page({ searchParams }: { searchParams: Promise<{ email?: string | string[] }> }) {
  const email = z
    .email()
    .max(254)
    .safeParse((await searchParams).email);
  const t = await getTranslations("auth.checkInbox");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-4 text-sm text-zinc-700" role="status">
        {email.success
          ? t.rich("sent", { email: email.data, strong: (chunks) => <strong>{chunks}</strong> })
          : t("sentToYou")}
      </p>
      <p className="text-sm text-zinc-600">
        {t.rich("noMail", {
          link: (chunks) => (
            <Link href="/sign-in" className={LINK}>
              {chunks}
            </Link>
          ),
        })}
      </p>
    </>
  );
}
