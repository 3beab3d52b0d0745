// "Forgot password": the link that lets the owner of the address choose a new password.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const passwordReset = defineMailTemplate({
  category: "security",
  schema: z.object({ url: z.url(), expiresInMinutes: z.number().int().positive() }),
  subject: (_data, { t }) => t("passwordReset.subject", PRODUCT),
  render: ({ url, expiresInMinutes }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("passwordReset.title")}
        frame={{ preview: t("passwordReset.preview"), reason: t("passwordReset.reason", PRODUCT) }}
      >
        <Paragraph>{t("passwordReset.body")}</Paragraph>
        <Action href={url} t={t}>
          {t("passwordReset.action")}
        </Action>
        <Paragraph>{t("passwordReset.expiry", { minutes: expiresInMinutes })}</Paragraph>
      </MailLayout>
    );
  },
});
