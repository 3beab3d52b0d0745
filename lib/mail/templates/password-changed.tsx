// The notice after a password reset: if it was not the owner, they learn of it at once.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const passwordChanged = defineMailTemplate({
  category: "security",
  schema: z.object({ resetUrl: z.url() }),
  subject: () => `Your ${PRODUCT_NAME} password was changed`,
  render: ({ resetUrl }, { appUrl }) => (
    <MailLayout
      title="Your password was changed"
      frame={{
        appUrl,
        preview: "Your password was changed and your other sessions were ended.",
        reason: "You get this mail because the password of your account was changed at",
      }}
    >
      <Paragraph>
        The password of your account was just changed, and every session on other devices was signed out.
      </Paragraph>
      <Paragraph>If this was not you, choose a new password at once:</Paragraph>
      <Action href={resetUrl}>Reset my password</Action>
    </MailLayout>
  ),
});
