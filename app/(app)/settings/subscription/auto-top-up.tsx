// The "Auto top-up" section of the subscription page: the settings form (pack, threshold, top-ups
// per period), the card it charges, and — after a failure turned it off — a banner explaining why,
// with the pack checkout (which saves a card and lets the bank confirm the payment) and the portal.
// Plain forms posting to the page's server actions: it works without JavaScript.
import { useLocale, useTranslations } from "next-intl";
import type { AutoTopUpView } from "@/lib/billing/auto-topup/view";
import { formatCount, formatMoney } from "@/lib/format";
import { MILLITOKENS_PER_TOKEN } from "@/lib/tokens/units";
import type { Pack } from "@/lib/tokens/pricing-config";

const REASONS = ["card_declined", "authentication_required", "no_payment_method"] as const;
type Reason = (typeof REASONS)[number] | "other";

const buttonClass = "rounded-md px-3 py-2 text-sm font-medium";
const inputClass = "mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1.5 text-sm";

export function AutoTopUpSection({
  view,
  packs,
  currency,
  configured,
  save,
  checkout,
  portal,
  notice,
}: {
  view: AutoTopUpView;
  packs: Pack[];
  currency: string;
  configured: boolean;
  save: (formData: FormData) => Promise<void>;
  checkout: (formData: FormData) => Promise<void>;
  portal: (() => Promise<void>) | null;
  notice: string | null;
}) {
  const t = useTranslations("subscription.autoTopUp");
  const locale = useLocale();
  const settings = view.settings;
  const packId = settings?.packId ?? packs[0]?.id;
  const pack = packs.find((p) => p.id === packId);
  const threshold = settings ? Number(settings.thresholdMillitokens / MILLITOKENS_PER_TOKEN) : 200;
  const max = settings?.maxPerPeriod ?? 3;
  const reason: Reason | null = settings?.disabledReason
    ? (REASONS as readonly string[]).includes(settings.disabledReason)
      ? (settings.disabledReason as Reason)
      : "other"
    : null;
  const offerFix = reason !== null || (!view.card && !view.cardUnknown);
  return (
    <section id="auto-top-up" aria-labelledby="auto-top-up-heading" className="mt-10" data-testid="auto-top-up">
      <h2 id="auto-top-up-heading" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="text-sm text-zinc-600">{t("intro", { max })}</p>
      {notice && (
        <p role="status" className="mt-3 rounded-md border border-zinc-300 bg-zinc-50 p-3 text-sm">
          {notice}
        </p>
      )}
      {reason && (
        <div role="alert" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          <p className="font-medium">{t("disabled.title")}</p>
          <p>{t(`disabled.${reason}`)}</p>
          <p className="mt-1">{t("disabled.fix")}</p>
        </div>
      )}
      <p className="mt-3 text-sm" data-testid="auto-top-up-state">
        {settings?.enabled && pack
          ? t("on", {
              threshold: formatCount(threshold, locale),
              thresholdCount: threshold,
              pack: pack.name,
              price: formatMoney(pack.priceCents, currency, locale),
            })
          : t("off")}
      </p>
      <p className="mt-1 text-sm text-zinc-700">
        {view.card
          ? t("card", {
              brand: view.card.brand.toUpperCase(),
              last4: view.card.last4,
              month: String(view.card.expMonth).padStart(2, "0"),
              year: view.card.expYear,
            })
          : view.cardUnknown
            ? t("cardUnknown")
            : t("noCard")}
      </p>
      {offerFix && configured && (
        <div className="mt-2 flex flex-wrap gap-2">
          {pack && (
            <form action={checkout}>
              <input type="hidden" name="kind" value="pack" />
              <input type="hidden" name="id" value={pack.id} />
              <button type="submit" className={`${buttonClass} bg-brand-700 text-white hover:bg-brand-900`}>
                {t("packOption", {
                  name: pack.name,
                  amount: formatCount(pack.tokens, locale),
                  count: pack.tokens,
                  price: formatMoney(pack.priceCents, currency, locale),
                })}
              </button>
            </form>
          )}
          {portal && (
            <form action={portal}>
              <button type="submit" className={`${buttonClass} border border-zinc-300 bg-white hover:bg-zinc-50`}>
                {t("portal")}
              </button>
            </form>
          )}
        </div>
      )}
      <form action={save} className="mt-4 grid max-w-xl gap-3 rounded-lg border border-zinc-200 bg-white p-4">
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" name="enabled" value="on" defaultChecked={settings?.enabled ?? false} />
          {t("enabled")}
        </label>
        <label className="text-sm">
          {t("pack")}
          <select name="packId" defaultValue={packId} className={inputClass}>
            {packs.map((p) => (
              <option key={p.id} value={p.id}>
                {t("packOption", {
                  name: p.name,
                  amount: formatCount(p.tokens, locale),
                  count: p.tokens,
                  price: formatMoney(p.priceCents, currency, locale),
                })}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          {t("threshold")}
          <input
            type="number"
            name="thresholdTokens"
            min={1}
            max={1_000_000}
            step={1}
            required
            defaultValue={threshold}
            className={inputClass}
          />
        </label>
        <label className="text-sm">
          {t("maxPerPeriod")}
          <input
            type="number"
            name="maxPerPeriod"
            min={1}
            max={20}
            step={1}
            required
            defaultValue={max}
            className={inputClass}
          />
        </label>
        <div>
          <button
            type="submit"
            disabled={!configured}
            className={`${buttonClass} bg-brand-700 text-white hover:bg-brand-900 disabled:bg-zinc-200 disabled:text-zinc-700`}
          >
            {t("save")}
          </button>
        </div>
      </form>
    </section>
  );
}
