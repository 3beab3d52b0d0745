// Settings → Limits & alerts: the user's spend limit per period (what is spent and held against it,
// set or removed here unless an admin set it) and their usage alerts (thresholds in % of the
// allowance or of the cap). Reads only; the forms post to ./actions.ts.
import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTimeZone, getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDate, formatTokens, formatTokensDetailed } from "@/lib/format";
import { readPreferences } from "@/lib/mail/notifications/preferences";
import { readUsageAlerts } from "@/lib/mail/notifications/usage-alerts";
import { accountSummary } from "@/lib/tokens/account-summary";
import { MAX_SPEND_CAP_TOKENS, readSpendLimit } from "@/lib/tokens/spend-limit";
import { MILLITOKENS_PER_TOKEN } from "@/lib/tokens/units";
import { saveSpendLimit, saveUsageAlerts } from "./actions";
import { FigureTiles } from "@/components/figure-tiles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("limits"))("title") };
}

const SAVED = { cap: "cap.saved", cap_removed: "cap.removed", alerts: "alerts.saved" } as const;
const ERRORS = {
  cap_invalid: "cap.invalid",
  set_by_admin: "cap.admin",
  no_account: "cap.noAccount",
  alerts_invalid: "alerts.invalid",
} as const;
const pick = <T extends Record<string, string>>(table: T, value: string | string[] | undefined): T[keyof T] | null =>
  typeof value === "string" && Object.hasOwn(table, value) ? table[value as keyof T] : null;

export default async function LimitsPage({
  searchParams,
}: {
  searchParams: Promise<{ saved?: string | string[]; error?: string | string[] }>;
}) {
  const user = await requireUser("/settings/limits");
  const [limit, alerts, preferences, summary] = await Promise.all([
    readSpendLimit(db(), user.id),
    readUsageAlerts(db(), user.id),
    readPreferences(db(), user.id),
    accountSummary(db(), user.id),
  ]);
  const { saved, error } = await searchParams;
  const t = await getTranslations("limits");
  const locale = await getLocale();
  const timeZone = await getTimeZone();
  const max = MAX_SPEND_CAP_TOKENS.toLocaleString(locale);
  const savedKey = pick(SAVED, saved);
  const errorKey = pick(ERRORS, error);
  const byAdmin = limit?.setByAdmin != null;
  const counted = limit ? limit.spent + limit.held : 0n;
  const reached = limit?.cap != null && counted >= limit.cap;
  const resets = limit ? formatDate(limit.nextResetAt, locale, timeZone) : "";

  return (
    <div className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold text-zinc-900">{t("title")}</h1>
        <p className="text-sm text-zinc-700">{t("intro")}</p>
      </div>
      {savedKey && (
        <p role="status" className="text-sm text-green-800" data-testid="limits-saved">
          {t(savedKey)}
        </p>
      )}
      {errorKey && (
        <p role="alert" className="text-sm text-red-800" data-testid="limits-error">
          {t(errorKey, { max })}
        </p>
      )}

      <section aria-labelledby="cap-heading" className="space-y-4" data-testid="spend-limit">
        <h2 id="cap-heading" className="text-lg font-medium text-zinc-900">
          {t("cap.heading")}
        </h2>
        {!limit ? (
          <p className="text-sm text-zinc-700">{t("cap.noAccount")}</p>
        ) : (
          <>
            <p className="text-sm text-zinc-700">{t("cap.explain", { date: resets })}</p>
            <FigureTiles
              className="max-w-xl"
              figures={[
                { label: t("cap.spent"), value: formatTokensDetailed(limit.spent, locale), testId: "limit-spent" },
                { label: t("cap.held"), value: formatTokensDetailed(limit.held, locale), testId: "limit-held" },
                {
                  label: t("cap.limit"),
                  value: limit.cap === null ? t("cap.none") : formatTokensDetailed(limit.cap, locale),
                  testId: "limit-cap",
                },
              ]}
            />
            {reached && (
              <p role="status" className="text-sm font-medium text-red-800" data-testid="limit-reached">
                {t("cap.reached", { date: resets })}
              </p>
            )}
            {byAdmin ? (
              <p
                className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"
                data-testid="limit-admin"
              >
                {t("cap.admin")}
              </p>
            ) : (
              <form action={saveSpendLimit} className="flex flex-wrap items-end gap-3">
                <label className="block space-y-1">
                  <span className="block text-sm font-medium text-zinc-900">{t("cap.label")}</span>
                  <input
                    type="number"
                    name="cap"
                    min={1}
                    max={MAX_SPEND_CAP_TOKENS}
                    step={1}
                    inputMode="numeric"
                    defaultValue={limit.cap === null ? "" : String(limit.cap / MILLITOKENS_PER_TOKEN)}
                    aria-describedby="cap-hint"
                    className="w-48 rounded-md border border-zinc-300 px-3 py-2 text-sm"
                  />
                </label>
                <button
                  type="submit"
                  name="intent"
                  value="save"
                  className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white"
                >
                  {t("cap.save")}
                </button>
                {limit.cap !== null && (
                  <button
                    type="submit"
                    name="intent"
                    value="remove"
                    formNoValidate
                    className="rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium text-zinc-800"
                  >
                    {t("cap.remove")}
                  </button>
                )}
                <p id="cap-hint" className="w-full text-xs text-zinc-600">
                  {t("cap.hint", { max })}
                </p>
              </form>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="alerts-heading" className="space-y-4" data-testid="usage-alerts">
        <h2 id="alerts-heading" className="text-lg font-medium text-zinc-900">
          {t("alerts.heading")}
        </h2>
        <p className="text-sm text-zinc-700">{t("alerts.explain")}</p>
        {!preferences.usage_alert && (
          <p className="text-sm text-amber-900" data-testid="alerts-off">
            {t.rich("alerts.off", {
              link: (chunks) => (
                <Link href="/settings/notifications" className="font-medium underline">
                  {chunks}
                </Link>
              ),
            })}
          </p>
        )}
        <form action={saveUsageAlerts} className="max-w-xl space-y-3">
          <label className="block space-y-1">
            <span className="block text-sm font-medium text-zinc-900">{t("alerts.label")}</span>
            <input
              type="text"
              name="thresholds"
              defaultValue={alerts.thresholds.join(", ")}
              placeholder="50, 80, 100"
              maxLength={100}
              aria-describedby="thresholds-hint"
              className="w-64 rounded-md border border-zinc-300 px-3 py-2 text-sm"
            />
            <span id="thresholds-hint" className="block text-xs text-zinc-600">
              {t("alerts.hint")}
            </span>
          </label>
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium text-zinc-900">{t("alerts.basis")}</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="basis" value="allowance" defaultChecked={alerts.basis === "allowance"} />
              {t("alerts.basisAllowance", {
                tokens: summary ? formatTokens(summary.periodAllowance, locale) : "0",
              })}
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" name="basis" value="cap" defaultChecked={alerts.basis === "cap"} />
              {t("alerts.basisCap")}
            </label>
            {alerts.basis === "cap" && limit?.cap == null && (
              <p className="text-xs text-amber-900">{t("alerts.needsCap")}</p>
            )}
          </fieldset>
          <button type="submit" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white">
            {t("alerts.save")}
          </button>
        </form>
      </section>
    </div>
  );
}
