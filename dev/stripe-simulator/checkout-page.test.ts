// The checkout page's billing address, VAT number and promotion code, driven like a browser
// without JavaScript: "Apply" re-prices the page, Pay completes it with what was entered; the
// pack's post-payment invoice and its PDF follow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulatorFixture, type SimulatorFixture } from "./testing";

let f: SimulatorFixture;
beforeAll(async () => {
  f = await startSimulatorFixture();
});
afterAll(() => f.close());

const post = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

describe("checkout page with tax and promotion codes", () => {
  it("prices a French address and a code, then pays with them and issues the invoice with its PDF", async () => {
    const price = await f.stripe.prices.create({
      currency: "eur",
      unit_amount: 1900,
      tax_behavior: "exclusive",
      product_data: { name: "Starter pack" },
    });
    const customer = await f.stripe.customers.create({ email: "ada@example.com" });
    f.sim.createPromotionCode({ code: "WELCOME20", percentOff: 20 });
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "http://localhost:3999/done?session_id={CHECKOUT_SESSION_ID}",
      automatic_tax: { enabled: true },
      billing_address_collection: "required",
      customer_update: { address: "auto", name: "auto" },
      tax_id_collection: { enabled: true },
      allow_promotion_codes: true,
      invoice_creation: { enabled: true },
    });
    const page = await (await fetch(session.url!)).text();
    for (const label of ["Country or region", "VAT number (optional)", "Promotion code", "Apply"])
      expect(page).toContain(label);

    const entered = { country: "FR", name: "Ada Lovelace", promotion_code: "welcome20" };
    const bad = await post(session.url!, { ...entered, promotion_code: "NOPE", intent: "apply" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("This code is invalid.");
    const applied = await (await post(session.url!, { ...entered, intent: "apply" })).text();
    // 19.00 − 20 % = 15.20, + 20 % VAT = 3.04 → 18.24.
    expect(applied).toContain('data-testid="checkout-discount">-3.80 EUR');
    expect(applied).toContain('data-testid="checkout-tax">3.04 EUR');
    expect(applied).toContain("Pay 18.24 EUR");
    expect((await f.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const paid = await post(session.url!, { ...entered, outcome: "paid" });
    expect(paid.status).toBe(303);
    const done = await f.stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({
      status: "complete",
      payment_status: "paid",
      amount_subtotal: 1900,
      amount_total: 1824,
    });
    expect(done.total_details).toMatchObject({ amount_discount: 380, amount_tax: 304 });
    expect(done.customer_details?.address?.country).toBe("FR");
    const invoice = await f.stripe.invoices.retrieve(done.invoice as string);
    expect(invoice).toMatchObject({ status: "paid", total: 1824, amount_paid: 1824, billing_reason: "manual" });
    expect(invoice.total_discount_amounts?.[0]?.amount).toBe(380);
    const pdf = await fetch(invoice.invoice_pdf!);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(await pdf.text()).toMatch(/^%PDF-1\.4[\s\S]*Total: 18\.24 EUR[\s\S]*%%EOF\n$/);
    const listed = await f.stripe.invoices.list({ customer: customer.id, limit: 1 });
    expect(listed.data.map((i) => i.id)).toEqual([invoice.id]);
  });
});
