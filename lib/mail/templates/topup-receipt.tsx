// An auto top-up was charged and its pack granted: what was bought, what was charged, and Stripe's
// receipt (the charge's receipt_url). A billing mail: it cannot be turned off.
import { z } from "zod";
import { formatMoney } from "../../format";
import { tokenArgs } from "../i18n";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const topUpReceipt = defineMailTemplate({
  category: "billing",
  schema: z.object({
    packName: z.string().min(1),
    tokens: z.number().int().positive(),
    /** What was charged, in the currency's smallest unit. */
    amount: z.object({ minorUnits: z.number().int().nonnegative(), currency: z.string().regex(/^[a-z]{3}$/i) }),
    /** Stripe's receipt page of the charge, when Stripe gave one. */
    receiptUrl: z.url().nullable(),
  }),
  subject: ({ packName }, { t }) => t("topUpReceipt.subject", { ...PRODUCT, pack: packName }),
  render: ({ packName, tokens, amount, receiptUrl }, context) => {
    const { t, locale } = context;
    const bought = tokenArgs(tokens, locale);
    const charged = formatMoney(amount.minorUnits, amount.currency, locale);
    return (
      <MailLayout
        context={context}
        title={t("topUpReceipt.title")}
        frame={{
          preview: t("topUpReceipt.preview", { ...bought, charged }),
          reason: t("topUpReceipt.reason", PRODUCT),
        }}
      >
        <Paragraph>{t("topUpReceipt.body", { ...bought, pack: packName, charged })}</Paragraph>
        {receiptUrl && (
          <Action href={receiptUrl} t={t}>
            {t("topUpReceipt.receipt")}
          </Action>
        )}
        <Paragraph>{t("topUpReceipt.settings", { url: `${context.appUrl}/settings/subscription` })}</Paragraph>
      </MailLayout>
    );
  },
});
