// The invoice list of the subscription page: a pack purchase issues an invoice (Checkout's
// post-payment invoice) with a PDF the simulator serves; the list pages with Stripe's cursors both
// ways; and it is the signed-in user's only — another user's invoice id as a cursor shows nothing of theirs.
import { describe, expect, it } from "vitest";
import { address } from "@/dev/stripe-simulator/tax";
import { billingTestHarness } from "@/test/billing/harness";
import { startCheckout } from "./checkout";
import { invoiceCursorSchema, listInvoices } from "./invoices";

const h = billingTestHarness();

async function buyPack(user: { id: string; email: string; name: string }, packId = "starter") {
  const destination = await startCheckout(h.ctx, user, { kind: "pack", id: packId });
  if (destination.kind !== "checkout") throw new Error("expected a checkout");
  h.sim.completeCheckout(destination.sessionId, "paid", { address: address({ country: "FR" }) });
  await h.sim.settled();
  return h.stripe.checkout.sessions.retrieve(destination.sessionId);
}

describe("invoices", () => {
  it("a pack purchase issues a paid invoice, listed with its amount, tax and a PDF that opens", async () => {
    const user = await h.newUser();
    expect((await listInvoices(h.ctx, user.id)).invoices).toEqual([]); // no customer yet
    const session = await buyPack(user);
    expect(session.invoice).toMatch(/^in_/);
    const page = await listInvoices(h.ctx, user.id);
    expect(page.invoices).toHaveLength(1);
    const [invoice] = page.invoices;
    expect(invoice).toMatchObject({
      id: session.invoice,
      status: "paid",
      totalCents: 1900,
      amountPaidCents: 1900,
      taxCents: 317,
      currency: "eur",
    });
    expect(page).toMatchObject({ olderCursor: null, newerCursor: null });
    const pdf = await fetch(invoice!.pdfUrl!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = await pdf.text();
    expect(bytes.startsWith("%PDF-1.4")).toBe(true);
    expect(bytes).toContain("Total: 19.00 EUR");
    expect((await fetch(invoice!.hostedUrl!)).status).toBe(200);
    // The pack's tokens once, whatever the extra invoice events.
    expect((await h.buckets(user.id)).purchased).toBe(2_000_000n);
  });

  it("pages newest first with Stripe's cursors, older and back to newer", async () => {
    const user = await h.newUser();
    const bought: string[] = [];
    for (let i = 0; i < 5; i++) bought.push((await buyPack(user)).invoice as string);
    const newestFirst = [...bought].reverse();
    const first = await listInvoices(h.ctx, user.id, {}, 2);
    expect(first.invoices.map((i) => i.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.newerCursor).toBeNull();
    const second = await listInvoices(h.ctx, user.id, { after: first.olderCursor! }, 2);
    expect(second.invoices.map((i) => i.id)).toEqual(newestFirst.slice(2, 4));
    const third = await listInvoices(h.ctx, user.id, { after: second.olderCursor! }, 2);
    expect(third.invoices.map((i) => i.id)).toEqual(newestFirst.slice(4));
    expect(third.olderCursor).toBeNull();
    const back = await listInvoices(h.ctx, user.id, { before: third.newerCursor! }, 2);
    expect(back.invoices.map((i) => i.id)).toEqual(newestFirst.slice(2, 4));
    const top = await listInvoices(h.ctx, user.id, { before: back.newerCursor! }, 2);
    expect(top.invoices.map((i) => i.id)).toEqual(newestFirst.slice(0, 2));
    expect(top.newerCursor).toBeNull();
  });

  it("shows only the user's own invoices, whatever cursor the browser sends", async () => {
    const alice = await h.newUser("alice");
    const bob = await h.newUser("bob");
    const aliceInvoice = (await buyPack(alice)).invoice as string;
    const bobInvoice = (await buyPack(bob, "basic")).invoice as string;
    const bobs = await listInvoices(h.ctx, bob.id);
    expect(bobs.invoices.map((i) => i.id)).toEqual([bobInvoice]);
    // Alice's invoice id as Bob's cursor: still only Bob's customer is listed.
    for (const cursor of [{ after: aliceInvoice }, { before: aliceInvoice }]) {
      const page = await listInvoices(h.ctx, bob.id, cursor).catch(() => ({ invoices: [] }));
      expect(page.invoices.map((i) => i.id)).not.toContain(aliceInvoice);
    }
    // A user without a Stripe customer has none, even with a cursor.
    const carol = await h.newUser("carol");
    expect((await listInvoices(h.ctx, carol.id, { after: aliceInvoice })).invoices).toEqual([]);
  });

  it("takes a cursor from the page's query only when it is one invoice id", () => {
    expect(invoiceCursorSchema.parse({ invoices_after: "in_abc123" })).toEqual({ after: "in_abc123" });
    expect(invoiceCursorSchema.parse({ invoices_before: "in_abc123" })).toEqual({ before: "in_abc123" });
    expect(invoiceCursorSchema.parse({ invoices_after: "cus_123" })).toEqual({});
    expect(invoiceCursorSchema.parse({ invoices_after: ["in_a", "in_b"] })).toEqual({});
    expect(invoiceCursorSchema.parse({ invoices_after: "in_x'; DROP" })).toEqual({});
    expect(invoiceCursorSchema.parse({})).toEqual({});
  });
});
