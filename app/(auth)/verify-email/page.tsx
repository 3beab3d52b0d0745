// A verification link lands here. The address is confirmed by the button (a POST), not by opening
// the page: mail scanners that open links must not use them up.
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { accountTokenSchema } from "@/lib/auth/schemas";
import { verifyEmailAction } from "../account-actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.verifyEmail"))("title") };
}

/** The `?error=` reasons of verifyEmailAction, worded in auth.verifyEmail.errors. */
const ERRORS = ["invalid", "expired", "used"] as const;

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; error?: string | string[] }>;
}) {
  const params = await searchParams;
  const token = accountTokenSchema.safeParse(params.token);
  const t = await getTranslations("auth.verifyEmail");
  const error = params.error === undefined ? undefined : (ERRORS.find((e) => e === params.error) ?? "invalid");
  if (error || !token.success) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("title")}</h1>
        <p role="alert" className="mb-4 text-sm text-red-800">
          {t(`errors.${error ?? "invalid"}`)}
        </p>
        <p className="text-sm text-zinc-700">
          {t.rich("newLink", {
            link: (chunks) => (
              <Link href="/sign-in" className="font-medium text-brand-700 underline-offset-2 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-4 text-sm text-zinc-700">{t("lead")}</p>
      <form action={verifyEmailAction}>
        <input type="hidden" name="token" value={token.data} />
        <button
          type="submit"
          className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
        >
          {t("submit")}
        </button>
      </form>
    </>
  );
}
