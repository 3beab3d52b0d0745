// "Forgot password": the link that lets the owner of the address choose a new password.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const passwordReset = defineMailTemplate({
  category: "security",
  schema: z.object({ url: z.url(), expiresInMinutes: z.number().int().positive() }),
  subject: () => `Reset your ${PRODUCT_NAME} password`,
  render: ({ url, expiresInMinutes }, { appUrl }) => (
    <MailLayout
      title="Choose a new password"
      frame={{
        appUrl,
        preview: "A link to choose a new password.",
        reason: "You get this mail because a password reset was asked for this address at",
      }}
    >
      <Paragraph>Someone (we hope you) asked to reset the password of this account.</Paragraph>
      <Action href={url}>Choose a new password</Action>
      <Paragraph>
        The link works once and expires in {expiresInMinutes} minutes. Choosing a new password signs you out on every
        other device. If you did not ask for this, ignore this mail: your password stays as it is.
      </Paragraph>
    </MailLayout>
  ),
});
