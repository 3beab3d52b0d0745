// Changing the address over real PostgreSQL and a real SMTP server on loopback: the link at the new
// address (expiry, single use, tampering), the notice at the old one, no enumeration of a taken
// address, the per-user limit, and every session ending when the change is confirmed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { linkIn, startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { deliverPending } from "../mail/outbox";
import { createSmtpSender } from "../mail/smtp";
import { TOKEN_TTL_MS } from "./account-tokens";
import { CHANGE_INTERVAL_MS, confirmEmailChange, requestEmailChange } from "./email-change";
import { readSessionVersion } from "./session-version";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { authenticate, createUserWithAccount, signUpWithPassword } from "./users";

const APP_URL = "https://tollgate.test";
const PASSWORD = "correct horse battery";
let t: TestDatabase;
let inbox: TestInbox;
let n = 0;
const nextEmail = (label = "user") => `${label}-${++n}@example.com`;
// Each test's requests in their own 5-minute window, so the per-user limit never links two tests.
// Starting from the real time (links confirmed without a `now` are checked against it), aligned on
// a window's start.
let clock = Math.floor(Date.now() / CHANGE_INTERVAL_MS) * CHANGE_INTERVAL_MS;
const nextWindow = () => new Date((clock += 10 * CHANGE_INTERVAL_MS));

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
});
afterAll(async () => {
  await inbox?.close();
  await t?.drop();
});
beforeEach(() => inbox.clear());

async function deliver() {
  const sender = createSmtpSender(inbox.smtpUrl);
  try {
    return await deliverPending(t.db, sender, { from: "Tollgate <no-reply@tollgate.test>", appUrl: APP_URL });
  } finally {
    sender.close();
  }
}

const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;
const mailsTo = async (email: string) =>
  (
    await t.sql<{ template: string }>("SELECT template FROM mail_outbox WHERE recipient = $1 ORDER BY created_at", [
      email,
    ])
  ).map((r) => r.template);
const changeLinkTo = async (email: string) => {
  const [row] = await t.sql<{ url: string }>(
    "SELECT data->>'url' AS url FROM mail_outbox WHERE recipient = $1 AND template = 'email_change_confirm' ORDER BY created_at DESC LIMIT 1",
    [email],
  );
  return row ? tokenOf(row.url) : null;
};
const emailOf = async (userId: string) => (await t.db.user.findUnique({ where: { id: userId } }))!.email;

async function newUser(email = nextEmail()) {
  const result = await signUpWithPassword(t.db, { email, password: PASSWORD, name: "Ada" }, { appUrl: APP_URL });
  if (!result.ok) throw new Error("sign-up refused");
  return result.user;
}

describe("changing the address", () => {
  it("mails a link to the new address and a notice to the old one; the link moves the account and ends every session", async () => {
    const user = await newUser(nextEmail("old"));
    const newEmail = nextEmail("new");
    const now = nextWindow();
    expect(
      await requestEmailChange(t.db, { userId: user.id, newEmail, password: PASSWORD, appUrl: APP_URL, now }),
    ).toEqual({ ok: true });
    // Nothing changed yet: the old address still signs in.
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await mailsTo(newEmail)).toEqual(["email_change_confirm"]);
    expect(await mailsTo(user.email)).toContain("email_change_notice");

    await deliver();
    const notice = await inbox.waitForMail({ to: user.email, subject: /change of your Tollgate address/ });
    expect(notice.text).toContain(newEmail);
    expect(linkIn(notice, "/forgot-password", APP_URL)).toBe(`${APP_URL}/forgot-password`);
    const mail = await inbox.waitForMail({ to: newEmail, subject: /Confirm your new Tollgate address/ });
    const token = tokenOf(linkIn(mail, "/confirm-email", APP_URL));

    const version = await readSessionVersion(t.db, user.id);
    const at = new Date(now.getTime() + 60_000);
    expect(await confirmEmailChange(t.db, token, at)).toEqual({
      ok: true,
      userId: user.id,
      oldEmail: user.email,
      newEmail,
    });
    expect(await readSessionVersion(t.db, user.id)).toBe(version + 1);
    const moved = await t.db.user.findUnique({ where: { id: user.id } });
    expect(moved).toMatchObject({ email: newEmail, emailVerified: at });
    expect(await authenticate(t.db, newEmail, PASSWORD)).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await authenticate(t.db, user.email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    // The link proved the new address: the never-verified account got its token account.
    const [balance] = await t.sql("SELECT 1 FROM user_token_balance WHERE user_id = $1", [user.id]);
    expect(balance).toBeDefined();
    // Single use.
    expect(await confirmEmailChange(t.db, token)).toEqual({ ok: false, reason: "used" });
  });

  it("refuses a tampered link and one of another purpose, and an expired link, changing nothing", async () => {
    const user = await newUser();
    const newEmail = nextEmail("late");
    const now = nextWindow();
    await requestEmailChange(t.db, { userId: user.id, newEmail, password: PASSWORD, appUrl: APP_URL, now });
    const token = (await changeLinkTo(newEmail))!;
    const [id, secret] = token.split(".") as [string, string];
    const flipped = `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    for (const bad of [flipped, token.slice(0, -1), "", "nonsense"])
      expect(await confirmEmailChange(t.db, bad, now), bad).toEqual({ ok: false, reason: "invalid" });
    // The sign-up's verification link is no change link.
    const [verify] = await t.sql<{ url: string }>(
      "SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1 AND template = 'verify_email'",
      [user.id],
    );
    expect(await confirmEmailChange(t.db, tokenOf(verify!.url), now)).toEqual({ ok: false, reason: "invalid" });
    const expiry = new Date(now.getTime() + TOKEN_TTL_MS.change_email);
    expect(await confirmEmailChange(t.db, token, expiry)).toEqual({ ok: false, reason: "expired" });
    expect(await emailOf(user.id)).toBe(user.email);
    // One millisecond before, it would have worked (and none of the refusals used it up).
    expect(await confirmEmailChange(t.db, token, new Date(expiry.getTime() - 1)).then((r) => r.ok)).toBe(true);
    expect(TOKEN_TTL_MS.change_email).toBe(24 * 3_600_000);
  });

  it("answers a taken address like a free one, sends it nothing, and tells the old address the same", async () => {
    const owner = await newUser(nextEmail("owner"));
    const user = await newUser();
    await t.sql("DELETE FROM mail_outbox WHERE recipient = $1", [owner.email]);
    const now = nextWindow();
    expect(
      await requestEmailChange(t.db, {
        userId: user.id,
        newEmail: owner.email,
        password: PASSWORD,
        appUrl: APP_URL,
        now,
      }),
    ).toEqual({ ok: true });
    expect(await mailsTo(owner.email)).toEqual([]);
    expect(await mailsTo(user.email)).toContain("email_change_notice");
    expect(
      await t.sql("SELECT 1 FROM account_tokens WHERE user_id = $1 AND purpose = 'change_email'", [user.id]),
    ).toEqual([]);
    // …and the limit applies as to a free address: a second request in the window is refused.
    const again = await requestEmailChange(t.db, {
      userId: user.id,
      newEmail: nextEmail("other"),
      password: PASSWORD,
      appUrl: APP_URL,
      now: new Date(now.getTime() + 1_000),
    });
    expect(again).toMatchObject({ ok: false, reason: "too_soon" });
  });

  it("refuses a link whose address was taken meanwhile, and leaves the account where it was", async () => {
    const user = await newUser();
    const newEmail = nextEmail("raced");
    await requestEmailChange(t.db, {
      userId: user.id,
      newEmail,
      password: PASSWORD,
      appUrl: APP_URL,
      now: nextWindow(),
    });
    const token = (await changeLinkTo(newEmail))!;
    await createUserWithAccount(t.db, { email: newEmail });
    const version = await readSessionVersion(t.db, user.id);
    expect(await confirmEmailChange(t.db, token)).toEqual({ ok: false, reason: "taken" });
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await readSessionVersion(t.db, user.id)).toBe(version);
  });

  it("refuses a wrong password and the current address, queueing nothing", async () => {
    const user = await newUser();
    const newEmail = nextEmail("nope");
    const now = nextWindow();
    const base = { userId: user.id, appUrl: APP_URL, now };
    expect(await requestEmailChange(t.db, { ...base, newEmail, password: "wrong password" })).toEqual({
      ok: false,
      reason: "wrong_password",
    });
    expect(await requestEmailChange(t.db, { ...base, newEmail })).toEqual({ ok: false, reason: "wrong_password" });
    expect(await requestEmailChange(t.db, { ...base, newEmail: user.email, password: PASSWORD })).toEqual({
      ok: false,
      reason: "same_address",
    });
    expect(await mailsTo(newEmail)).toEqual([]);
    expect(await mailsTo(user.email)).toEqual(["verify_email"]);
  });

  it("asks no password of an OAuth-only account", async () => {
    const user = await createUserWithAccount(t.db, { email: nextEmail("oauth"), emailVerified: new Date() });
    const newEmail = nextEmail("oauth-new");
    expect(await requestEmailChange(t.db, { userId: user.id, newEmail, appUrl: APP_URL, now: nextWindow() })).toEqual({
      ok: true,
    });
    expect(await confirmEmailChange(t.db, (await changeLinkTo(newEmail))!)).toMatchObject({ ok: true, newEmail });
  });

  it("allows one request per 5 minutes per user, and a newer request voids the older link", async () => {
    const user = await newUser();
    const now = nextWindow();
    const [first, second, third] = [nextEmail("a"), nextEmail("b"), nextEmail("c")];
    const ask = (newEmail: string, at: Date) =>
      requestEmailChange(t.db, { userId: user.id, newEmail, password: PASSWORD, appUrl: APP_URL, now: at });
    expect(await ask(first, now)).toEqual({ ok: true });
    expect(await ask(second, new Date(now.getTime() + 1_000))).toEqual({
      ok: false,
      reason: "too_soon",
      retryAfterSeconds: 299,
    });
    expect(await mailsTo(second)).toEqual([]); // the refused request left nothing behind
    expect(await ask(third, new Date(now.getTime() + CHANGE_INTERVAL_MS))).toEqual({ ok: true });
    expect(await confirmEmailChange(t.db, (await changeLinkTo(first))!)).toEqual({ ok: false, reason: "used" });
    expect(await confirmEmailChange(t.db, (await changeLinkTo(third))!)).toMatchObject({ ok: true, newEmail: third });
  });

  it("stops a pending change when the owner resets the password, as the notice tells them to", async () => {
    const user = await newUser();
    const thief = nextEmail("thief");
    const now = nextWindow();
    await requestEmailChange(t.db, { userId: user.id, newEmail: thief, password: PASSWORD, appUrl: APP_URL, now });
    await requestPasswordReset(t.db, user.email, APP_URL, now);
    const [reset] = await t.sql<{ url: string }>(
      "SELECT data->>'url' AS url FROM mail_outbox WHERE recipient = $1 AND template = 'password_reset'",
      [user.email],
    );
    expect(await resetPassword(t.db, tokenOf(reset!.url), "the owner's new password", APP_URL, now)).toMatchObject({
      ok: true,
    });
    expect(await confirmEmailChange(t.db, (await changeLinkTo(thief))!)).toEqual({ ok: false, reason: "used" });
    expect(await emailOf(user.id)).toBe(user.email);
  });
});
