// Helpers of billing's integration tests (not a test file itself): a user whose Stripe customer
// lives on a test clock, advancing that clock through the real SDK, and confirming a plan change on
// the simulator's hosted portal page as a browser would.
import { expect } from "vitest";
import { META_USER } from "../../lib/billing/customer";
import type { BillingHarness } from "./harness";

/** `user`'s Stripe customer is created on test clock `clockId` (as a test does in the Dashboard) and linked. */
export async function customerOnClock(
  h: BillingHarness,
  user: { id: string; email: string },
  clockId: string,
): Promise<string> {
  const customer = await h.stripe.customers.create({
    email: user.email,
    test_clock: clockId,
    metadata: { [META_USER]: user.id },
  });
  await h.t.db.userSubscription.upsert({
    where: { userId: user.id },
    create: { userId: user.id, stripeCustomerId: customer.id },
    update: { stripeCustomerId: customer.id },
  });
  return customer.id;
}

/** Advances test clock `clockId` to `toSeconds`; resolves once it is ready and its webhooks were delivered. */
export async function advanceTestClock(h: BillingHarness, clockId: string, toSeconds: number): Promise<void> {
  await h.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: Math.floor(toSeconds) });
  for (;;) {
    const clock = await h.stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === "ready") break;
    if (clock.status !== "advancing") throw new Error(`test clock ${clockId} is ${clock.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await h.sim.settled();
}

/** Opens the portal page at `url` and presses its Confirm button, as a browser would (303 back to the app). */
export async function confirmInPortal(h: BillingHarness, url: string): Promise<void> {
  const html = await (await fetch(url)).text();
  const form = html
    .split("<form")
    .slice(1)
    .find((fm) => fm.includes("Confirm"));
  if (!form) throw new Error("the portal page has no Confirm button");
  const action = /action="([^"]+)"/.exec(form)![1]!;
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  const res = await fetch(new URL(action, h.sim.url).href, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
}
