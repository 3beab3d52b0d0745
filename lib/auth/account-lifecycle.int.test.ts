// The account lifecycle over real PostgreSQL and a real SMTP server on loopback: the mailed links
// (expiry, single use, tampering), verification granting the free tier, sign-up that tells nobody
// whether an address has an account, and password reset ending every session.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { linkIn, startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { deliverPending } from "../mail/outbox";
import { createSmtpSender } from "../mail/smtp";
import { consumeAccountToken, issueAccountToken, TOKEN_TTL_MS } from "./account-tokens";
import { resendVerificationMail, RESEND_INTERVAL_MS, verifyEmailAddress } from "./email-verification";
import { requestPasswordReset, resetPassword } from "./password-reset";
import { readSessionVersion } from "./session-version";
import { authenticate, signUpWithPassword } from "./users";

const APP_URL = "https://tollgate.test";
const PASSWORD = "correct horse battery";
let t: TestDatabase;
let inbox: TestInbox;
let n = 0;
const nextEmail = (label = "user") => `${label}-${++n}@example.com`;

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

/** Sends what the outbox holds through the loopback SMTP server. */
async function deliver() {
  const sender = createSmtpSender(inbox.smtpUrl);
  try {
    return await deliverPending(t.db, sender, { from: "Tollgate <no-reply@tollgate.test>", appUrl: APP_URL });
  } finally {
    sender.close();
  }
}

const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;
const balanceOf = async (userId: string) =>
  (await t.sql<{ allowance: string }>("SELECT allowance::text FROM user_token_balance WHERE user_id = $1", [userId]))[0]
    ?.allowance ?? null;
const mailsTo = async (email: string) =>
  (
    await t.sql<{ template: string }>("SELECT template FROM mail_outbox WHERE recipient = $1 ORDER BY created_at", [
      email,
    ])
  ).map((r) => r.template);

async function newUser(email = nextEmail()) {
  const result = await signUpWithPassword(t.db, { email, password: PASSWORD, name: "Ada" }, { appUrl: APP_URL });
  if (!result.ok) throw new Error("sign-up refused");
  return result.user;
}

describe("account tokens", () => {
  it("work once, even when the same link is used twice at the same moment", async () => {
    const user = await newUser();
    const token = await t.db.$transaction((tx) =>
      issueAccountToken(tx, { userId: user.id, purpose: "reset_password", email: user.email }),
    );
    const results = await Promise.all(
      [1, 2].map(() => t.db.$transaction((tx) => consumeAccountToken(tx, token, "reset_password"))),
    );
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "used" });
  });

  it("expire after their purpose's time, to the millisecond", async () => {
    const user = await newUser();
    const now = new Date("2026-12-01T10:00:00.000Z");
    const issue = () =>
      t.db.$transaction((tx) =>
        issueAccountToken(tx, { userId: user.id, purpose: "verify_email", email: user.email, now }),
      );
    const [a, b] = [await issue(), await issue()];
    const last = new Date(now.getTime() + TOKEN_TTL_MS.verify_email - 1);
    expect(await t.db.$transaction((tx) => consumeAccountToken(tx, a, "verify_email", last))).toMatchObject({
      ok: true,
    });
    const expiry = new Date(now.getTime() + TOKEN_TTL_MS.verify_email);
    expect(await t.db.$transaction((tx) => consumeAccountToken(tx, b, "verify_email", expiry))).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(TOKEN_TTL_MS).toEqual({
      verify_email: 24 * 3_600_000,
      reset_password: 3_600_000,
      change_email: 24 * 3_600_000,
    });
  });

  it("refuse a tampered, truncated or foreign token, and a token of another purpose", async () => {
    const user = await newUser();
    const token = await t.db.$transaction((tx) =>
      issueAccountToken(tx, { userId: user.id, purpose: "verify_email", email: user.email }),
    );
    const [id, secret] = token.split(".") as [string, string];
    const flipped = `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    const otherId = `${id.slice(0, -1)}${id.endsWith("0") ? "1" : "0"}.${secret}`;
    for (const bad of [flipped, otherId, token.slice(0, -1), `${id}.`, "", "not-a-token", `${token}x`]) {
      expect(await t.db.$transaction((tx) => consumeAccountToken(tx, bad, "verify_email")), bad).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    expect(await t.db.$transaction((tx) => consumeAccountToken(tx, token, "reset_password"))).toEqual({
      ok: false,
      reason: "invalid",
    });
    // None of the refusals used the token up.
    expect(await t.db.$transaction((tx) => consumeAccountToken(tx, token, "verify_email"))).toMatchObject({ ok: true });
  });
});

describe("e-mail verification", () => {
  it("grants the free tokens on verification, not on sign-up: sign up → the mail arrives → its link → 100 tokens", async () => {
    const email = nextEmail("verify");
    const user = await newUser(email);
    expect(await balanceOf(user.id)).toBeNull();
    expect(await deliver()).toMatchObject({ sent: 1 });
    const mail = await inbox.waitForMail({ to: email, subject: /Confirm your e-mail address/ });
    const link = linkIn(mail, "/verify-email", APP_URL);
    const result = await verifyEmailAddress(t.db, tokenOf(link));
    expect(result).toEqual({ ok: true, userId: user.id, email, grantedMillitokens: 100_000n });
    expect(await balanceOf(user.id)).toBe("100000");
    expect((await t.db.user.findUnique({ where: { id: user.id } }))?.emailVerified).toBeInstanceOf(Date);
    // The same link again: refused, and nothing more is granted.
    expect(await verifyEmailAddress(t.db, tokenOf(link))).toEqual({ ok: false, reason: "used" });
    const ledger = await t.sql("SELECT kind FROM token_transactions WHERE user_id = $1 AND kind = 'grant_free'", [
      user.id,
    ]);
    expect(ledger).toHaveLength(1);
  });

  it("opens the account once when two different links of one user are followed at the same moment", async () => {
    const user = await newUser();
    await resendVerificationMail(t.db, user.id, APP_URL);
    const urls = (
      await t.sql<{ url: string }>(
        "SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1 AND template = 'verify_email'",
        [user.id],
      )
    ).map((r) => r.url);
    expect(urls).toHaveLength(2);
    const results = await Promise.all(urls.map((url) => verifyEmailAddress(t.db, tokenOf(url))));
    expect(results.map((r) => r.ok && r.grantedMillitokens).sort()).toEqual([0n, 100_000n]);
    expect(await balanceOf(user.id)).toBe("100000");
  });

  it("refuses a link mailed to an address that is no longer the user's", async () => {
    const user = await newUser();
    const [row] = await t.sql<{ url: string }>("SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1", [
      user.id,
    ]);
    await t.sql("UPDATE users SET email = $2 WHERE id = $1", [user.id, nextEmail("moved")]);
    expect(await verifyEmailAddress(t.db, tokenOf(row!.url))).toEqual({ ok: false, reason: "invalid" });
    expect(await balanceOf(user.id)).toBeNull();
  });

  it("resends at most once per 10 minutes, and not at all once verified", async () => {
    const user = await newUser();
    const now = new Date("2026-12-01T10:00:30.000Z");
    expect(await resendVerificationMail(t.db, user.id, APP_URL, now)).toEqual({ ok: true });
    expect(await resendVerificationMail(t.db, user.id, APP_URL, new Date(now.getTime() + 1_000))).toEqual({
      ok: false,
      reason: "too_soon",
      retryAfterSeconds: 569,
    });
    expect(await resendVerificationMail(t.db, user.id, APP_URL, new Date(now.getTime() + RESEND_INTERVAL_MS))).toEqual({
      ok: true,
    });
    expect(await mailsTo(user.email)).toEqual(["verify_email", "verify_email", "verify_email"]);
    const tokens = await t.sql("SELECT 1 FROM account_tokens WHERE user_id = $1", [user.id]);
    expect(tokens).toHaveLength(3); // the refused resend left no token behind
    const [row] = await t.sql<{ url: string }>(
      "SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1",
      [user.id],
    );
    expect(
      await verifyEmailAddress(t.db, tokenOf(row!.url), new Date(now.getTime() + RESEND_INTERVAL_MS)),
    ).toMatchObject({
      ok: true,
    });
    expect(await resendVerificationMail(t.db, user.id, APP_URL)).toEqual({ ok: false, reason: "verified" });
  });
});

describe("sign-up tells nobody whether an address has an account", () => {
  it("answers a taken address as a new one, and mails its owner instead (at most once an hour)", async () => {
    const email = nextEmail("owner");
    const owner = await newUser(email);
    const [row] = await t.sql<{ url: string }>("SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1", [
      owner.id,
    ]);
    await verifyEmailAddress(t.db, tokenOf(row!.url));

    const now = new Date("2026-12-01T10:00:00.000Z");
    const again = await signUpWithPassword(
      t.db,
      { email, password: "an attacker's password", name: undefined },
      { appUrl: APP_URL, now },
    );
    expect(again).toMatchObject({ ok: true, user: { id: owner.id } });
    await signUpWithPassword(
      t.db,
      { email, password: "once more", name: undefined },
      { appUrl: APP_URL, now: new Date(now.getTime() + 60_000) },
    );
    expect(await mailsTo(email)).toEqual(["verify_email", "signup_attempt"]);
    // The owner's password still works; the stranger's does not.
    expect(await authenticate(t.db, email, PASSWORD)).toMatchObject({ ok: true });
    expect(await authenticate(t.db, email, "an attacker's password")).toEqual({ ok: false, reason: "invalid" });

    inbox.clear();
    await deliver();
    const notice = await inbox.waitForMail({ to: email, subject: /Someone tried to sign up/ });
    expect(linkIn(notice, "/sign-in", APP_URL)).toBe(`${APP_URL}/sign-in`);
    expect(linkIn(notice, "/forgot-password", APP_URL)).toBe(`${APP_URL}/forgot-password`);
  });

  it("lets a new sign-up of an unverified address take it over: the first password and its links stop working", async () => {
    const email = nextEmail("squat");
    const squatter = await newUser(email);
    const [first] = await t.sql<{ url: string }>("SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1", [
      squatter.id,
    ]);
    const version = await readSessionVersion(t.db, squatter.id);
    await signUpWithPassword(t.db, { email, password: "the owner's password", name: undefined }, { appUrl: APP_URL });
    expect(await readSessionVersion(t.db, squatter.id)).toBe(version + 1);
    expect(await authenticate(t.db, email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(t.db, email, "the owner's password")).toMatchObject({ ok: true });
    expect(await verifyEmailAddress(t.db, tokenOf(first!.url))).toEqual({ ok: false, reason: "used" });
    expect(await mailsTo(email)).toEqual(["verify_email", "verify_email"]);
  });
});

describe("password reset", () => {
  it("sets the new password through the mailed link, ends every session, voids older links and sends a notice", async () => {
    const email = nextEmail("reset");
    const user = await newUser(email);
    const now = new Date("2026-12-01T10:00:00.000Z");
    await requestPasswordReset(t.db, email, APP_URL, now);
    await requestPasswordReset(t.db, email, APP_URL, new Date(now.getTime() + 60_000)); // within 5 minutes: no second mail
    await requestPasswordReset(t.db, email, APP_URL, new Date(now.getTime() + 5 * 60_000));
    expect(await mailsTo(email)).toEqual(["verify_email", "password_reset", "password_reset"]);
    await deliver();
    const mails = inbox.messages().filter((m) => m.to.includes(email) && /Reset your/.test(m.subject));
    expect(mails).toHaveLength(2);
    const [older, newer] = mails.map((m) => tokenOf(linkIn(m, "/reset-password", APP_URL)));

    const version = await readSessionVersion(t.db, user.id);
    expect(
      await resetPassword(t.db, newer!, "a brand new password", APP_URL, new Date(now.getTime() + 6 * 60_000)),
    ).toEqual({
      ok: true,
      email,
    });
    expect(await readSessionVersion(t.db, user.id)).toBe(version + 1);
    expect(await authenticate(t.db, email, "a brand new password")).toMatchObject({ ok: true });
    expect(await authenticate(t.db, email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    // The older link was voided by the reset; the used one is used.
    expect(await resetPassword(t.db, older!, "another password", APP_URL)).toEqual({ ok: false, reason: "used" });
    expect(await resetPassword(t.db, newer!, "another password", APP_URL)).toEqual({ ok: false, reason: "used" });
    expect(await mailsTo(email)).toContain("password_changed");
    // The link proved the address: the account is verified and has its free tokens.
    expect(await balanceOf(user.id)).toBe("100000");
  });

  it("refuses an expired link and changes nothing", async () => {
    const email = nextEmail("late");
    await newUser(email);
    const now = new Date("2026-12-01T10:00:00.000Z");
    await requestPasswordReset(t.db, email, APP_URL, now);
    const [row] = await t.sql<{ url: string }>(
      "SELECT data->>'url' AS url FROM mail_outbox WHERE recipient = $1 AND template = 'password_reset'",
      [email],
    );
    expect(
      await resetPassword(t.db, tokenOf(row!.url), "too late now", APP_URL, new Date(now.getTime() + 3_600_000)),
    ).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await authenticate(t.db, email, PASSWORD)).toMatchObject({ ok: true });
  });

  it("queues nothing for an address without an account, and answers the same", async () => {
    const email = nextEmail("nobody");
    await expect(requestPasswordReset(t.db, email, APP_URL)).resolves.toBeUndefined();
    expect(await mailsTo(email)).toEqual([]);
  });
});
