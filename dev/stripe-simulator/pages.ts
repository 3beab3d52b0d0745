// Hosted pages: plain server-rendered HTML forms (no JavaScript), labelled for screen readers and
// for Playwright's role/label locators.
//   GET  /c/pay/:session            checkout page: line items, total, Pay / delayed / declined, cancel link
//   POST /c/pay/:session            form field `outcome` → completes the session, 303 to success_url
//   GET  /p/session/:id             portal: subscriptions, plan switch, cancel / renew, return link
//   POST /p/session/:id/update      fields `subscription`, `price` → plan switch
//   POST /p/session/:id/cancel      field `subscription` → cancel (at period end unless configured otherwise)
//   POST /p/session/:id/renew       field `subscription` → undo a pending cancellation
//   GET  /invoices/:id, /receipts/:id   an invoice's hosted page, a charge's receipt
import { StripeError } from "./errors";
import { CHECKOUT_OUTCOMES, type CheckoutOutcome, type StripeEngine } from "./engine";
import type { CheckoutDetails } from "./checkout-tax";
import type { FormObject } from "./form";
import { checkoutDetailsOf, checkoutFields, checkoutTotalsRows } from "./checkout-page";
import type { Charge, CheckoutSession, Invoice, PortalSession, Price, Subscription } from "./types";

export interface PageResult {
  status: number;
  html?: string;
  location?: string;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function money(amount: number, currency: string): string {
  const value = (amount / 100).toFixed(2);
  return currency.toLowerCase() === "usd" ? `$${value}` : `${value} ${currency.toUpperCase()}`;
}

function date(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  .banner { background: #fff4d6; border: 1px solid #e6c35c; padding: .5rem .75rem; border-radius: .375rem; font-size: .875rem; }
  .error { background: #fde8e8; border: 1px solid #e08080; padding: .5rem .75rem; border-radius: .375rem; }
  .notice { background: #e6f6ea; border: 1px solid #7cc48f; padding: .5rem .75rem; border-radius: .375rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  th, td { text-align: left; padding: .375rem; border-bottom: 1px solid #ddd; }
  td.num, th.num { text-align: right; }
  button { font: inherit; padding: .5rem 1rem; border-radius: .375rem; border: 1px solid #555; background: #fff; cursor: pointer; margin: .25rem .25rem .25rem 0; }
  button.primary { background: #635bff; border-color: #635bff; color: #fff; }
  fieldset { border: 1px solid #ccc; border-radius: .375rem; margin: 1rem 0; }
  section { border: 1px solid #ddd; border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }
</style>
</head>
<body>
<p class="banner" role="note">Stripe simulator — test mode. No real payment is made.</p>
${body}
</body>
</html>`;
}

export function notFound(what: string): PageResult {
  return { status: 404, html: layout("Not found", `<main><h1>Not found</h1><p>${escapeHtml(what)}</p></main>`) };
}

// ------------------------------------------------------------------ checkout

export function renderCheckout(
  engine: StripeEngine,
  sessionId: string,
  error?: string,
  entered: CheckoutDetails = {},
): PageResult {
  const session = engine.store.get<CheckoutSession>("checkout.session", sessionId);
  if (!session) return notFound("This checkout session does not exist.");
  if (session.status === "complete") {
    const success = engine.successRedirect(session);
    return {
      status: 200,
      html: layout(
        "Payment complete",
        `<main><h1>Payment complete</h1><p>This checkout session is already complete.</p>${success ? `<p><a href="${escapeHtml(success)}">Continue</a></p>` : ""}</main>`,
      ),
    };
  }
  if (session.status === "expired") {
    return {
      status: 410,
      html: layout("Session expired", `<main><h1>Session expired</h1><p>This checkout session has expired.</p></main>`),
    };
  }
  const items = engine.lineItemsOf(session.id);
  const rows = items
    .map(
      (li) =>
        `<tr><td>${escapeHtml(li.description)}${li.price.recurring ? ` <small>(billed every ${li.price.recurring.interval_count > 1 ? `${li.price.recurring.interval_count} ` : ""}${escapeHtml(li.price.recurring.interval)})</small>` : ""}</td><td class="num">${li.quantity}</td><td class="num">${money(li.amount_total, li.currency)}</td></tr>`,
    )
    .join("\n");
  const email = session.customer ? engine.store.get("customer", session.customer)?.email : session.customer_email;
  const verb = session.mode === "subscription" ? "Subscribe" : "Pay";
  let totals: { subtotal: number; discount: number; tax: number; total: number } | null = null;
  try {
    totals = engine.previewCheckout(session.id, entered);
  } catch {
    totals = engine.previewCheckout(session.id, { ...entered, promotionCode: undefined, taxId: undefined });
  }
  const settings = engine.adjustments.sessionSettings(session.id);
  const body = `<main>
<h1>${session.mode === "subscription" ? "Subscribe" : "Checkout"}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
${email ? `<p>Paying as <strong>${escapeHtml(email)}</strong></p>` : ""}
<table aria-label="Order summary">
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot>${checkoutTotalsRows(totals, session.currency)}</tfoot>
</table>
<form method="post" action="/c/pay/${escapeHtml(session.id)}">
${checkoutFields(settings, entered)}
${cardField(engine, session, entered)}
<button type="submit" class="primary" name="outcome" value="paid">${verb} ${money(totals.total, session.currency)}</button>
<fieldset>
<legend>Other test outcomes</legend>
<button type="submit" name="outcome" value="async_success">Pay with delayed method (succeeds later)</button>
<button type="submit" name="outcome" value="async_failure">Pay with delayed method (fails later)</button>
<button type="submit" name="outcome" value="declined">Card declined</button>
</fieldset>
</form>
${session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel and return</a></p>` : ""}
</main>`;
  return { status: 200, html: layout(`${verb} — Stripe simulator`, body) };
}

/**
 * The card the buyer pays with: one of Stripe's test cards, by what it does. When the card is saved
 * (a subscription, or a payment with `setup_future_usage`) the page says so, as Stripe's does.
 */
function cardField(engine: StripeEngine, session: CheckoutSession, entered: CheckoutDetails): string {
  const chosen = entered.card ?? "4242424242424242";
  const options = [
    ["4242424242424242", "Visa •••• 4242 — succeeds"],
    ["4000000000000002", "Visa •••• 0002 — declined (card_declined)"],
    [
      "4000002760003184",
      "Visa •••• 3184 — needs 3-D Secure on every payment (authenticated now; later off-session payments need it)",
    ],
  ]
    .map(
      ([value, label]) =>
        `<option value="${value}"${value === chosen ? " selected" : ""}>${escapeHtml(label)}</option>`,
    )
    .join("");
  const saved = session.mode === "subscription" || engine.savesCard(session.id);
  return `<p><label>Card (Stripe test card) <select name="card">${options}</select></label></p>
${saved ? `<p role="note">Your card will be saved: you allow the seller to charge it for future payments in accordance with their terms.</p>` : ""}`;
}

export function submitCheckout(engine: StripeEngine, sessionId: string, form: FormObject): PageResult {
  const session = engine.store.get<CheckoutSession>("checkout.session", sessionId);
  if (!session) return notFound("This checkout session does not exist.");
  const details = checkoutDetailsOf(form);
  if (form.intent === "apply") {
    // "Apply" / "Update total": the same page with the entered address and code priced.
    try {
      engine.previewCheckout(sessionId, details);
    } catch (error) {
      if (error instanceof StripeError)
        return renderWithStatus(renderCheckout(engine, sessionId, error.message, details), error.status);
      throw error;
    }
    return renderCheckout(engine, sessionId, undefined, details);
  }
  const outcome = typeof form.outcome === "string" ? form.outcome : "paid";
  if (!(CHECKOUT_OUTCOMES as readonly string[]).includes(outcome)) {
    return renderWithStatus(renderCheckout(engine, sessionId, `Unknown outcome "${outcome}".`, details), 400);
  }
  try {
    engine.completeCheckout(sessionId, outcome as CheckoutOutcome, details);
  } catch (error) {
    if (error instanceof StripeError)
      return renderWithStatus(renderCheckout(engine, sessionId, error.message, details), error.status);
    throw error;
  }
  const success = engine.successRedirect(session);
  if (success) return { status: 303, location: success };
  return {
    status: 200,
    html: layout(
      "Payment complete",
      `<main><h1>Payment complete</h1><p role="status">Thank you. This session is complete.</p></main>`,
    ),
  };
}

function renderWithStatus(result: PageResult, status: number): PageResult {
  return { ...result, status };
}

// ------------------------------------------------------------------ portal

function describePrice(engine: StripeEngine, price: Price): string {
  const r = price.recurring;
  const every = r ? ` / ${r.interval_count > 1 ? `${r.interval_count} ` : ""}${r.interval}` : "";
  return `${engine.productName(price)} — ${money(price.unit_amount, price.currency)}${every}`;
}

function planPicker(engine: StripeEngine, session: PortalSession, sub: Subscription): string {
  const config = engine.portalConfiguration(session);
  const update = config.features.subscription_update as { enabled?: boolean };
  if (update.enabled !== true) return "";
  const currentPrice = sub.items.data[0]?.price;
  const current = currentPrice?.id;
  // Only prices the subscription can move to: same currency and billing interval.
  const prices = engine
    .portalPrices(config)
    .filter(
      (p) =>
        !currentPrice?.recurring ||
        (p.currency === currentPrice.currency &&
          p.recurring!.interval === currentPrice.recurring.interval &&
          p.recurring!.interval_count === currentPrice.recurring.interval_count),
    );
  if (prices.length === 0) return "";
  const options = prices
    .map((p, i) => {
      const id = `price-${escapeHtml(sub.id)}-${i}`;
      const isCurrent = p.id === current;
      return `<div><input type="radio" id="${id}" name="price" value="${escapeHtml(p.id)}"${isCurrent ? " disabled" : ""}><label for="${id}">${escapeHtml(describePrice(engine, p))}${isCurrent ? " (current plan)" : ""}</label></div>`;
    })
    .join("\n");
  return `<form method="post" action="/p/session/${escapeHtml(session.id)}/update">
<input type="hidden" name="subscription" value="${escapeHtml(sub.id)}">
<fieldset><legend>Change plan</legend>
${options}
</fieldset>
<button type="submit" class="primary">Update plan</button>
</form>`;
}

function subscriptionSection(
  engine: StripeEngine,
  session: PortalSession,
  sub: Subscription,
  options: { picker: boolean; cancel: boolean },
): string {
  const item = sub.items.data[0];
  const plan = item ? describePrice(engine, item.price) : "—";
  const end = engine.periodEnd(sub);
  const cancelEnabled =
    (engine.portalConfiguration(session).features.subscription_cancel as { enabled?: boolean }).enabled === true;
  const cancelControls = sub.cancel_at_period_end
    ? `<p>Your plan will be canceled on <strong>${date(end)}</strong>.</p>
<form method="post" action="/p/session/${escapeHtml(session.id)}/renew"><input type="hidden" name="subscription" value="${escapeHtml(sub.id)}"><button type="submit">Renew plan</button></form>`
    : options.cancel && cancelEnabled
      ? `<form method="post" action="/p/session/${escapeHtml(session.id)}/cancel"><input type="hidden" name="subscription" value="${escapeHtml(sub.id)}"><button type="submit">Cancel plan</button></form>`
      : "";
  return `<section aria-label="Subscription ${escapeHtml(sub.id)}">
<h2>Current plan</h2>
<p data-testid="portal-plan">${escapeHtml(plan)}</p>
<p>Status: <strong>${escapeHtml(sub.status)}</strong>. ${sub.cancel_at_period_end ? "Ends" : "Renews"} on ${date(end)}.</p>
${options.picker && !sub.cancel_at_period_end ? planPicker(engine, session, sub) : ""}
${cancelControls}
</section>`;
}

function flowSection(engine: StripeEngine, session: PortalSession): string | null {
  const flow = session.flow;
  if (!flow) return null;
  if (flow.subscription_update) {
    const sub = engine.subscription(flow.subscription_update.subscription);
    return subscriptionSection(engine, session, sub, { picker: true, cancel: false });
  }
  if (flow.subscription_update_confirm) {
    const confirm = flow.subscription_update_confirm;
    const sub = engine.subscription(confirm.subscription);
    const target = confirm.items[0];
    if (!target) return null;
    const current = sub.items.data.find((i) => i.id === target.id);
    const next = engine.price(target.price);
    return `<section aria-label="Confirm plan change">
<h2>Confirm your new plan</h2>
<p>From: ${escapeHtml(current ? describePrice(engine, current.price) : "—")}</p>
<p>To: <strong>${escapeHtml(describePrice(engine, next))}</strong></p>
<form method="post" action="/p/session/${escapeHtml(session.id)}/update">
<input type="hidden" name="subscription" value="${escapeHtml(sub.id)}">
<input type="hidden" name="price" value="${escapeHtml(next.id)}">
<button type="submit" class="primary">Confirm</button>
</form>
</section>`;
  }
  if (flow.subscription_cancel) {
    const sub = engine.subscription(flow.subscription_cancel.subscription);
    return `<section aria-label="Cancel subscription">
<h2>Cancel your plan</h2>
<p>${escapeHtml(describePrice(engine, sub.items.data[0]!.price))}</p>
<form method="post" action="/p/session/${escapeHtml(session.id)}/cancel">
<input type="hidden" name="subscription" value="${escapeHtml(sub.id)}">
<button type="submit" class="primary">Cancel plan</button>
</form>
</section>`;
  }
  return null;
}

const NOTICES: Record<string, string> = {
  updated: "Your plan has been updated.",
  canceled: "Your plan has been canceled.",
  renewed: "Your plan has been renewed.",
};

export function renderPortal(
  engine: StripeEngine,
  sessionId: string,
  query: URLSearchParams,
  error?: string,
): PageResult {
  const session = engine.store.get<PortalSession>("billing_portal.session", sessionId);
  if (!session) return notFound("This portal session does not exist.");
  const customer = engine.customer(session.customer);
  const done = query.get("done");
  const notice = done && NOTICES[done] ? `<p class="notice" role="status">${escapeHtml(NOTICES[done])}</p>` : "";
  // A flow shows only its own step until it is done; then the portal home page.
  const flowHtml = done ? null : flowSection(engine, session);
  const subs = engine.liveSubscriptions(customer.id);
  const main =
    flowHtml ??
    (subs.length > 0
      ? subs.map((s) => subscriptionSection(engine, session, s, { picker: true, cancel: true })).join("\n")
      : `<p>No active subscription.</p>`);
  const returnLink = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to app</a></p>` : "";
  const body = `<main>
<h1>Billing</h1>
<p>${escapeHtml(customer.email ?? customer.name ?? customer.id)}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
${notice}
${main}
${returnLink}
</main>`;
  return { status: 200, html: layout("Billing portal — Stripe simulator", body) };
}

/** Where to go once a portal action is done: the flow's redirect, or back to the portal with a notice. */
function afterAction(session: PortalSession, done: "updated" | "canceled" | "renewed"): PageResult {
  const flow = session.flow;
  if (flow && flow.after_completion.type === "redirect" && flow.after_completion.redirect) {
    return { status: 303, location: flow.after_completion.redirect.return_url };
  }
  if (flow && flow.after_completion.type === "hosted_confirmation") {
    const message = flow.after_completion.hosted_confirmation?.custom_message ?? NOTICES[done];
    return {
      status: 200,
      html: layout(
        "Done — Stripe simulator",
        `<main><h1>Done</h1><p role="status">${escapeHtml(message)}</p>${session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to app</a></p>` : ""}</main>`,
      ),
    };
  }
  return { status: 303, location: `/p/session/${session.id}?done=${done}` };
}

export function submitPortal(engine: StripeEngine, sessionId: string, action: string, form: FormObject): PageResult {
  const session = engine.store.get<PortalSession>("billing_portal.session", sessionId);
  if (!session) return notFound("This portal session does not exist.");
  const subscription = typeof form.subscription === "string" ? form.subscription : "";
  const price = typeof form.price === "string" ? form.price : "";
  try {
    if (!subscription) throw new StripeError(400, "invalid_request_error", "Choose a subscription.");
    if (action === "update") {
      if (!price) throw new StripeError(400, "invalid_request_error", "Choose a plan.");
      engine.portalSwitchPlan(session, subscription, price);
      return afterAction(session, "updated");
    }
    if (action === "cancel") {
      engine.portalCancel(session, subscription);
      return afterAction(session, "canceled");
    }
    if (action === "renew") {
      engine.portalRenew(session, subscription);
      return afterAction(session, "renewed");
    }
    return notFound(`Unknown portal action "${action}".`);
  } catch (error) {
    if (error instanceof StripeError)
      return renderWithStatus(
        renderPortal(engine, sessionId, new URLSearchParams(), error.message),
        error.status >= 500 ? 500 : 400,
      );
    throw error;
  }
}

// ------------------------------------------------------------------ invoice and receipt

/** `hosted_invoice_url` (`/invoices/:id`): the invoice's lines and status. */
export function renderInvoice(engine: StripeEngine, invoiceId: string): PageResult {
  const invoice = engine.store.get<Invoice>("invoice", invoiceId);
  if (!invoice) return notFound("This invoice does not exist.");
  const rows = invoice.lines.data
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.description)}</td><td>${date(l.period.start)} – ${date(l.period.end)}</td><td class="num">${money(l.amount, invoice.currency)}</td></tr>`,
    )
    .join("\n");
  return {
    status: 200,
    html: layout(
      `Invoice ${invoice.number ?? invoice.id}`,
      `<main><h1>Invoice ${escapeHtml(invoice.number ?? invoice.id)}</h1>
<p>Status: <strong>${escapeHtml(invoice.status)}</strong> · ${escapeHtml(invoice.billing_reason)}</p>
<table aria-label="Invoice lines"><thead><tr><th scope="col">Description</th><th scope="col">Period</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="num">${money(invoice.total, invoice.currency)}</td></tr>
<tr><th scope="row" colspan="2">Amount due</th><td class="num">${money(invoice.amount_due, invoice.currency)}</td></tr></tfoot></table></main>`,
    ),
  };
}

/** A charge's `receipt_url` (`/receipts/:id`). */
export function renderReceipt(engine: StripeEngine, chargeId: string): PageResult {
  const charge = engine.store.get<Charge>("charge", chargeId);
  if (!charge) return notFound("This receipt does not exist.");
  return {
    status: 200,
    html: layout(
      "Receipt",
      `<main><h1>Receipt</h1><p>Amount: <strong>${money(charge.amount, charge.currency)}</strong> · ${escapeHtml(charge.status)}${charge.amount_refunded > 0 ? ` · refunded ${money(charge.amount_refunded, charge.currency)}` : ""}</p></main>`,
    ),
  };
}
