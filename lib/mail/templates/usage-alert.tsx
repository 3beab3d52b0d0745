// This period's spending crossed one of the thresholds the user chose (Settings → Limits & alerts):
// one mail per threshold per period (lib/mail/notifications/usage-alerts.ts).
import { z } from "zod";
import { formatDate } from "../../format";
import { tokenArgs } from "../i18n";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const usageAlert = defineMailTemplate({
  category: "notification",
  schema: z.object({
    percent: z.number().int().min(1).max(100),
    basis: z.enum(["allowance", "cap"]),
    /** Whole tokens charged this period when the threshold was crossed. */
    spent: z.number().int().nonnegative(),
    /** Whole tokens of the basis: the period's allowance or the cap. */
    of: z.number().int().positive(),
    resetsAt: z.iso.datetime(),
  }),
  subject: ({ percent, basis }, { t }) => t("usageAlert.subject", { ...PRODUCT, percent, basis }),
  render: ({ percent, basis, spent, of, resetsAt }, context) => {
    const { t, locale, timeZone } = context;
    const used = tokenArgs(spent, locale);
    const total = tokenArgs(of, locale);
    return (
      <MailLayout
        context={context}
        title={t("usageAlert.title", { percent, basis })}
        frame={{ preview: t("usageAlert.preview", used), reason: t("usageAlert.reason", PRODUCT) }}
      >
        <Paragraph>
          {t("usageAlert.body", {
            ...used,
            percent,
            basis,
            of: total.amount,
            ofCount: total.count,
            date: formatDate(resetsAt, locale, timeZone),
          })}
        </Paragraph>
        <Action href={`${context.appUrl}/settings/limits`} t={t}>
          {t("usageAlert.action")}
        </Action>
      </MailLayout>
    );
  },
});
