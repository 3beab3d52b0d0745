// The subscription settings page (minimal: the full page comes with its own issue): plan and status,
// the balance split by bucket, plans and packs to buy, the portal, and the checkout outcome. On
// ?checkout=success&session_id=… it applies the session at once (the user often arrives before
// Stripe's webhooks), but only a session of the signed-in user's own Stripe customer; back from the
// portal (?portal=returned) it re-syncs the subscription the same way.
import type { Metadata } from "next";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { confirmCheckout, refreshAfterPortal, type ConfirmResult } from "@/lib/billing/confirm-checkout";
import { billingContext } from "@/lib/billing/context";
import { subscriptionOverview } from "@/lib/billing/overview";
import { SETTINGS_PATH } from "@/lib/billing/urls";
import { db } from "@/lib/db/client";
import { billingConfigured } from "@/lib/env";
import { formatDate, formatMoney, formatTokens } from "@/lib/format";
import { openPortal, startCheckout } from "./actions";

export const metadata: Metadata = { title: "Subscription" };

const paramsSchema = z.object({
  checkout: z.enum(["success", "cancelled"]).optional().catch(undefined),
  session_id: z.string().regex(/^cs_[A-Za-z0-9_]{1,200}$/).optional().catch(undefined),
  portal: z.literal("returned").optional().catch(undefined),
  error: z.enum(["invalid", "unknown_item", "unavailable"]).optional().catch(undefined),
});

const ERRORS = {
  invalid: "Choose a plan or a pack from the list.",
  unknown_item: "That plan or pack does not exist (any more). Choose one from the list.",
  unavailable: "That cannot be bought right now. Please try again later.",
} as const;

const STATUS_LABEL: Record<string, string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Payment failed — update your payment method",
  canceled: "Cancelled",
  incomplete: "Waiting for payment",
  incomplete_expired: "Expired",
  unpaid: "Unpaid",
  paused: "Paused",
  none: "Free tier",
};

function confirmMessage(result: ConfirmResult): { tone: "ok" | "warn"; text: string } {
  if (!result.ok) return { tone: "warn", text: "That checkout does not belong to your account." };
  if (!result.paid) return { tone: "ok", text: "Thank you! Your payment is being processed; your tokens arrive as soon as it clears." };
  return { tone: "ok", text: result.kind === "pack" ? "Thank you! Your tokens have been added." : "Thank you! Your subscription is active." };
}

export default async function SubscriptionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser(SETTINGS_PATH);
  const params = paramsSchema.parse(await searchParams);
  const configured = billingConfigured();

  let notice: { tone: "ok" | "warn"; text: string } | null = null;
  try {
    if (params.checkout === "success" && params.session_id && configured) {
      notice = confirmMessage(await confirmCheckout(billingContext(), user.id, params.session_id));
    } else if (params.checkout === "cancelled") {
      notice = { tone: "warn", text: "Checkout cancelled: nothing was charged." };
    } else if (params.error) {
      notice = { tone: "warn", text: ERRORS[params.error] };
    } else if (params.portal) {
      if (configured) await refreshAfterPortal(billingContext(), user.id);
      notice = { tone: "ok", text: "Welcome back from the billing portal." };
    }
  } catch (error) {
    // Stripe unreachable: the webhooks will bring the same changes; the page still renders.
    console.error(`[billing] syncing on return from Stripe failed: ${error instanceof Error ? error.message : error}`);
    notice = { tone: "warn", text: "We could not reach Stripe just now; your purchase will appear here within a few minutes." };
  }

  const { pricing, balance, subscription, livePlanId } = await subscriptionOverview(db(), user.id);
  const livePlan = pricing.plans.find((p) => p.id === livePlanId) ?? null;
  const money = (cents: number) => formatMoney(cents, pricing.currency);

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Subscription</h1>
      {notice && (
        <p
          role="status"
          data-testid="checkout-notice"
          className={`mt-4 rounded-md border p-3 text-sm ${notice.tone === "ok" ? "border-emerald-300 bg-emerald-50 text-emerald-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}
        >
          {notice.text}
        </p>
      )}
      {!configured && (
        <p className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          Billing is not configured on this server (no STRIPE_SECRET_KEY).
        </p>
      )}

      <section aria-labelledby="current" className="mt-6 grid gap-4 sm:grid-cols-3">
        <h2 id="current" className="sr-only">Your plan and balance</h2>
        <div className="rounded-lg border border-zinc-200 bg-white p-4">
          <p className="text-sm text-zinc-600">Plan</p>
          <p className="mt-1 text-xl font-semibold" data-testid="current-plan">{livePlan ? livePlan.name : "Free tier"}</p>
          <p className="text-sm text-zinc-700" data-testid="subscription-status">
            {STATUS_LABEL[subscription?.status ?? "none"]}
            {subscription?.cancelAtPeriodEnd && subscription.currentPeriodEnd ? ` · ends ${formatDate(subscription.currentPeriodEnd)}` : ""}
          </p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-4">
          <p className="text-sm text-zinc-600">Monthly allowance left</p>
          <p className="mt-1 text-xl font-semibold tabular-nums" data-testid="balance-allowance">{formatTokens(balance?.allowance ?? 0n)}</p>
          {balance && <p className="text-xs text-zinc-600">Resets {formatDate(balance.nextResetAt)}</p>}
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-4">
          <p className="text-sm text-zinc-600">Purchased (never expire)</p>
          <p className="mt-1 text-xl font-semibold tabular-nums" data-testid="balance-purchased">{formatTokens(balance?.purchased ?? 0n)}</p>
        </div>
      </section>

      {configured && subscription?.stripeCustomerId && (
        <form action={openPortal} className="mt-4">
          <button type="submit" className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium hover:bg-zinc-50">
            Manage subscription
          </button>
        </form>
      )}

      <section aria-labelledby="plans" className="mt-10">
        <h2 id="plans" className="text-lg font-semibold">Monthly plans</h2>
        <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {pricing.plans.map((plan) => (
            <li key={plan.id} className="flex flex-col rounded-lg border border-zinc-200 bg-white p-4" data-testid={`plan-${plan.id}`}>
              <h3 className="font-medium">{plan.name}</h3>
              <p className="text-sm text-zinc-700">
                {money(plan.priceCents)} / month · {plan.tokensPerMonth.toLocaleString("en-US")} tokens
              </p>
              <form action={startCheckout} className="mt-3">
                <input type="hidden" name="kind" value="plan" />
                <input type="hidden" name="id" value={plan.id} />
                <button
                  type="submit"
                  disabled={!configured || plan.id === livePlanId}
                  aria-label={`${livePlanId ? (plan.id === livePlanId ? "Current plan" : "Switch to") : "Subscribe to"} ${plan.name}`}
                  className="w-full rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:bg-zinc-300 disabled:text-zinc-700"
                >
                  {livePlanId ? (plan.id === livePlanId ? "Current plan" : "Switch") : "Subscribe"}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="packs" className="mt-10">
        <h2 id="packs" className="text-lg font-semibold">Token packs</h2>
        <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {pricing.packs.map((pack) => (
            <li key={pack.id} className="flex flex-col rounded-lg border border-zinc-200 bg-white p-4" data-testid={`pack-${pack.id}`}>
              <h3 className="font-medium">{pack.name}</h3>
              <p className="text-sm text-zinc-700">
                {money(pack.priceCents)} · {pack.tokens.toLocaleString("en-US")} tokens
              </p>
              <form action={startCheckout} className="mt-3">
                <input type="hidden" name="kind" value="pack" />
                <input type="hidden" name="id" value={pack.id} />
                <button
                  type="submit"
                  disabled={!configured}
                  aria-label={`Buy ${pack.name} pack`}
                  className="w-full rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:bg-zinc-300 disabled:text-zinc-700"
                >
                  Buy
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
