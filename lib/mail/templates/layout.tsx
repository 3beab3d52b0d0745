// The frame of every mail: the product's name, one column of content, and a footer saying why the
// recipient gets it, in the recipient's language. Plain React Email components, so one element
// renders both the HTML part and (through render's plainText) the text part.
import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import type { MailTranslator } from "../i18n";
import type { MailContext } from "./template";

export const PRODUCT_NAME = "Tollgate";

/** The `{product}` argument every message that names the product takes. */
export const PRODUCT = { product: PRODUCT_NAME };

const page = { backgroundColor: "#f4f4f5", fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif" };
const card = {
  backgroundColor: "#ffffff",
  borderRadius: "8px",
  margin: "32px auto",
  maxWidth: "560px",
  padding: "32px",
};
const muted = { color: "#71717a", fontSize: "12px", lineHeight: "18px" };

export interface MailFrame {
  /** The line mail clients show after the subject. */
  preview: string;
  /** Why this address gets the mail, in the footer (a sentence that names the product). */
  reason: string;
}

/**
 * The frame around a mail's content, in the recipient's language (`context.locale`, also the
 * document's `lang`). The footer links to the app (APP_URL) and, for a mail that can be turned
 * off, to its one-click unsubscribe URL (none for security and payment mails).
 */
export function MailLayout({
  context,
  frame,
  title,
  children,
}: {
  context: MailContext;
  frame: MailFrame;
  title: string;
  children: ReactNode;
}) {
  return (
    <Html lang={context.locale}>
      <Head />
      <Preview>{frame.preview}</Preview>
      <Body style={page}>
        <Container style={card}>
          <Text style={{ fontSize: "14px", fontWeight: 600, margin: 0 }}>{PRODUCT_NAME}</Text>
          <Heading as="h1" style={{ fontSize: "20px", margin: "16px 0" }}>
            {title}
          </Heading>
          <Section>{children}</Section>
          <Hr style={{ borderColor: "#e4e4e7", margin: "24px 0" }} />
          <Text style={muted}>
            {frame.reason} · <Link href={context.appUrl}>{context.appUrl}</Link>
          </Text>
          {context.unsubscribeUrl && (
            <Text style={muted}>
              <Link href={context.unsubscribeUrl}>{context.t("layout.unsubscribe")}</Link>
            </Text>
          )}
        </Container>
      </Body>
    </Html>
  );
}

/** A paragraph of the mail's body. */
export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={{ fontSize: "15px", lineHeight: "22px" }}>{children}</Text>;
}

/** The mail's one call to action: a button in HTML, the bare URL in the text part. */
export function Action({ href, children, t }: { href: string; children: ReactNode; t: MailTranslator }) {
  return (
    <Section style={{ margin: "24px 0" }}>
      <Link
        href={href}
        style={{
          backgroundColor: "#18181b",
          borderRadius: "6px",
          color: "#ffffff",
          display: "inline-block",
          fontSize: "15px",
          fontWeight: 600,
          padding: "10px 18px",
        }}
      >
        {children}
      </Link>
      <Text style={muted}>{t("layout.orOpen", { url: href })}</Text>
    </Section>
  );
}
