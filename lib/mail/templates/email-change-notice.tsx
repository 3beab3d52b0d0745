// Sent to the OLD address when a change of address is requested: if it was not the owner, they
// learn of it before the link at the new address is followed, and can take the account back.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const emailChangeNotice = defineMailTemplate({
  category: "security",
  schema: z.object({ newEmail: z.email(), resetUrl: z.url() }),
  subject: (_data, { t }) => t("emailChangeNotice.subject", PRODUCT),
  render: ({ newEmail, resetUrl }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("emailChangeNotice.title")}
        frame={{
          preview: t("emailChangeNotice.preview", { email: newEmail }),
          reason: t("emailChangeNotice.reason", PRODUCT),
        }}
      >
        <Paragraph>{t("emailChangeNotice.body", { email: newEmail })}</Paragraph>
        <Paragraph>{t("emailChangeNotice.notYou")}</Paragraph>
        <Action href={resetUrl} t={t}>
          {t("emailChangeNotice.action")}
        </Action>
      </MailLayout>
    );
  },
});
