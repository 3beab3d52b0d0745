// The message catalogues (messages/<locale>.json, ICU message format). English is the reference:
// its type is the type of every catalogue (lib/i18n/next-intl.d.ts), and a parity test keeps the
// French file's keys identical (lib/i18n/messages.test.ts).
import type { Locale } from "./config";
import type en from "../../messages/en.json";

export type Messages = typeof en;

export async function loadMessages(locale: Locale): Promise<Messages> {
  switch (locale) {
    case "fr":
      return (await import("../../messages/fr.json")).default;
    case "en":
      return (await import("../../messages/en.json")).default;
  }
}

/**
 * The catalogue of the UI: everything but the "mail" namespace, which only the mail renderer reads
 * (lib/mail/i18n.ts, outside any request). The request config hands this to next-intl, whose
 * provider serialises it into every page for client components: mail texts would only weigh there.
 */
export async function loadUiMessages(locale: Locale): Promise<Omit<Messages, "mail">> {
  const ui: Partial<Messages> = { ...(await loadMessages(locale)) };
  delete ui.mail;
  return ui as Omit<Messages, "mail">;
}
