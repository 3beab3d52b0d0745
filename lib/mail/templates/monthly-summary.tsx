// Opt-in: when a new period starts, what the last one was used for (by feature) and what is left.
import { z } from "zod";
import { formatDate } from "../../format";
import { featureTitle, tokenArgs } from "../i18n";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const monthlySummary = defineMailTemplate({
  category: "notification",
  schema: z.object({
    periodStart: z.iso.datetime(),
    periodEnd: z.iso.datetime(),
    features: z.array(z.object({ feature: z.string(), tokens: z.number().int().nonnegative() })),
    totalTokens: z.number().int().nonnegative(),
    availableTokens: z.number().int().nonnegative(),
  }),
  subject: ({ periodStart }, { t, locale, timeZone }) =>
    t("monthlySummary.subject", { ...PRODUCT, date: formatDate(periodStart, locale, timeZone) }),
  render: ({ periodStart, periodEnd, features, totalTokens, availableTokens }, context) => {
    const { t, locale, timeZone } = context;
    const used = tokenArgs(totalTokens, locale);
    // "other": usage the ledger names no feature for (summary.ts); any other key is the UI's feature name.
    const name = (feature: string) =>
      feature === "other" ? t("monthlySummary.otherFeature") : featureTitle(feature, locale);
    return (
      <MailLayout
        context={context}
        title={t("monthlySummary.title")}
        frame={{ preview: t("monthlySummary.preview", used), reason: t("monthlySummary.reason", PRODUCT) }}
      >
        <Paragraph>
          {t("monthlySummary.used", {
            ...used,
            start: formatDate(periodStart, locale, timeZone),
            end: formatDate(periodEnd, locale, timeZone),
            list: features.length > 0 ? "true" : "false",
          })}
        </Paragraph>
        {features.map(({ feature, tokens }) => (
          <Paragraph key={feature}>
            {t("monthlySummary.feature", { feature: name(feature), ...tokenArgs(tokens, locale) })}
          </Paragraph>
        ))}
        <Paragraph>{t("monthlySummary.available", tokenArgs(availableTokens, locale))}</Paragraph>
        <Action href={`${context.appUrl}/usage`} t={t}>
          {t("monthlySummary.action")}
        </Action>
      </MailLayout>
    );
  },
});
