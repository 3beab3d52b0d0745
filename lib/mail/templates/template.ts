// What one mail template is: a schema for its data (checked when the mail is queued and again when
// it is sent), a subject, and one React element that renders both the HTML and the text part.
// Both speak the recipient's language: every text comes from the "mail" namespace of the message
// catalogues through `t`, every number and date through lib/format.ts in `locale` and `timeZone`.
import type { ReactElement } from "react";
import type { z } from "zod";
import type { MailLocale, MailTranslator } from "../i18n";

/**
 * Security mails (verification, password, address changes) and billing mails (payments) cannot be
 * turned off; notification mails carry a one-click unsubscribe link and a List-Unsubscribe header.
 */
export type MailCategory = "security" | "billing" | "notification";

export interface MailContext extends MailLocale {
  /** The app's public origin (APP_URL). */
  appUrl: string;
  /** The one-click unsubscribe URL, for notification mails. */
  unsubscribeUrl?: string;
  /** The "mail" namespace of the catalogue of `locale`. */
  t: MailTranslator;
}

export interface MailTemplate<Data> {
  category: MailCategory;
  schema: z.ZodType<Data>;
  subject(data: Data, context: MailContext): string;
  render(data: Data, context: MailContext): ReactElement;
}

/** Declares a template (the identity, typed: a template's data is what its schema reads). */
export function defineMailTemplate<Data>(template: MailTemplate<Data>): MailTemplate<Data> {
  return template;
}
