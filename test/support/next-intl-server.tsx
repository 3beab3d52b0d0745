// next-intl's server API for tests, which run outside React's server environment (where the real
// `next-intl/server` cannot be used): `vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"))`.
// The locale is the request's, decided by the product code (lib/i18n/request-locale.ts: the user's
// stored choice, else Accept-Language), unless a test fixes one with `testIntl`. `renderIn` renders a
// tree with the client provider of that locale, as the root layout does.
import { NextIntlClientProvider, createTranslator } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import type { Locale } from "@/lib/i18n/config";
import { loadMessages } from "@/lib/i18n/messages";

/** A fixed locale and time zone for render tests; locale null: the request's (see above). */
export const testIntl: { locale: Locale | null; timeZone: string } = { locale: null, timeZone: "UTC" };

async function current(): Promise<{ locale: Locale; timeZone: string }> {
  if (testIntl.locale) return { locale: testIntl.locale, timeZone: testIntl.timeZone };
  const { requestLocale } = await import("@/lib/i18n/request-locale");
  return requestLocale();
}

export async function getTranslations(namespace?: string) {
  const { locale, timeZone } = await current();
  return createTranslator({ locale, timeZone, messages: await loadMessages(locale), namespace: namespace as never });
}

export const getLocale = async () => (await current()).locale;
export const getTimeZone = async () => (await current()).timeZone;

/** The static HTML of `node` under the client provider of `locale` (and `testIntl`'s time zone). */
export async function renderIn(locale: Locale, node: React.ReactNode): Promise<string> {
  return renderToStaticMarkup(
    <NextIntlClientProvider locale={locale} timeZone={testIntl.timeZone} messages={await loadMessages(locale)}>
      {node}
    </NextIntlClientProvider>,
  );
}

/** The text of static HTML, tags replaced by `|` (entities decoded where tests meet them). */
export const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, "|")
    .replace(/\|+/g, "|")
    .replaceAll("&#x27;", "'")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");
