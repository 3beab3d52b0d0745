// invoice.payment_failed: the subscription turns past_due (tokens are kept, no new allowance until
// paid), synced like the other subscription events; and, in the same transaction, the subscriber is
// mailed once per attempt of the invoice (key payment_failed:<invoice id>:<attempt_count>), so a
// redelivered event queues nothing new and Stripe's next retry that fails again mails again.
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import { queuePaymentFailedMail } from "../../mail/notifications/billing";
import { getActivePricing } from "../../tokens/pricing-config";
import type { EventHandler } from "./types";

export const invoicePaymentFailed: EventHandler<Stripe.InvoicePaymentFailedEvent> = async (ctx, event) => {
  const invoice = event.data.object;
  const customerId = customerIdOf(invoice.customer);
  if (!customerId) return { ignored: "invoice without a customer" };
  return applySubscriptionChange(ctx, customerId, async (tx, userId) => {
    const row = await tx.userSubscription.findUnique({ where: { userId }, select: { planId: true } });
    const plans = (await getActivePricing(tx)).plans;
    const queued = await queuePaymentFailedMail(tx, userId, {
      invoiceId: invoice.id,
      attempt: invoice.attempt_count,
      amountDue: invoice.amount_due,
      currency: invoice.currency,
      nextAttemptAt: invoice.next_payment_attempt ? new Date(invoice.next_payment_attempt * 1000) : null,
      planName: plans.find((plan) => plan.id === row?.planId)?.name ?? null,
    });
    return queued ? `payment_failed mail for attempt ${invoice.attempt_count}` : null;
  });
};
