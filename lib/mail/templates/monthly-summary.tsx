// Opt-in: when a new period starts, what the last one was used for (by feature) and what is left.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
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
  subject: ({ periodStart }) => `Your ${PRODUCT_NAME} usage for the period from ${periodStart.slice(0, 10)}`,
  render: ({ periodStart, periodEnd, features, totalTokens, availableTokens }, { appUrl, unsubscribeUrl }) => (
    <MailLayout
      title="Your monthly summary"
      frame={{
        appUrl,
        preview: `${totalTokens.toLocaleString("en-US")} tokens used`,
        reason: "You get this mail because you turned on the monthly summary at",
        unsubscribeUrl,
      }}
    >
      <Paragraph>
        From {periodStart.slice(0, 10)} to {periodEnd.slice(0, 10)} you used {totalTokens.toLocaleString("en-US")}{" "}
        tokens{features.length > 0 ? ":" : "."}
      </Paragraph>
      {features.map(({ feature, tokens }) => (
        <Paragraph key={feature}>
          {feature}: {tokens.toLocaleString("en-US")} tokens
        </Paragraph>
      ))}
      <Paragraph>You start the new period with {availableTokens.toLocaleString("en-US")} tokens.</Paragraph>
      <Action href={`${appUrl}/usage`}>See your usage</Action>
    </MailLayout>
  ),
});
