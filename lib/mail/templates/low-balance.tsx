// The available tokens fell below LOW_BALANCE_PERCENT of the period's allowance (once per period).
import { z } from "zod";
import { formatDate } from "../../format";
import { tokenArgs } from "../i18n";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const lowBalance = defineMailTemplate({
  category: "notification",
  schema: z.object({
    available: z.number().int().nonnegative(),
    allowance: z.number().int().positive(),
    percent: z.number().int().positive(),
    resetsAt: z.iso.datetime(),
  }),
  subject: ({ percent }, { t }) => t("lowBalance.subject", { ...PRODUCT, percent }),
  render: ({ available, allowance, percent, resetsAt }, context) => {
    const { t, locale, timeZone } = context;
    const left = tokenArgs(available, locale);
    const period = tokenArgs(allowance, locale);
    return (
      <MailLayout
        context={context}
        title={t("lowBalance.title")}
        frame={{ preview: t("lowBalance.preview", left), reason: t("lowBalance.reason", PRODUCT) }}
      >
        <Paragraph>
          {t("lowBalance.body", {
            ...left,
            percent,
            allowance: period.amount,
            allowanceCount: period.count,
            date: formatDate(resetsAt, locale, timeZone),
          })}
        </Paragraph>
        <Action href={`${context.appUrl}/settings/subscription`} t={t}>
          {t("lowBalance.action")}
        </Action>
      </MailLayout>
    );
  },
});
