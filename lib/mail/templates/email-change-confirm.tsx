// Sent to the NEW address of a change of address: following its link is what moves the account
// there, so nobody can move an account to an address they cannot read.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const emailChangeConfirm = defineMailTemplate({
  category: "security",
  schema: z.object({ url: z.url(), expiresInHours: z.number().int().positive() }),
  subject: (_data, { t }) => t("emailChangeConfirm.subject", PRODUCT),
  render: ({ url, expiresInHours }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("emailChangeConfirm.title")}
        frame={{ preview: t("emailChangeConfirm.preview"), reason: t("emailChangeConfirm.reason", PRODUCT) }}
      >
        <Paragraph>{t("emailChangeConfirm.body", PRODUCT)}</Paragraph>
        <Action href={url} t={t}>
          {t("emailChangeConfirm.action")}
        </Action>
        <Paragraph>{t("emailChangeConfirm.expiry", { hours: expiresInHours })}</Paragraph>
      </MailLayout>
    );
  },
});
