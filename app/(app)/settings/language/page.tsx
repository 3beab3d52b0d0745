// Settings → Language and region: the UI language and the time zone of every date shown.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LanguageForm } from "@/components/language-form";
import { requireUser } from "@/lib/auth/session";
import { supportedTimeZones } from "@/lib/i18n/config";
import { requestLocale } from "@/lib/i18n/request-locale";
import { saveLanguageAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings.language"))("title") };
}

export default async function LanguagePage() {
  await requireUser("/settings/language");
  const t = await getTranslations("settings.language");
  const { locale, timeZone } = await requestLocale();
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-1 mb-6 text-sm text-zinc-600">{t("intro")}</p>
      <LanguageForm action={saveLanguageAction} locale={locale} timeZone={timeZone} timeZones={supportedTimeZones()} />
    </>
  );
}
