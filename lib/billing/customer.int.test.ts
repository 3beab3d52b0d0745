// One Stripe customer per user, also under concurrency.
import { describe, expect, it } from "vitest";
import { ensureCustomer, META_USER, updateCustomerEmail, userIdForCustomer } from "./customer";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();

describe("ensureCustomer", () => {
  it("20 concurrent calls for one user create one customer, with the user id in its metadata, stored once", async () => {
    const user = await h.newUser("cust");
    const ids = await Promise.all(Array.from({ length: 20 }, () => ensureCustomer(h.ctx, user)));
    expect(new Set(ids).size).toBe(1);
    const customers = await h.stripe.customers.list({ email: user.email, limit: 100 });
    expect(customers.data.map((c) => c.id)).toEqual([ids[0]]);
    expect(customers.data[0]!.metadata[META_USER]).toBe(user.id);
    expect((await h.subscriptionRow(user.id))!.stripe_customer_id).toBe(ids[0]);
    expect(await ensureCustomer(h.ctx, user, { verify: true })).toBe(ids[0]);
  });

  it("different users get different customers, concurrently", async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => h.newUser("cust-many")));
    const ids = await Promise.all(users.flatMap((u) => [ensureCustomer(h.ctx, u), ensureCustomer(h.ctx, u)]));
    expect(new Set(ids).size).toBe(5);
    for (const [i, user] of users.entries()) expect(await userIdForCustomer(h.ctx, h.t.db, ids[i * 2]!)).toBe(user.id);
  });

  it("replaces a stored customer Stripe no longer has, when asked to verify", async () => {
    const user = await h.newUser("cust-gone");
    await ensureCustomer(h.ctx, user);
    // A customer this Stripe account does not have (a development database that outlived its
    // simulator; the simulator has no DELETE /v1/customers to delete one for real).
    const first = `cus_gone${user.id.slice(0, 12)}`;
    await h.t.sql("UPDATE user_subscriptions SET stripe_customer_id = $1 WHERE user_id = $2", [first, user.id]);
    expect(await ensureCustomer(h.ctx, user)).toBe(first); // no verification: the stored id
    const replaced = await ensureCustomer(h.ctx, user, { verify: true });
    expect(replaced).not.toBe(first);
    expect((await h.subscriptionRow(user.id))!.stripe_customer_id).toBe(replaced);
  });

  it("finds the user of a customer whose link was never stored, from its metadata; not a stranger's", async () => {
    const user = await h.newUser("cust-meta");
    const customer = await h.stripe.customers.create({ email: user.email, metadata: { [META_USER]: user.id } });
    expect(await userIdForCustomer(h.ctx, h.t.db, customer.id)).toBe(user.id);
    expect((await h.subscriptionRow(user.id))!.stripe_customer_id).toBe(customer.id);
    const stranger = await h.stripe.customers.create({ email: "stranger@example.com" });
    expect(await userIdForCustomer(h.ctx, h.t.db, stranger.id)).toBeNull();
  });
});

describe("updateCustomerEmail", () => {
  it("points the user's customer at the new address, and does nothing for a user without a customer", async () => {
    const user = await h.newUser("cust-move");
    expect(await updateCustomerEmail(h.ctx, user.id, "moved@example.com")).toBe(false);
    const id = await ensureCustomer(h.ctx, user);
    expect(await updateCustomerEmail(h.ctx, user.id, "moved@example.com")).toBe(true);
    const customer = await h.stripe.customers.retrieve(id);
    expect(!customer.deleted && customer.email).toBe("moved@example.com");
  });
});
