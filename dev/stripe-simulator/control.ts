// The HTTP control API under `/_simulator/…` (JSON in, JSON out, no auth: loopback only), so an
// end-to-end test or a developer running `npm run dev` can drive the simulator from outside the
// process. Every route calls the same function as the JS control of the same name.
import { z } from "zod";
import { StripeError, invalidRequest } from "./errors";
import { CHECKOUT_OUTCOMES } from "./engine";
import type { StripeSimulator } from "./server";
import type { Json } from "./store";
import { address } from "./tax";

export interface ControlResult {
  status: number;
  body: Json;
}

const outcomeBody = z
  .object({
    outcome: z.enum(CHECKOUT_OUTCOMES as [string, ...string[]]).default("paid"),
    address: z
      .object({
        country: z.string().regex(/^[A-Za-z]{2}$/),
        line1: z.string().max(200).optional(),
        postal_code: z.string().max(20).optional(),
        city: z.string().max(100).optional(),
      })
      .strict()
      .optional(),
    name: z.string().max(200).optional(),
    taxId: z.string().max(40).optional(),
    promotionCode: z.string().max(100).optional(),
    card: z.string().max(40).optional(),
  })
  .strict();
const promotionCodeBody = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
    percentOff: z.number().positive().max(100).optional(),
    amountOff: z.number().int().positive().optional(),
    currency: z.string().length(3).optional(),
    duration: z.enum(["once", "repeating", "forever"]).optional(),
    durationInMonths: z.number().int().min(1).max(120).optional(),
  })
  .strict();
const resolveBody = z.object({ result: z.enum(["succeeded", "failed"]).optional() }).strict();
const timesBody = z.object({ times: z.number().int().min(1).max(100).default(1) }).strict();
const refundBody = z.object({ amount: z.number().int().positive().optional() }).strict();
const disputeBody = z
  .object({ amount: z.number().int().positive().optional(), reason: z.string().min(1).max(100).optional() })
  .strict();
const closeBody = z.object({ status: z.enum(["won", "lost"]) }).strict();
const webhooksBody = z
  .object({
    url: z.string().url().nullable().optional(),
    secret: z.string().min(1).optional(),
    copies: z.number().int().min(1).max(20).optional(),
    shuffle: z.boolean().optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
    paused: z.boolean().optional(),
    maxAttempts: z.number().int().min(1).max(20).optional(),
    retryBaseMs: z.number().int().min(0).max(60_000).optional(),
    timeoutMs: z.number().int().min(1).max(120_000).optional(),
  })
  .strict();
const emptyBody = z.object({}).strict();
const clockBody = z.object({ to: z.number().int().positive() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidRequest(
      `Invalid control body: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid"}`,
      issue?.path.join("."),
    );
  }
  return result.data;
}

const ok = (body: unknown): ControlResult => ({ status: 200, body: JSON.parse(JSON.stringify(body ?? null)) as Json });

/** Routes `/_simulator/...`; throws StripeError for bad input or a missing object. */
export async function handleControl(
  sim: StripeSimulator,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): Promise<ControlResult> {
  const parts = path
    .replace(/^\/_simulator\/?/, "")
    .split("/")
    .filter(Boolean);
  const [a, b, c] = parts;
  const route = `${method} ${a ?? ""}${b !== undefined ? "/:id" : ""}${c !== undefined ? `/${c}` : ""}`;
  switch (route) {
    case "GET ":
      return ok({
        url: sim.url,
        webhookUrl: sim.webhookUrl(),
        switches: sim.webhookSwitches(),
        settled: sim.isSettled(),
        pendingAsyncPayments: sim.pendingAsyncPayments(),
        counts: Object.fromEntries(sim.kinds().map((k) => [k, sim.objects(k).length])),
        events: sim.events.length,
        deliveries: sim.deliveries.length,
      });
    case "GET events": {
      const type = query.get("type");
      return ok({ data: type ? sim.events.filter((e) => e.type === type) : sim.events });
    }
    case "GET deliveries":
      // Without the payload (it is the event, at GET /_simulator/events).
      return ok({
        data: sim.deliveries.map((d) => ({
          id: d.id,
          eventId: d.eventId,
          type: d.type,
          copy: d.copy,
          url: d.url,
          state: d.state,
          attempts: d.attempts,
        })),
      });
    case "GET requests":
      return ok({ data: sim.requests });
    case "GET objects":
      return ok({ kinds: sim.kinds() });
    case "GET objects/:id":
      return ok({ data: sim.objects(b!) });
    case "POST checkout/:id/complete": {
      const { outcome, address: entered, ...details } = parse(outcomeBody, body);
      return ok(
        sim.completeCheckout(b!, outcome as (typeof CHECKOUT_OUTCOMES)[number], {
          ...details,
          ...(entered ? { address: address(entered) } : {}),
        }),
      );
    }
    case "POST promotion_codes":
      return ok(sim.createPromotionCode(parse(promotionCodeBody, body)));
    case "POST payment_intents/:id/authenticate":
      return ok(sim.authenticatePaymentIntent(b!, parse(resolveBody, body).result ?? "succeeded"));
    case "POST checkout/:id/resolve":
      return ok(sim.resolveAsyncPayment(b!, parse(resolveBody, body).result));
    case "POST subscriptions/:id/advance":
      parse(emptyBody, body);
      return ok(sim.advanceSubscription(b!));
    case "POST clock/:id":
      // POST /_simulator/clock/advance {to}: a test clock's advance for every subscription.
      if (b !== "advance") break;
      return ok({ renewed: sim.advanceClock(parse(clockBody, body).to) });
    case "POST subscriptions/:id/end-period":
      parse(emptyBody, body);
      return ok(sim.endPeriod(b!));
    case "POST customers/:id/fail-next-payment":
      sim.failNextPayment(b!, parse(timesBody, body).times);
      return ok({ ok: true });
    case "POST customers/:id/delay-next-payment":
      sim.delayNextPayment(b!, parse(timesBody, body).times);
      return ok({ ok: true });
    case "POST invoices/:id/settle-payment":
      return ok(sim.settleInvoicePayment(b!, parse(resolveBody, body).result ?? "succeeded"));
    case "POST invoices/:id/pay":
      parse(emptyBody, body);
      return ok(sim.payInvoice(b!));
    case "POST charges/:id/refund":
      return ok(sim.refundCharge(b!, parse(refundBody, body).amount));
    case "POST charges/:id/dispute":
      return ok(sim.createDispute(b!, parse(disputeBody, body)));
    case "POST disputes/:id/close":
      return ok(sim.closeDispute(b!, parse(closeBody, body).status));
    case "POST webhooks": {
      const input = parse(webhooksBody, body);
      const { url, secret, ...switches } = input;
      if (url !== undefined) sim.setWebhookUrl(url);
      if (secret !== undefined) sim.setWebhookSecret(secret);
      sim.setWebhookSwitches(switches);
      return ok({ webhookUrl: sim.webhookUrl(), switches: sim.webhookSwitches() });
    }
    case "POST webhooks/:id":
      parse(emptyBody, body);
      if (b === "pause") sim.pauseWebhooks();
      else if (b === "resume") sim.resumeWebhooks();
      else if (b === "flush") await sim.flushWebhooks();
      else break;
      return ok({ switches: sim.webhookSwitches(), settled: sim.isSettled() });
    case "GET settled": {
      const timeout = Number(query.get("timeoutMs") ?? "15000");
      if (!Number.isInteger(timeout) || timeout < 0 || timeout > 120_000)
        throw invalidRequest("timeoutMs must be an integer between 0 and 120000", "timeoutMs");
      try {
        await sim.settled(timeout);
        return ok({ settled: true });
      } catch (error) {
        return { status: 504, body: { settled: false, error: error instanceof Error ? error.message : String(error) } };
      }
    }
    case "POST reset":
      parse(emptyBody, body);
      sim.reset();
      return ok({ ok: true });
  }
  throw new StripeError(404, "invalid_request_error", `Unknown simulator control: ${method} ${path}`);
}
