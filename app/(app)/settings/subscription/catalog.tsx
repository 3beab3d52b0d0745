// The seven plans side by side (tokens, price, price per 1,000 tokens, the current one marked, a
// button to subscribe, upgrade or downgrade) and the four packs with their bonus. Every button posts
// to the page's startCheckout action: a subscriber's plan change goes through Stripe's portal.
import type { PlanOption, PlanRelation } from "@/lib/billing/overview";
import { formatCount, formatMoney, formatPricePer1000Tokens } from "@/lib/format";
import type { Pack } from "@/lib/tokens/pricing-config";

const BUTTON: Record<PlanRelation, { text: string; label: (name: string) => string }> = {
  subscribe: { text: "Subscribe", label: (name) => `Subscribe to ${name}` },
  current: { text: "Current plan", label: (name) => `Current plan ${name}` },
  upgrade: { text: "Upgrade", label: (name) => `Upgrade to ${name}` },
  downgrade: { text: "Downgrade", label: (name) => `Downgrade to ${name}` },
};

const buttonClass =
  "w-full rounded-md px-3 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:bg-zinc-200 disabled:text-zinc-700";

export function PlanGrid({
  plans,
  currency,
  configured,
  action,
}: {
  plans: PlanOption[];
  currency: string;
  configured: boolean;
  action: (formData: FormData) => Promise<void>;
}) {
  return (
    <section aria-labelledby="plans-heading" className="mt-10">
      <h2 id="plans-heading" className="text-lg font-semibold">
        Monthly plans
      </h2>
      <p className="text-sm text-zinc-600">A plan&apos;s allowance renews every month; an upgrade adds the difference at once, a downgrade applies at renewal.</p>
      <ul className="mt-3 grid grid-cols-1 gap-3 min-[400px]:grid-cols-2 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-7">
        {plans.map(({ plan, relation }) => {
          const current = relation === "current";
          const button = BUTTON[relation];
          return (
            <li
              key={plan.id}
              className={`flex flex-col rounded-lg border bg-white p-3 ${current ? "border-brand-600 ring-2 ring-brand-600" : "border-zinc-200"}`}
              data-testid={`plan-${plan.id}`}
              data-relation={relation}
              aria-current={current ? "true" : undefined}
            >
              <h3 className="flex items-center justify-between gap-1 font-semibold">
                {plan.name}
                {current && <span className="rounded-full bg-brand-50 px-1.5 py-0.5 text-xs font-medium text-brand-900">Yours</span>}
              </h3>
              <p className="mt-1 text-lg font-semibold tabular-nums">
                {formatMoney(plan.priceCents, currency)}
                <span className="text-xs font-normal text-zinc-600"> / month</span>
              </p>
              <p className="text-sm text-zinc-800 tabular-nums">{formatCount(plan.tokensPerMonth)} tokens</p>
              <p className="text-xs text-zinc-600 tabular-nums">{formatPricePer1000Tokens(plan.priceCents, plan.tokensPerMonth, currency)} per 1,000</p>
              <form action={action} className="mt-auto pt-3">
                <input type="hidden" name="kind" value="plan" />
                <input type="hidden" name="id" value={plan.id} />
                <button
                  type="submit"
                  disabled={!configured || current}
                  aria-label={button.label(plan.name)}
                  className={`${buttonClass} ${
                    relation === "downgrade"
                      ? "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50"
                      : "bg-brand-700 text-white hover:bg-brand-900"
                  }`}
                >
                  {button.text}
                </button>
              </form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function PackGrid({
  packs,
  currency,
  configured,
  action,
}: {
  packs: Pack[];
  currency: string;
  configured: boolean;
  action: (formData: FormData) => Promise<void>;
}) {
  return (
    <section aria-labelledby="packs-heading" className="mt-10">
      <h2 id="packs-heading" className="text-lg font-semibold">
        Token packs
      </h2>
      <p className="text-sm text-zinc-600">One-time purchases. Purchased tokens never expire and are used after your monthly allowance.</p>
      <ul className="mt-3 grid grid-cols-1 gap-3 min-[400px]:grid-cols-2 lg:grid-cols-4">
        {packs.map((pack) => (
          <li key={pack.id} className="flex flex-col rounded-lg border border-zinc-200 bg-white p-3" data-testid={`pack-${pack.id}`}>
            <h3 className="flex items-center justify-between gap-1 font-semibold">
              {pack.name}
              {pack.bonusPercent > 0 && (
                <span className="rounded-full bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">+{pack.bonusPercent}% bonus</span>
              )}
            </h3>
            <p className="mt-1 text-lg font-semibold tabular-nums">{formatMoney(pack.priceCents, currency)}</p>
            <p className="text-sm text-zinc-800 tabular-nums">{formatCount(pack.tokens)} tokens</p>
            <p className="text-xs text-zinc-600 tabular-nums">{formatPricePer1000Tokens(pack.priceCents, pack.tokens, currency)} per 1,000</p>
            <form action={action} className="mt-auto pt-3">
              <input type="hidden" name="kind" value="pack" />
              <input type="hidden" name="id" value={pack.id} />
              <button type="submit" disabled={!configured} aria-label={`Buy ${pack.name} pack`} className={`${buttonClass} bg-brand-700 text-white hover:bg-brand-900`}>
                Buy
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
