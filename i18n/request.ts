// next-intl's request configuration, "without i18n routing": the locale comes from the user (stored
// choice, else Accept-Language), never from the URL, so every route keeps its one path.
// next.config.ts points next-intl's plugin at this file.
import { getRequestConfig } from "next-intl/server";
import { requestLocale } from "@/lib/i18n/request-locale";
import { loadUiMessages } from "@/lib/i18n/messages";

export default getRequestConfig(async () => {
  const { locale, timeZone } = await requestLocale();
  return { locale, timeZone, messages: await loadUiMessages(locale) };
});
