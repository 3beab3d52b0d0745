// Sent to the OLD address when a change of address is requested: if it was not the owner, they
// learn of it before the link at the new address is followed, and can take the account back.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const emailChangeNotice = defineMailTemplate({
  category: "security",
  schema: z.object({ newEmail: z.email(), resetUrl: z.url() }),
  subject: () => `A change of your ${PRODUCT_NAME} address was requested`,
  render: ({ newEmail, resetUrl }, { appUrl }) => (
    <MailLayout
      title="Your address is about to change"
      frame={{
        appUrl,
        preview: `A change of address to ${newEmail} was requested.`,
        reason: "You get this mail because this address has an account at",
      }}
    >
      <Paragraph>
        Someone signed in to your account asked to change its address to {newEmail}. The change happens only when the
        link mailed there is followed; until then, you keep signing in with this address.
      </Paragraph>
      <Paragraph>If this was not you, choose a new password at once: it ends every session of the account.</Paragraph>
      <Action href={resetUrl}>Reset my password</Action>
    </MailLayout>
  ),
});
