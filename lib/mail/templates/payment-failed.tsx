// invoice.payment_failed: the renewal (or first payment) did not go through. The link is the app's
// subscription page, not a Customer Portal session: a portal session expires within minutes of its
// creation, and this mail may be read days later; the page opens a fresh one.
import { z } from "zod";
import { formatDate, formatMoney } from "../../format";
import { Action, MailLayout, Paragraph, PRODUCT, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const paymentFailed = defineMailTemplate({
  category: "billing",
  schema: z.object({
    planName: z.string().nullable(),
    /**
     * The amount due, in the currency's smallest unit (Stripe's integer amounts), formatted in the
     * recipient's locale when sent. A string is an amount formatted already, in English: the form
     * of rows queued before mails spoke the recipient's language, still sendable.
     */
    amountDue: z.union([
      z.object({ minorUnits: z.number().int().nonnegative(), currency: z.string().regex(/^[a-z]{3}$/i) }),
      z.string(),
    ]),
    /** When Stripe tries the card again (ISO date), if it will. */
    nextAttemptAt: z.iso.datetime().nullable(),
  }),
  subject: (_data, { t }) => t("paymentFailed.subject", PRODUCT),
  render: ({ planName, amountDue, nextAttemptAt }, context) => {
    const { t, locale, timeZone } = context;
    const amount =
      typeof amountDue === "string" ? amountDue : formatMoney(amountDue.minorUnits, amountDue.currency, locale);
    return (
      <MailLayout
        context={context}
        title={t("paymentFailed.title")}
        frame={{ preview: t("paymentFailed.preview", { amount }), reason: t("paymentFailed.reason", PRODUCT) }}
      >
        <Paragraph>{t("paymentFailed.body", { amount, plan: planName ?? PRODUCT_NAME })}</Paragraph>
        {nextAttemptAt && (
          <Paragraph>{t("paymentFailed.nextAttempt", { date: formatDate(nextAttemptAt, locale, timeZone) })}</Paragraph>
        )}
        <Action href={`${context.appUrl}/settings/subscription`} t={t}>
          {t("paymentFailed.action")}
        </Action>
        <Paragraph>{t("paymentFailed.portal")}</Paragraph>
      </MailLayout>
    );
  },
});
