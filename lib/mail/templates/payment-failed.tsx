// invoice.payment_failed: the renewal (or first payment) did not go through. The link is the app's
// subscription page, not a Customer Portal session: a portal session expires within minutes of its
// creation, and this mail may be read days later; the page opens a fresh one.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const paymentFailed = defineMailTemplate({
  category: "billing",
  schema: z.object({
    planName: z.string().nullable(),
    /** The amount due, formatted with its currency ("$20.00"). */
    amountDue: z.string(),
    /** When Stripe tries the card again (ISO date), if it will. */
    nextAttemptAt: z.iso.datetime().nullable(),
  }),
  subject: () => `Your ${PRODUCT_NAME} payment failed`,
  render: ({ planName, amountDue, nextAttemptAt }, { appUrl }) => (
    <MailLayout
      title="We could not take your payment"
      frame={{
        appUrl,
        preview: `The payment of ${amountDue} did not go through.`,
        reason: "You get this mail because you have a subscription at",
      }}
    >
      <Paragraph>
        The payment of {amountDue} for your {planName ?? PRODUCT_NAME} subscription did not go through. You keep the
        tokens you have, but no new monthly allowance is granted until it is paid.
      </Paragraph>
      {nextAttemptAt && <Paragraph>We will try the card again on {nextAttemptAt.slice(0, 10)} (UTC).</Paragraph>}
      <Action href={`${appUrl}/settings/subscription`}>Update your payment method</Action>
      <Paragraph>
        The link opens your subscription settings; from there, &quot;Manage subscription&quot; takes you to the billing
        portal (a portal link itself would expire before you read this).
      </Paragraph>
    </MailLayout>
  ),
});
