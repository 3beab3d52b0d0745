// The subscription sync saw a change the subscriber should hear about: it became active, its plan
// changed, or it was cancelled (at the period's end, or at once).
import { z } from "zod";
import { formatDate } from "../../format";
import type { MailTranslator } from "../i18n";
import { Action, MailLayout, Paragraph, PRODUCT, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const SUBSCRIPTION_CHANGES = ["active", "plan_changed", "cancelled", "ended"] as const;
type Change = (typeof SUBSCRIPTION_CHANGES)[number];

const title = (t: MailTranslator, change: Change) => t("subscriptionChanged.title", { change });

export const subscriptionChanged = defineMailTemplate({
  category: "billing",
  schema: z.object({
    change: z.enum(SUBSCRIPTION_CHANGES),
    planName: z.string().nullable(),
    previousPlanName: z.string().nullable(),
    /** For a cancellation at the period's end: when the plan stops (ISO). */
    endsAt: z.iso.datetime().nullable(),
  }),
  subject: ({ change, planName }, { t }) =>
    planName && change !== "ended"
      ? t("subscriptionChanged.subjectWithPlan", { ...PRODUCT, title: title(t, change), plan: planName })
      : t("subscriptionChanged.subject", { ...PRODUCT, title: title(t, change) }),
  render: ({ change, planName, previousPlanName, endsAt }, context) => {
    const { t, locale, timeZone } = context;
    const plan = planName ?? PRODUCT_NAME;
    const heading = title(t, change);
    return (
      <MailLayout
        context={context}
        title={heading}
        frame={{ preview: heading, reason: t("subscriptionChanged.reason", PRODUCT) }}
      >
        {change === "active" && <Paragraph>{t("subscriptionChanged.active", { plan })}</Paragraph>}
        {change === "plan_changed" && (
          <Paragraph>
            {previousPlanName
              ? t("subscriptionChanged.planChangedFrom", {
                  previous: previousPlanName,
                  plan: planName ?? t("subscriptionChanged.newPlan"),
                })
              : t("subscriptionChanged.planChanged", { plan: planName ?? t("subscriptionChanged.newPlan") })}
          </Paragraph>
        )}
        {change === "cancelled" && (
          <Paragraph>
            {endsAt
              ? t("subscriptionChanged.cancelledUntil", { plan, date: formatDate(endsAt, locale, timeZone) })
              : t("subscriptionChanged.cancelled", { plan })}
          </Paragraph>
        )}
        {change === "ended" && <Paragraph>{t("subscriptionChanged.ended", { plan })}</Paragraph>}
        <Action href={`${context.appUrl}/settings/subscription`} t={t}>
          {t("subscriptionChanged.action")}
        </Action>
      </MailLayout>
    );
  },
});
