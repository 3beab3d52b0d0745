// A small HTML dashboard at the simulator's root (`/`) for people running `npm run dev`: the
// subscriptions with "Advance to next period" / "Fail next payment" / "Pay invoice", charges with
// "Refund" / "Dispute", pending delayed payments, the webhook switches and the latest events with
// their delivery state. Plain forms posting to `/_dashboard/...`, each answered by a 303 back to `/`.
import { StripeError } from "./errors";
import type { FormObject } from "./form";
import { escapeHtml } from "./pages";
import type { StripeSimulator } from "./server";
import type { Charge, Customer, Invoice, Subscription } from "./types";

export interface DashboardResult {
  status: number;
  html?: string;
  location?: string;
}

function button(action: string, label: string, fields: Record<string, string> = {}): string {
  const hidden = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  return `<form method="post" action="${escapeHtml(action)}" style="display:inline">${hidden}<button type="submit">${escapeHtml(label)}</button></form>`;
}

function date(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 16);
}

export function renderDashboard(sim: StripeSimulator, message: string | null): DashboardResult {
  const customers = new Map(sim.objects<Customer>("customer").map((c) => [c.id, c]));
  const who = (id: string | null) => (id ? escapeHtml(customers.get(id)?.email ?? id) : "—");
  const subs = sim.objects<Subscription>("subscription").reverse();
  const subRows = subs
    .map((s) => {
      const item = s.items.data[0];
      const end = Math.max(...s.items.data.map((i) => i.current_period_end));
      const live = ["active", "past_due", "trialing", "unpaid"].includes(s.status);
      const openInvoice = sim.objects<Invoice>("invoice").find((i) => i.id === s.latest_invoice && i.status === "open");
      return `<tr><td>${escapeHtml(s.id)}</td><td>${who(s.customer)}</td><td>${escapeHtml(item?.price.lookup_key ?? item?.price.id ?? "")}</td><td>${escapeHtml(s.status)}${s.cancel_at_period_end ? " (cancels at period end)" : ""}</td><td>${date(end)}</td><td>
${live ? button(`/_dashboard/subscriptions/${s.id}/advance`, s.cancel_at_period_end ? "End period (cancel)" : "Advance to next period") : ""}
${live ? button(`/_dashboard/customers/${s.customer}/fail-next-payment`, "Fail next payment") : ""}
${openInvoice ? button(`/_dashboard/invoices/${openInvoice.id}/pay`, "Pay invoice") : ""}
</td></tr>`;
    })
    .join("\n");
  const chargeRows = sim
    .objects<Charge>("charge")
    .reverse()
    .slice(0, 20)
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.id)}</td><td>${who(c.customer)}</td><td>${(c.amount / 100).toFixed(2)} ${escapeHtml(c.currency.toUpperCase())}</td><td>${escapeHtml(c.status)}${c.refunded ? ", refunded" : c.amount_refunded > 0 ? `, ${(c.amount_refunded / 100).toFixed(2)} refunded` : ""}${c.disputed ? ", disputed" : ""}</td><td>
${c.status === "succeeded" && !c.refunded ? button(`/_dashboard/charges/${c.id}/refund`, "Refund") : ""}
${c.status === "succeeded" && !c.disputed ? button(`/_dashboard/charges/${c.id}/dispute`, "Dispute") : ""}
</td></tr>`,
    )
    .join("\n");
  const pending = sim
    .pendingAsyncPayments()
    .map((id) => `<li>${escapeHtml(id)} ${button(`/_dashboard/checkout/${id}/resolve`, "Resolve now")}</li>`)
    .join("\n");
  const deliveriesByEvent = new Map<string, string[]>();
  for (const d of sim.deliveries)
    deliveriesByEvent.set(d.eventId, [
      ...(deliveriesByEvent.get(d.eventId) ?? []),
      `${d.state}${d.attempts.length > 1 ? ` after ${d.attempts.length} attempts` : ""}`,
    ]);
  const eventRows = [...sim.events]
    .reverse()
    .slice(0, 30)
    .map(
      (e) =>
        `<tr><td>${date(e.created)}</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.id)}</td><td>${escapeHtml((deliveriesByEvent.get(e.id) ?? ["not delivered"]).join(", "))}</td></tr>`,
    )
    .join("\n");
  const sw = sim.webhookSwitches();
  const body = `<main>
<h1>Stripe simulator</h1>
<p>API: <code>${escapeHtml(sim.url)}/v1</code> · webhooks → <code>${escapeHtml(sim.webhookUrl() ?? "(none)")}</code> · control API: <code>/_simulator</code></p>
${message ? `<p class="notice" role="status">${escapeHtml(message)}</p>` : ""}
<h2>Subscriptions</h2>
${subs.length ? `<table><thead><tr><th>id</th><th>customer</th><th>price</th><th>status</th><th>period ends</th><th>actions</th></tr></thead><tbody>${subRows}</tbody></table>` : "<p>None yet.</p>"}
<h2>Delayed payments</h2>
${pending ? `<ul>${pending}</ul>` : "<p>None pending.</p>"}
<h2>Charges</h2>
${chargeRows ? `<table><thead><tr><th>id</th><th>customer</th><th>amount</th><th>status</th><th>actions</th></tr></thead><tbody>${chargeRows}</tbody></table>` : "<p>None yet.</p>"}
<h2>Webhook switches</h2>
<form method="post" action="/_dashboard/webhooks">
<label>Copies per event <input type="number" name="copies" min="1" max="20" value="${sw.copies}"></label>
<label>Delay (ms) <input type="number" name="delayMs" min="0" max="60000" value="${sw.delayMs}"></label>
<label><input type="checkbox" name="shuffle" value="true"${sw.shuffle ? " checked" : ""}> Shuffle within a flow</label>
<label><input type="checkbox" name="paused" value="true"${sw.paused ? " checked" : ""}> Paused</label>
<button type="submit">Save switches</button>
</form>
${sw.paused ? button("/_dashboard/webhooks/flush", "Flush held deliveries") : ""}
<h2>Latest events</h2>
${eventRows ? `<table><thead><tr><th>created</th><th>type</th><th>id</th><th>delivery</th></tr></thead><tbody>${eventRows}</tbody></table>` : "<p>None yet.</p>"}
</main>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stripe simulator</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #ddd;font-size:.875rem}button{margin:.1rem}.notice{background:#e6f6ea;border:1px solid #7cc48f;padding:.5rem}label{margin-right:1rem}</style>
</head><body>${body}</body></html>`;
  return { status: 200, html };
}

function intField(form: FormObject, name: string, min: number, max: number): number | undefined {
  const raw = form[name];
  if (typeof raw !== "string" || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new StripeError(400, "invalid_request_error", `${name} must be an integer between ${min} and ${max}.`);
  return n;
}

/** Runs a dashboard action and redirects back to `/` with a message (errors too). */
export async function submitDashboard(sim: StripeSimulator, path: string, form: FormObject): Promise<DashboardResult> {
  const [kind, id, action] = path.replace(/^\/_dashboard\//, "").split("/");
  let message: string;
  try {
    if (kind === "subscriptions" && action === "advance") {
      const sub = sim.advanceSubscription(id!);
      message = `Subscription ${sub.id} is now ${sub.status}.`;
    } else if (kind === "customers" && action === "fail-next-payment") {
      sim.failNextPayment(id!);
      message = `The next payment of ${id} will fail.`;
    } else if (kind === "invoices" && action === "pay") {
      message = `Invoice ${sim.payInvoice(id!).id} is ${sim.get<Invoice>(id!)?.status}.`;
    } else if (kind === "charges" && action === "refund") {
      message = `Refund ${sim.refundCharge(id!).id} created.`;
    } else if (kind === "charges" && action === "dispute") {
      message = `Dispute ${sim.createDispute(id!).id} created.`;
    } else if (kind === "checkout" && action === "resolve") {
      message = `Delayed payment of ${id} resolved: ${sim.resolveAsyncPayment(id!).payment_status}.`;
    } else if (kind === "webhooks" && id === undefined) {
      sim.setWebhookSwitches({
        copies: intField(form, "copies", 1, 20),
        delayMs: intField(form, "delayMs", 0, 60_000),
        shuffle: form.shuffle === "true",
        paused: form.paused === "true",
      });
      message = "Webhook switches saved.";
    } else if (kind === "webhooks" && id === "flush") {
      await sim.flushWebhooks();
      message = "Held deliveries flushed.";
    } else {
      return { status: 404, html: "Unknown dashboard action" };
    }
  } catch (error) {
    if (!(error instanceof StripeError)) throw error;
    message = `Error: ${error.message}`;
  }
  return { status: 303, location: `/?msg=${encodeURIComponent(message)}` };
}
