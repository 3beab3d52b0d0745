// A change-of-address link lands here. The change is made by the button (a POST), not by opening
// the page: mail scanners that open links must not use them up.
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { accountTokenSchema } from "@/lib/auth/schemas";
import { confirmEmailChangeAction } from "../../(app)/settings/account/actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.confirmEmail"))("title") };
}

/** The `?error=` reasons of confirmEmailChangeAction, worded in auth.confirmEmail.errors. */
const ERRORS = ["invalid", "expired", "used", "taken"] as const;

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; error?: string | string[] }>;
}) {
  const params = await searchParams;
  const token = accountTokenSchema.safeParse(params.token);
  const t = await getTranslations("auth.confirmEmail");
  const error = params.error === undefined ? undefined : (ERRORS.find((e) => e === params.error) ?? "invalid");
  if (error || !token.success) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("title")}</h1>
        <p role="alert" data-testid="confirm-email-error" className="mb-4 text-sm text-red-800">
          {t(`errors.${error ?? "invalid"}`)}
        </p>
        <p className="text-sm text-zinc-700">
          <Link href="/settings/account" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            {t("settings")}
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-4 text-sm text-zinc-700">{t("lead")}</p>
      <form action={confirmEmailChangeAction}>
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
