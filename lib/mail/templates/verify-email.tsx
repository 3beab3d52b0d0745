// Sign-up's mail: the link that proves the address is the user's (and grants the free tokens).
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const verifyEmail = defineMailTemplate({
  category: "security",
  schema: z.object({ url: z.url(), expiresInHours: z.number().int().positive() }),
  subject: () => `Confirm your e-mail address for ${PRODUCT_NAME}`,
  render: ({ url, expiresInHours }, { appUrl }) => (
    <MailLayout
      title="Confirm your e-mail address"
      frame={{
        appUrl,
        preview: "One click to confirm your address and get your free tokens.",
        reason: "You get this mail because this address was used to sign up for",
      }}
    >
      <Paragraph>
        Welcome! Confirm that this address is yours, and your free monthly tokens are added to your account.
      </Paragraph>
      <Action href={url}>Confirm my address</Action>
      <Paragraph>
        The link works once and expires in {expiresInHours} hours. If you did not sign up, ignore this mail: nothing
        happens without the link.
      </Paragraph>
    </MailLayout>
  ),
});
