// What one mail template is: a schema for its data (checked when the mail is queued and again when
// it is sent), a subject, and one React element that renders both the HTML and the text part.
import type { ReactElement } from "react";
import type { z } from "zod";

/**
 * Security mails (verification, password, address changes) and billing mails (payments) cannot be
 * turned off; notification mails carry a one-click unsubscribe link and a List-Unsubscribe header.
 */
export type MailCategory = "security" | "billing" | "notification";

export interface MailContext {
  /** The app's public origin (APP_URL). */
  appUrl: string;
  /** The one-click unsubscribe URL, for notification mails. */
  unsubscribeUrl?: string;
}

export interface MailTemplate<Data> {
  category: MailCategory;
  schema: z.ZodType<Data>;
  subject(data: Data): string;
  render(data: Data, context: MailContext): ReactElement;
}

/** Declares a template (the identity, typed: a template's data is what its schema reads). */
export function defineMailTemplate<Data>(template: MailTemplate<Data>): MailTemplate<Data> {
  return template;
}
