// A metered call was refused with 402 insufficient_tokens (once per period).
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const tokensDepleted = defineMailTemplate({
  category: "notification",
  schema: z.object({ resetsAt: z.iso.datetime() }),
  subject: () => `You are out of ${PRODUCT_NAME} tokens`,
  render: ({ resetsAt }, { appUrl, unsubscribeUrl }) => (
    <MailLayout
      title="You ran out of tokens"
      frame={{
        appUrl,
        preview: "A request was refused for lack of tokens.",
        reason: "You get this mail because out-of-tokens alerts are on for your account at",
        unsubscribeUrl,
      }}
    >
      <Paragraph>
        A request was just refused: your balance does not cover it. Your allowance renews on {resetsAt.slice(0, 10)}{" "}
        (UTC); a token pack or a larger plan gets you going now.
      </Paragraph>
      <Action href={`${appUrl}/settings/subscription`}>Get more tokens</Action>
    </MailLayout>
  ),
});
