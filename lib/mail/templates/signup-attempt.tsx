// Sent instead of a verification mail when someone signs up with an address that has an account:
// the form answers the same either way (no account enumeration), and the owner learns of it here.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const signupAttempt = defineMailTemplate({
  category: "security",
  schema: z.object({ signInUrl: z.url(), resetUrl: z.url() }),
  subject: () => `Someone tried to sign up for ${PRODUCT_NAME} with your address`,
  render: ({ signInUrl, resetUrl }, { appUrl }) => (
    <MailLayout
      title="You already have an account"
      frame={{
        appUrl,
        preview: "Someone tried to create an account with this address.",
        reason: "You get this mail because this address has an account at",
      }}
    >
      <Paragraph>
        Someone (maybe you) tried to sign up with this address. It already has an account, so nothing was created.
      </Paragraph>
      <Action href={signInUrl}>Sign in</Action>
      <Paragraph>
        Forgot your password? <a href={resetUrl}>Choose a new one</a>. If it was not you, you can ignore this mail.
      </Paragraph>
    </MailLayout>
  ),
});
