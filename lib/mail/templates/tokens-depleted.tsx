// A metered call was refused with 402 insufficient_tokens (once per period).
import { z } from "zod";
import { formatDate } from "../../format";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const tokensDepleted = defineMailTemplate({
  category: "notification",
  schema: z.object({ resetsAt: z.iso.datetime() }),
  subject: (_data, { t }) => t("tokensDepleted.subject", PRODUCT),
  render: ({ resetsAt }, context) => {
    const { t, locale, timeZone } = context;
    return (
      <MailLayout
        context={context}
        title={t("tokensDepleted.title")}
        frame={{ preview: t("tokensDepleted.preview"), reason: t("tokensDepleted.reason", PRODUCT) }}
      >
        <Paragraph>{t("tokensDepleted.body", { date: formatDate(resetsAt, locale, timeZone) })}</Paragraph>
        <Action href={`${context.appUrl}/settings/subscription`} t={t}>
          {t("tokensDepleted.action")}
        </Action>
      </MailLayout>
    );
  },
});
