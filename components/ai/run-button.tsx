"use client";
// The submit button of an AI form: says what is happening while the request runs.
import { useTranslations } from "next-intl";

export function RunButton({ running, disabled, children }: { running: boolean; disabled?: boolean; children: string }) {
  const t = useTranslations("ai");
  return (
    <button
      type="submit"
      disabled={running || disabled}
      aria-busy={running || undefined}
      className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:cursor-not-allowed disabled:opacity-50"
    >
      {running ? t("working") : children}
    </button>
  );
}
