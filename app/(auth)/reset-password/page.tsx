// A reset link lands here; the password is set by the form (a POST), so opening the link uses nothing.
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ResetPasswordForm } from "@/components/account-forms";
import { accountTokenSchema } from "@/lib/auth/schemas";
import { resetPasswordAction } from "../account-actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.resetPassword"))("title") };
}

export default async function Page({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const token = accountTokenSchema.safeParse((await searchParams).token);
  const t = await getTranslations("auth.resetPassword");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">{t("title")}</h1>
      {token.success ? (
        <ResetPasswordForm action={resetPasswordAction} token={token.data} />
      ) : (
        <p role="alert" className="text-sm text-red-800">
          {t.rich("invalid", {
            link: (chunks) => (
              <Link href="/forgot-password" className="font-medium text-brand-700 underline-offset-2 hover:underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      )}
    </>
  );
}
