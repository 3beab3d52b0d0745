// Stripe's hosted pages speak the user's language: Checkout Sessions and Billing Portal sessions
// carry the UI locale as Stripe's `locale` parameter, and the simulator (following Stripe's spec)
// echoes it on the session object, refusing a value outside the spec's enum.
import { describe, expect, it } from "vitest";
import { billingTestHarness } from "@/test/billing/harness";
import { startCheckout } from "./checkout";
import { openPortal } from "./portal";

const h = billingTestHarness();

describe("the locale on Stripe's pages", () => {
  it("passes the user's locale to a pack checkout and a plan checkout", async () => {
    const user = await h.newUser("locale-fr");
    for (const item of [
      { kind: "pack" as const, id: "starter" },
      { kind: "plan" as const, id: "essential" },
    ]) {
      const destination = await startCheckout(h.ctx, user, item, "fr");
      if (destination.kind !== "checkout") throw new Error(`expected a checkout, got ${destination.kind}`);
      const session = await h.stripe.checkout.sessions.retrieve(destination.sessionId);
      expect(session.locale).toBe("fr");
    }
  });

  it("leaves the locale unset (Stripe's default) without one", async () => {
    const user = await h.newUser("locale-none");
    const destination = await startCheckout(h.ctx, user, { kind: "pack", id: "starter" });
    if (destination.kind !== "checkout") throw new Error("expected a checkout");
    expect((await h.stripe.checkout.sessions.retrieve(destination.sessionId)).locale).toBeNull();
  });

  it("opens the portal in the user's locale, which the portal session echoes", async () => {
    const user = await h.newUser("locale-portal");
    await openPortal(h.ctx, user, "fr");
    const request = h.sim.requests.filter((r) => r.path === "/v1/billing_portal/sessions").at(-1);
    expect(request?.params).toMatchObject({ locale: "fr" });
    const customer = await h.stripe.customers.create({ email: `echo-${user.email}` });
    const session = await h.stripe.billingPortal.sessions.create({ customer: customer.id, locale: "fr" });
    expect(session.locale).toBe("fr");
  });

  it("is refused by the simulator outside Stripe's enum, as Stripe does", async () => {
    const user = await h.newUser("locale-bad");
    const customer = await h.stripe.customers.create({ email: user.email });
    await expect(
      h.stripe.billingPortal.sessions.create({ customer: customer.id, locale: "xx-XX" }),
    ).rejects.toMatchObject({ statusCode: 400, param: "locale" });
  });
});
