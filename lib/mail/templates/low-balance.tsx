// The available tokens fell below LOW_BALANCE_PERCENT of the period's allowance (once per period).
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const lowBalance = defineMailTemplate({
  category: "notification",
  schema: z.object({
    available: z.number().int().nonnegative(),
    allowance: z.number().int().positive(),
    percent: z.number().int().positive(),
    resetsAt: z.iso.datetime(),
  }),
  subject: ({ percent }) => `Your ${PRODUCT_NAME} tokens are below ${percent} %`,
  render: ({ available, allowance, percent, resetsAt }, { appUrl, unsubscribeUrl }) => (
    <MailLayout
      title="Your tokens are running low"
      frame={{
        appUrl,
        preview: `${available.toLocaleString("en-US")} tokens left`,
        reason: "You get this mail because low-balance alerts are on for your account at",
        unsubscribeUrl,
      }}
    >
      <Paragraph>
        You have {available.toLocaleString("en-US")} tokens left, less than {percent} % of your{" "}
        {allowance.toLocaleString("en-US")} tokens a period. Your allowance renews on {resetsAt.slice(0, 10)} (UTC).
      </Paragraph>
      <Action href={`${appUrl}/settings/subscription`}>Get more tokens</Action>
    </MailLayout>
  ),
});
