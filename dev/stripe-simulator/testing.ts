// Test helper: a loopback webhook receiver that verifies every delivery's signature with the real
// SDK (`stripe.webhooks.constructEvent`), records what arrived, and answers with a status the test
// chooses (to exercise retries). Tests only.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export interface ReceivedWebhook {
  /** The verified event, or null when verification failed. */
  event: Stripe.Event | null;
  signatureError: string | null;
  rawBody: string;
  signature: string | null;
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Verified events in arrival order. */
  events(): Stripe.Event[];
  /** Event types in arrival order. */
  types(): string[];
  /** Answers the next `times` deliveries with `status` (e.g. 500 to exercise retries). */
  failNext(times: number, status?: number): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const stripe = new Stripe("sk_test_receiver", { telemetry: false });
  const received: ReceivedWebhook[] = [];
  let failures: { times: number; status: number } = { times: 0, status: 500 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const signature = typeof req.headers["stripe-signature"] === "string" ? req.headers["stripe-signature"] : null;
      let event: Stripe.Event | null = null;
      let signatureError: string | null = null;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature ?? "", secret);
      } catch (error) {
        signatureError = error instanceof Error ? error.message : String(error);
      }
      let status = signatureError ? 400 : 200;
      if (!signatureError && failures.times > 0) {
        failures = { ...failures, times: failures.times - 1 };
        status = failures.status;
      }
      received.push({ event, signatureError, rawBody, signature, status });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    events: () => received.filter((r) => r.status < 300 && r.event).map((r) => r.event!),
    types: () => received.filter((r) => r.status < 300 && r.event).map((r) => r.event!.type),
    failNext(times, status = 500) {
      failures = { times, status };
    },
    clear() {
      received.length = 0;
      failures = { times: 0, status: 500 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SimulatorFixture {
  sim: import("./server").StripeSimulator;
  stripe: Stripe;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

/** A simulator wired to a verifying receiver and a real SDK client (the app's pinned API version). */
export async function startSimulatorFixture(
  options: Partial<import("./server").StripeSimulatorOptions> = {},
): Promise<SimulatorFixture> {
  const { startStripeSimulator } = await import("./server");
  const secret = "whsec_fixture_secret";
  const receiver = await startWebhookReceiver(secret);
  const sim = await startStripeSimulator({
    webhookUrl: receiver.url,
    webhookSecret: secret,
    asyncPaymentDelayMs: null,
    ...options,
  });
  const stripe = new Stripe("sk_test_fixture", { apiVersion: "2026-10-28.endive", ...sim.stripeConfig });
  return {
    sim,
    stripe,
    receiver,
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}

/** Two monthly plans and a one-time pack, like the app's catalog. */
export async function seedCatalog(stripe: Stripe) {
  const basic = await stripe.prices.create({
    currency: "usd",
    unit_amount: 1000,
    recurring: { interval: "month" },
    product_data: { name: "Basic" },
    lookup_key: "plan_basic",
  });
  const pro = await stripe.prices.create({
    currency: "usd",
    unit_amount: 3000,
    recurring: { interval: "month" },
    product_data: { name: "Pro" },
    lookup_key: "plan_pro",
  });
  const pack = await stripe.prices.create({
    currency: "usd",
    unit_amount: 500,
    product_data: { name: "Starter pack" },
    lookup_key: "pack_starter",
  });
  const customer = await stripe.customers.create({ email: "ada@example.com", metadata: { userId: "user_1" } });
  return { basic, pro, pack, customer };
}
