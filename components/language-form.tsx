"use client";
// The language and region form: the UI language and the time zone dates are shown in. A refused
// value is named next to its field (the server's reason, in the user's language).
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n/config";
import { FormError, Submit } from "./form-parts";

export interface LanguageFormState {
  saved?: boolean;
  /** The field refused and the server's reason (English: it is also the action's API answer). */
  error?: { field: "locale" | "timeZone"; message: string };
}

export type LanguageFormAction = (prev: LanguageFormState, formData: FormData) => Promise<LanguageFormState>;

const selectClass =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm text-zinc-900 focus-visible:border-brand-600";

export function LanguageForm({
  action,
  locale,
  timeZone,
  timeZones,
}: {
  action: LanguageFormAction;
  locale: Locale;
  timeZone: string;
  timeZones: string[];
}) {
  const [state, formAction] = useActionState(action, {});
  const t = useTranslations("settings.language");
  return (
    <form action={formAction} className="max-w-md space-y-4" data-testid="language-form">
      <FormError message={state.error ? t(`errors.${state.error.field}`) : undefined} />
      {state.saved && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {t("saved")}
        </p>
      )}
      <div>
        <label htmlFor="locale" className="text-sm font-medium text-zinc-800">
          {t("language")}
        </label>
        <select id="locale" name="locale" defaultValue={locale} className={selectClass}>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="timeZone" className="text-sm font-medium text-zinc-800">
          {t("timeZone")}
        </label>
        <select id="timeZone" name="timeZone" defaultValue={timeZone} className={selectClass}>
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        <p className="mt-1 text-xs text-zinc-600">{t("timeZoneHint")}</p>
      </div>
      <Submit>{t("save")}</Submit>
    </form>
  );
}
