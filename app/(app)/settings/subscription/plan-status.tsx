// The plan and its state: active (renews on …), awaiting payment (the period's invoice is not paid
// yet), cancelling at period end (ends on …), past due
// (with the way to fix the payment method: the billing portal), or the free tier.
import { formatCount, formatDate } from "@/lib/format";
import type { SubscriptionState } from "@/lib/billing/overview";
import { yearlyPriceCents, type BillingInterval, type Plan } from "@/lib/tokens/pricing-config";

const ENDED_LABEL: Record<string, string> = {
  canceled: "Cancelled",
  incomplete: "Waiting for payment",
  incomplete_expired: "Expired",
  unpaid: "Unpaid",
  paused: "Paused",
};

function label(state: SubscriptionState): string {
  switch (state.kind) {
    case "free":
      return "Free tier";
    case "active":
      return state.trial ? "Trial" : "Active";
    case "awaiting_payment":
      return "Awaiting payment";
    case "cancelling":
      return "Cancelling";
    case "past_due":
      return "Payment failed";
    case "ended":
      return ENDED_LABEL[state.status] ?? state.status;
  }
}

export function PlanStatus({
  plan,
  scheduled,
  state,
  money,
  portal,
  interval = "month",
}: {
  plan: Plan | null;
  /** A downgrade waiting for the renewal. */
  scheduled: { plan: Plan; at: Date } | null;
  state: SubscriptionState;
  money: (cents: number) => string;
  /** The portal's server action, when the user has a Stripe customer and billing is configured. */
  portal: (() => Promise<void>) | null;
  /** How the plan is billed; a yearly plan's allowance still arrives every month. */
  interval?: BillingInterval;
}) {
  return (
    <section aria-labelledby="plan-heading" className="rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
      <h2 id="plan-heading" className="text-sm font-medium text-zinc-600">
        Your plan
      </h2>
      <p className="mt-1 text-2xl font-semibold" data-testid="current-plan">
        {plan ? plan.name : "Free tier"}
      </p>
      {plan && (
        <p className="text-sm text-zinc-700">
          {interval === "year" ? (
            <span data-testid="plan-interval">
              {money(yearlyPriceCents(plan))} / year · {formatCount(plan.tokensPerMonth)} tokens every month
            </span>
          ) : (
            <>
              {money(plan.priceCents)} / month · {formatCount(plan.tokensPerMonth)} tokens a month
            </>
          )}
        </p>
      )}
      <p className="mt-2 text-sm font-medium">
        <span className="sr-only">Status: </span>
        <span
          className={
            state.kind === "past_due"
              ? "text-red-700"
              : state.kind === "cancelling" || state.kind === "awaiting_payment"
                ? "text-amber-800"
                : "text-zinc-800"
          }
          data-testid="subscription-status"
        >
          {label(state)}
        </span>
      </p>
      {state.kind === "active" && state.renewsAt && (
        <p className="text-sm text-zinc-600" data-testid="subscription-renews">
          Renews on <time dateTime={state.renewsAt.toISOString()}>{formatDate(state.renewsAt)}</time>
        </p>
      )}
      {state.kind === "awaiting_payment" && (
        <p className="text-sm text-amber-800" data-testid="subscription-awaiting-payment">
          This period&apos;s payment has not cleared yet (a bank debit can take a few days, or the invoice is waiting to
          be paid). Its tokens arrive as soon as it is paid; until then you keep what you have.
        </p>
      )}
      {scheduled && state.kind !== "cancelling" && (
        <p className="text-sm text-zinc-700" data-testid="subscription-scheduled">
          Changes to {scheduled.plan.name} ({formatCount(scheduled.plan.tokensPerMonth)} tokens a month) at your renewal
          on <time dateTime={scheduled.at.toISOString()}>{formatDate(scheduled.at)}</time>. Until then you keep your
          current plan and tokens.
        </p>
      )}
      {state.kind === "cancelling" && (
        <p className="text-sm text-amber-800" data-testid="subscription-ends">
          Cancels at the end of the period, on{" "}
          <time dateTime={state.endsAt.toISOString()}>{formatDate(state.endsAt)}</time>. Your tokens stay until then;
          purchased tokens never expire.
        </p>
      )}
      {state.kind === "past_due" && (
        <div
          role="alert"
          className="mt-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
          data-testid="past-due"
        >
          <p>Your last payment failed. You keep your tokens, but no new allowance arrives until the invoice is paid.</p>
          {portal && (
            <form action={portal} className="mt-2">
              <button
                type="submit"
                className="font-medium text-red-900 underline underline-offset-2 hover:text-red-950"
              >
                Update your payment method
              </button>
            </form>
          )}
        </div>
      )}
      {portal && (
        <form action={portal} className="mt-4">
          <button
            type="submit"
            className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium text-zinc-900 hover:bg-zinc-50"
          >
            Manage subscription
          </button>
        </form>
      )}
    </section>
  );
}
