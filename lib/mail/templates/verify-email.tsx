// Sign-up's mail: the link that proves the address is the user's (and grants the free tokens).
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const verifyEmail = defineMailTemplate({
  category: "security",
  schema: z.object({ url: z.url(), expiresInHours: z.number().int().positive() }),
  subject: (_data, { t }) => t("verifyEmail.subject", PRODUCT),
  render: ({ url, expiresInHours }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("verifyEmail.title")}
        frame={{ preview: t("verifyEmail.preview"), reason: t("verifyEmail.reason", PRODUCT) }}
      >
        <Paragraph>{t("verifyEmail.welcome")}</Paragraph>
        <Action href={url} t={t}>
          {t("verifyEmail.action")}
        </Action>
        <Paragraph>{t("verifyEmail.expiry", { hours: expiresInHours })}</Paragraph>
      </MailLayout>
    );
  },
});
