// The notice after a password reset: if it was not the owner, they learn of it at once.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const passwordChanged = defineMailTemplate({
  category: "security",
  schema: z.object({ resetUrl: z.url() }),
  subject: (_data, { t }) => t("passwordChanged.subject", PRODUCT),
  render: ({ resetUrl }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("passwordChanged.title")}
        frame={{ preview: t("passwordChanged.preview"), reason: t("passwordChanged.reason", PRODUCT) }}
      >
        <Paragraph>{t("passwordChanged.body")}</Paragraph>
        <Paragraph>{t("passwordChanged.notYou")}</Paragraph>
        <Action href={resetUrl} t={t}>
          {t("passwordChanged.action")}
        </Action>
      </MailLayout>
    );
  },
});
