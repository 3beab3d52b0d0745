// Sent instead of a verification mail when someone signs up with an address that has an account:
// the form answers the same either way (no account enumeration), and the owner learns of it here.
import { z } from "zod";
import { Action, MailLayout, Paragraph, PRODUCT } from "./layout";
import { defineMailTemplate } from "./template";

export const signupAttempt = defineMailTemplate({
  category: "security",
  schema: z.object({ signInUrl: z.url(), resetUrl: z.url() }),
  subject: (_data, { t }) => t("signupAttempt.subject", PRODUCT),
  render: ({ signInUrl, resetUrl }, context) => {
    const { t } = context;
    return (
      <MailLayout
        context={context}
        title={t("signupAttempt.title")}
        frame={{ preview: t("signupAttempt.preview"), reason: t("signupAttempt.reason", PRODUCT) }}
      >
        <Paragraph>{t("signupAttempt.body")}</Paragraph>
        <Action href={signInUrl} t={t}>
          {t("signupAttempt.action")}
        </Action>
        <Paragraph>{t.rich("signupAttempt.forgot", { link: (chunks) => <a href={resetUrl}>{chunks}</a> })}</Paragraph>
      </MailLayout>
    );
  },
});
