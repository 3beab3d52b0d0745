// Renders a component tree to static HTML inside next-intl's provider, in a locale and time zone of
// the test's choosing (the real catalogues), for tests that check translated text and formats.
import { NextIntlClientProvider } from "next-intl";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import en from "../../messages/en.json";
import fr from "../../messages/fr.json";
import type { Locale } from "../../lib/i18n/config";

const MESSAGES = { en, fr } as const;

export function renderIntl(node: ReactNode, locale: Locale = "fr", timeZone = "Europe/Paris"): string {
  return renderToStaticMarkup(
    <NextIntlClientProvider locale={locale} timeZone={timeZone} messages={MESSAGES[locale]}>
      {node}
    </NextIntlClientProvider>,
  );
}

/** The text of rendered HTML with each element boundary as "|", for compact assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, "|")
    .replace(/\|+/g, "|")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"');
}
