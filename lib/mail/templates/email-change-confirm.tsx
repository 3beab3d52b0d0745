// Sent to the NEW address of a change of address: following its link is what moves the account
// there, so nobody can move an account to an address they cannot read.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT_NAME } from "./layout";
import { defineMailTemplate } from "./template";

export const emailChangeConfirm = defineMailTemplate({
  category: "security",
  schema: z.object({ url: z.url(), expiresInHours: z.number().int().positive() }),
  subject: () => `Confirm your new ${PRODUCT_NAME} address`,
  render: ({ url, expiresInHours }, { appUrl }) => (
    <MailLayout
      title="Confirm your new address"
      frame={{
        appUrl,
        preview: "Confirm this address to move your account to it.",
        reason: "You get this mail because someone asked to move an account to this address at",
      }}
    >
      <Paragraph>
        Someone (hopefully you) asked to use this address for their {PRODUCT_NAME} account. Confirm it, and you sign in
        with this address from then on.
      </Paragraph>
      <Action href={url}>Confirm my new address</Action>
      <Paragraph>
        The link works once, for {expiresInHours} hours. If you did not ask for this, ignore this mail: nothing changes.
      </Paragraph>
    </MailLayout>
  ),
});
