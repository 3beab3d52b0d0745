import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ForgotPasswordForm } from "@/components/account-forms";
import { forgotPasswordAction } from "../account-actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.forgotPassword"))("metaTitle") };
}

export default async function Page() {
  const t = await getTranslations("auth.forgotPassword");
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-6 text-sm text-zinc-600">{t("lead")}</p>
      <ForgotPasswordForm action={forgotPasswordAction} />
    </>
  );
}
