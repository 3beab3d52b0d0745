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
