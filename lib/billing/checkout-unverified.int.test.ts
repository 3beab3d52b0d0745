// Nothing is sold to a user whose address is not confirmed: such a user has no token account, so a
// payment would have nowhere to grant its tokens. Checkout refuses before Stripe is asked anything.
import { describe, expect, it } from "vitest";
import { billingTestHarness } from "@/test/billing/harness";
import { NoTokenAccount, startCheckout } from "./checkout";

const h = billingTestHarness();

describe("checkout before the address is confirmed", () => {
  it("is refused for a plan and for a pack, with no Stripe customer or session created", async () => {
    const user = await h.t.db.user.create({ data: { email: "unconfirmed@example.com", name: "Una" } });
    for (const item of [
      { kind: "plan" as const, id: "pro" },
      { kind: "pack" as const, id: "starter" },
    ]) {
      await expect(startCheckout(h.ctx, user, item)).rejects.toBeInstanceOf(NoTokenAccount);
    }
    expect((await h.stripe.customers.list({ email: user.email })).data).toEqual([]);
    expect(await h.subscriptionRow(user.id)).toBeUndefined();
  });

  it("goes ahead once the account exists", async () => {
    const user = await h.newUser("confirmed");
    await expect(startCheckout(h.ctx, user, { kind: "pack", id: "starter" })).resolves.toMatchObject({
      kind: "checkout",
    });
  });
});
