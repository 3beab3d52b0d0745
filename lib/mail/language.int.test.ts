// The language of a mail, over real PostgreSQL and a real SMTP server on loopback: a French user's
// password-reset mail arrives in French and an English user's in English; a user who has chosen no
// language gets the one negotiated at the request; the owner's choice beats the request's (a
// stranger's sign-up attempt with the owner's address); and a retried mail keeps the language it
// was queued in, even when the user changes theirs between the attempts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { linkIn, startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { requestPasswordReset } from "../auth/password-reset";
import { signUpWithPassword } from "../auth/users";
import type { Locale } from "../i18n/config";
import { saveLocalePreferences } from "../i18n/preferences";
import { deliverPending, enqueueMail, type MailSender } from "./outbox";
import { createSmtpSender } from "./smtp";

const APP_URL = "https://tollgate.test";
const OPTIONS = { from: "Tollgate <no-reply@tollgate.test>", appUrl: APP_URL };
let t: TestDatabase;
let inbox: TestInbox;
let n = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
});
afterAll(async () => {
  await inbox?.close();
  await t?.drop();
});
beforeEach(async () => {
  inbox.clear();
  await t.sql("DELETE FROM mail_outbox");
});

async function deliver() {
  const sender = createSmtpSender(inbox.smtpUrl);
  try {
    return await deliverPending(t.db, sender, OPTIONS);
  } finally {
    sender.close();
  }
}

/** A signed-up user; `locale` as sign-up stores it (null: an account from before languages, or OAuth). */
async function user(label: string, locale: Locale | null, timeZone?: string) {
  const email = `${label}-${++n}@example.com`;
  const result = await signUpWithPassword(
    t.db,
    { email, password: "correct horse battery", name: "Ada" },
    { appUrl: APP_URL, ...(locale ? { locale } : {}) },
  );
  if (!result.ok) throw new Error("sign-up refused");
  if (locale && timeZone)
    expect(await saveLocalePreferences(t.db, result.user.id, { locale, timeZone })).toMatchObject({ ok: true });
  await t.sql("UPDATE users SET email_verified = now() WHERE id = $1", [result.user.id]);
  await t.sql("DELETE FROM mail_outbox WHERE recipient = $1", [email]); // its verification mail: not under test
  return { id: result.user.id, email };
}

const rowOf = async (template: string, recipient: string) =>
  (
    await t.sql<{ locale: string; time_zone: string }>(
      "SELECT locale, time_zone FROM mail_outbox WHERE template = $1 AND recipient = $2",
      [template, recipient],
    )
  )[0];

describe("the language of a mail", () => {
  it("a French user's password-reset mail arrives in French, an English user's in English", async () => {
    const french = await user("amelie", "fr", "Europe/Paris");
    const english = await user("grace", "en");
    await requestPasswordReset(t.db, french.email, APP_URL);
    await requestPasswordReset(t.db, english.email, APP_URL);
    expect(await rowOf("password_reset", french.email)).toEqual({ locale: "fr", time_zone: "Europe/Paris" });
    expect(await rowOf("password_reset", english.email)).toEqual({ locale: "en", time_zone: "UTC" });
    await deliver();

    const fr = await inbox.waitForMail({ to: french.email, subject: /mot de passe/ });
    expect(fr.subject).toBe("Réinitialisez votre mot de passe Tollgate");
    expect(fr.text).toContain("Choisir un nouveau mot de passe");
    expect(fr.text.replace(/\s+/g, " ")).toContain("expire dans 60 minutes");
    expect(fr.html).toContain('lang="fr"');
    expect(linkIn(fr, "/reset-password", APP_URL)).toContain("token=");

    const en = await inbox.waitForMail({ to: english.email, subject: /password/ });
    expect(en.subject).toBe("Reset your Tollgate password");
    expect(en.text.replace(/\s+/g, " ")).toContain("expires in 60 minutes");
    expect(en.html).toContain('lang="en"');
  });

  it("a user who chose no language gets the one negotiated at the request, else English", async () => {
    const undecided = await user("pierre", null);
    await requestPasswordReset(t.db, undecided.email, APP_URL, new Date(), "fr");
    expect(await rowOf("password_reset", undecided.email)).toEqual({ locale: "fr", time_zone: "UTC" });
    const silent = await user("noor", null);
    await requestPasswordReset(t.db, silent.email, APP_URL);
    expect(await rowOf("password_reset", silent.email)).toEqual({ locale: "en", time_zone: "UTC" });
    await deliver();
    expect((await inbox.waitForMail({ to: undecided.email })).subject).toBe(
      "Réinitialisez votre mot de passe Tollgate",
    );
    expect((await inbox.waitForMail({ to: silent.email })).subject).toBe("Reset your Tollgate password");
  });

  it("a sign-up attempt notice speaks the owner's language, not the one of whoever tried", async () => {
    const owner = await user("owner", "en");
    const undecided = await user("undecided", null);
    for (const email of [owner.email, undecided.email]) {
      const attempt = await signUpWithPassword(
        t.db,
        { email, password: "another password 1", name: "Mallory" },
        { appUrl: APP_URL, locale: "fr" },
      );
      expect(attempt).toMatchObject({ ok: true, outcome: "existing" });
    }
    await deliver();
    expect((await inbox.waitForMail({ to: owner.email })).subject).toBe(
      "Someone tried to sign up for Tollgate with your address",
    );
    expect((await inbox.waitForMail({ to: undecided.email })).subject).toBe(
      "Quelqu’un a tenté de créer un compte Tollgate avec votre adresse",
    );
  });

  it("a retry sends the mail in the language it was queued in, though the user changed theirs meanwhile", async () => {
    const amelie = await user("retry", "fr", "Europe/Paris");
    const cause = {
      to: amelie.email,
      userId: amelie.id,
      template: "tokens_depleted" as const,
      data: { resetsAt: "2026-12-31T23:30:00.000Z" },
      idempotencyKey: `lang-retry:${amelie.id}`,
    };
    await t.db.$transaction((tx) => enqueueMail(tx, cause));
    const down: MailSender = {
      send: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:25")),
    };
    const now = new Date();
    expect(await deliverPending(t.db, down, { ...OPTIONS, now })).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(await saveLocalePreferences(t.db, amelie.id, { locale: "en", timeZone: "UTC" })).toMatchObject({ ok: true });
    // Queued again by the same cause (a retried request, now in English): still the one row, in French.
    expect(await t.db.$transaction((tx) => enqueueMail(tx, { ...cause, locale: "en" }))).toBe(false);
    const sender = createSmtpSender(inbox.smtpUrl);
    try {
      const later = new Date(now.getTime() + 61_000);
      expect(await deliverPending(t.db, sender, { ...OPTIONS, now: later })).toEqual({
        sent: 1,
        retried: 0,
        failed: 0,
      });
    } finally {
      sender.close();
    }
    const mail = await inbox.waitForMail({ to: amelie.email });
    expect(mail.subject).toBe("Vous n’avez plus de jetons Tollgate");
    expect(mail.text).toContain("1 janv. 2027"); // Paris, where the mail was queued: Dec 31 in UTC
    expect(inbox.messages().filter((m) => m.to.includes(amelie.email))).toHaveLength(1);
  });

  it("a row in a locale or time zone no longer known is sent in English, in UTC", async () => {
    await t.sql(
      `INSERT INTO mail_outbox (idempotency_key, recipient, template, data, locale, time_zone)
       VALUES ('lang-unknown', 'old@example.com', 'tokens_depleted', '{"resetsAt":"2026-12-31T23:30:00.000Z"}', 'xx', 'Mars/Olympus')`,
    );
    expect(await deliver()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const mail = await inbox.waitForMail({ to: "old@example.com" });
    expect(mail.subject).toBe("You are out of Tollgate tokens");
    expect(mail.text).toContain("Dec 31, 2026");
  });
});
