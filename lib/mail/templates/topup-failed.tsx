// An auto top-up could not be charged (declined, the bank asks for 3-D Secure, no card): auto
// top-up is off, nothing was granted. The link is the subscription page, which explains, offers a
// pack checkout (that saves a new card) or the portal, and turning auto top-up on again.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const TOPUP_FAILURE_REASONS = ["declined", "authentication_required", "no_payment_method", "other"] as const;

export const topUpFailed = defineMailTemplate({
  category: "billing",
  schema: z.object({
    packName: z.string().min(1),
    reason: z.enum(TOPUP_FAILURE_REASONS),
  }),
  subject: (_data, { t }) => t("topUpFailed.subject", PRODUCT),
  render: ({ packName, reason }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("topUpFailed.title")}
        frame={{ preview: t("topUpFailed.preview", { pack: packName }), reason: t("topUpFailed.reason", PRODUCT) }}
      >
        <Paragraph>{t(`topUpFailed.why.${reason}`, { pack: packName })}</Paragraph>
        <Paragraph>{t("topUpFailed.off")}</Paragraph>
        <Action href={`${context.appUrl}/settings/subscription#auto-top-up`} t={t}>
          {t("topUpFailed.action")}
        </Action>
      </MailLayout>
    );
  },
});
