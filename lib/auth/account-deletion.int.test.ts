// Deleting an account over real PostgreSQL and the loopback Stripe simulator: the subscription is
// set to cancel at the period's end first, the user is anonymised, every ledger row stays (and the
// ledger still balances), the user's unsent mail is canceled, and the deleted user cannot sign in
// while their old address can sign up again.
import { describe, expect, it } from "vitest";
import { saveAutoTopUp } from "@/lib/billing/auto-topup/settings";
import { billingTestHarness } from "@/test/billing/harness";
import { enqueueMail } from "../mail/outbox";
import { verifyLedger } from "../tokens/ledger";
import { issueAccountToken } from "./account-tokens";
import { deleteAccount, deletedEmailOf } from "./account-deletion";
import { hashPassword } from "./password";
import { readSessionVersion } from "./session-version";
import { authenticate, signUpWithPassword } from "./users";

const h = billingTestHarness();
const PASSWORD = "correct horse battery";

/** A subscribed user with a password, an OAuth link, a database session, a pending mail and an unused link. */
async function subscribedUser(label: string) {
  const user = await h.newUser(label);
  await h.t.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
  const { subscriptionId } = await h.subscribe(user, "pro");
  await h.t.sql(
    `INSERT INTO accounts (user_id, type, provider, provider_account_id) VALUES ($1, 'oauth', 'github', $2)`,
    [user.id, `gh-${user.id}`],
  );
  await h.t.sql(`INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, now() + interval '1 day')`, [
    `s-${user.id}`,
    user.id,
  ]);
  await h.t.db.$transaction(async (tx) => {
    await issueAccountToken(tx, { userId: user.id, purpose: "reset_password", email: user.email });
    await enqueueMail(tx, {
      to: user.email,
      template: "password_changed",
      data: { resetUrl: "https://tollgate.test/forgot-password" },
      idempotencyKey: `deletion-test:${user.id}`,
      userId: user.id,
    });
  });
  return { ...user, subscriptionId };
}

const deps = () => ({ db: h.t.db, stripe: h.stripe });
const userRow = (id: string) => h.t.db.user.findUnique({ where: { id } });

describe("deleting the account", () => {
  it("cancels the subscription at period end, anonymises the user, keeps every ledger row, and the ledger balances", async () => {
    const user = await subscribedUser("delete");
    const keysBefore = await h.ledgerKeys(user.id);
    expect(keysBefore.length).toBeGreaterThan(1); // the free tier and the plan's allowance
    const bucketsBefore = await h.buckets(user.id);
    const version = await readSessionVersion(h.t.db, user.id);
    // Auto top-up on (the subscription's checkout saved the card): the deletion turns it off.
    await saveAutoTopUp(h.ctx, user.id, { enabled: true, packId: "basic", thresholdTokens: 1, maxPerPeriod: 3 });

    expect(await deleteAccount(deps(), { userId: user.id, password: PASSWORD })).toEqual({ ok: true });
    expect(await h.t.db.autoTopUpSettings.findUnique({ where: { userId: user.id } })).toMatchObject({ enabled: false });

    const sub = await h.stripe.subscriptions.retrieve(user.subscriptionId);
    expect(sub).toMatchObject({ status: "active", cancel_at_period_end: true });
    await h.sim.settled();
    expect(await h.subscriptionRow(user.id)).toMatchObject({ cancel_at_period_end: true, status: "active" });

    expect(await userRow(user.id)).toMatchObject({
      email: deletedEmailOf(user.id),
      name: null,
      image: null,
      passwordHash: null,
      emailVerified: null,
      sessionVersion: version + 1,
    });
    expect(await h.ledgerKeys(user.id)).toEqual(keysBefore);
    expect(await h.buckets(user.id)).toMatchObject({
      allowance: bucketsBefore.allowance,
      purchased: bucketsBefore.purchased,
    });
    expect(await h.t.db.$transaction((tx) => verifyLedger(tx, { userIds: [user.id] }))).toEqual({
      usersChecked: 1,
      mismatches: [],
    });
    expect(await h.t.sql("SELECT 1 FROM accounts WHERE user_id = $1", [user.id])).toEqual([]);
    expect(await h.t.sql("SELECT 1 FROM sessions WHERE user_id = $1", [user.id])).toEqual([]);
    expect(
      await h.t.sql("SELECT 1 FROM account_tokens WHERE user_id = $1 AND (used_at IS NULL OR email = $2)", [
        user.id,
        user.email,
      ]),
    ).toEqual([]);
    // Every mail still unsent at the deletion is canceled (the sign-up's, the subscription's), and the
    // cancellation's webhook, which arrives after it, queues none to the anonymised address.
    const mails = await h.t.sql<{ status: string; recipient: string }>(
      "SELECT status::text, recipient FROM mail_outbox WHERE user_id = $1",
      [user.id],
    );
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.every((m) => m.status === "canceled" && m.recipient === deletedEmailOf(user.id))).toBe(true);

    // The deleted user cannot sign in; the address can sign up again, as somebody new.
    expect(await authenticate(h.t.db, user.email, PASSWORD)).toEqual({ ok: false, reason: "invalid" });
    const again = await signUpWithPassword(
      h.t.db,
      { email: user.email, password: "a new life", name: undefined },
      { appUrl: "https://tollgate.test" },
    );
    expect(again).toMatchObject({ ok: true, outcome: "created" });
    expect(again.ok && again.user.id).not.toBe(user.id);
    // Deleting twice is refused.
    expect(await deleteAccount(deps(), { userId: user.id, password: PASSWORD })).toEqual({
      ok: false,
      reason: "no_user",
    });
  });

  it("refuses a wrong password and changes nothing, in Stripe or here", async () => {
    const user = await subscribedUser("delete-wrong");
    expect(await deleteAccount(deps(), { userId: user.id, password: "not my password" })).toEqual({
      ok: false,
      reason: "wrong_password",
    });
    expect(await deleteAccount(deps(), { userId: user.id })).toEqual({ ok: false, reason: "wrong_password" });
    expect((await h.stripe.subscriptions.retrieve(user.subscriptionId)).cancel_at_period_end).toBe(false);
    expect(await userRow(user.id)).toMatchObject({ email: user.email, name: "Ada" });
    expect(await authenticate(h.t.db, user.email, PASSWORD)).toMatchObject({ ok: true });
  });

  it("deletes nothing when Stripe refuses the cancellation, or billing is not configured", async () => {
    const user = await h.newUser("delete-refused");
    await h.t.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    await h.t.sql(
      "INSERT INTO user_subscriptions (user_id, stripe_subscription_id, status, updated_at) VALUES ($1, $2, 'active', now())",
      [user.id, `sub_unknown_${user.id}`],
    );
    const errors: unknown[] = [];
    expect(
      await deleteAccount(
        { ...deps(), onStripeError: (error) => errors.push(error) },
        { userId: user.id, password: PASSWORD },
      ),
    ).toEqual({ ok: false, reason: "stripe_refused" });
    expect(errors).toHaveLength(1);
    expect(await deleteAccount({ db: h.t.db, stripe: null }, { userId: user.id, password: PASSWORD })).toEqual({
      ok: false,
      reason: "billing_unavailable",
    });
    expect(await userRow(user.id)).toMatchObject({ email: user.email });
  });

  it("confirms an account without a password by its typed address", async () => {
    const user = await h.newUser("delete-oauth");
    expect(await deleteAccount(deps(), { userId: user.id, confirmEmail: "someone-else@example.com" })).toEqual({
      ok: false,
      reason: "wrong_confirmation",
    });
    expect(await deleteAccount(deps(), { userId: user.id, password: "anything" })).toEqual({
      ok: false,
      reason: "wrong_confirmation",
    });
    expect(await deleteAccount(deps(), { userId: user.id, confirmEmail: user.email })).toEqual({ ok: true });
    expect(await userRow(user.id)).toMatchObject({ email: deletedEmailOf(user.id) });
  });
});
