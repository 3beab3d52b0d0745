// One mail, rendered: the template's subject, and its one element as the HTML and the text part,
// in the language and time zone given (the outbox row's, fixed when it was queued).
import { render } from "@react-email/components";
import { mailTranslator, type MailLocale } from "./i18n";
import { isMailTemplateName, MAIL_TEMPLATES, type MailContext, type MailTemplate } from "./templates";

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  category: MailTemplate<unknown>["category"];
}

/** Thrown for a row no template can render (unknown name, data its schema refuses): never retried. */
export class UnrenderableMailError extends Error {
  override name = "UnrenderableMailError";
}

/** Renders `template` with `data` (validated by the template's schema) in `context.locale`. */
export async function renderMail(
  template: string,
  data: unknown,
  context: Omit<MailContext, "t"> & MailLocale,
): Promise<RenderedMail> {
  if (!isMailTemplateName(template)) throw new UnrenderableMailError(`no mail template "${template}"`);
  const definition = MAIL_TEMPLATES[template] as MailTemplate<unknown>;
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) {
    throw new UnrenderableMailError(`the data of "${template}" does not fit its template: ${parsed.error.message}`);
  }
  const full: MailContext = { ...context, t: mailTranslator(context) };
  const element = definition.render(parsed.data, full);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: definition.subject(parsed.data, full), html, text, category: definition.category };
}
