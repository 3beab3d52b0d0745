// Types next-intl's hooks with our locales and the English catalogue, so `t("some.key")` with a key
// missing from messages/en.json is a type error (tsc), and useLocale() returns a Locale.
import type { Locale } from "./config";
import type { Messages } from "./messages";

declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
