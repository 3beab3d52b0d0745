// Shared set-up for billing's integration tests (not a test file itself): a private database, the
// loopback Stripe simulator with the catalog synced into it, and a webhook receiver that runs the
// production webhook code (`handleStripeWebhook`: signature, claim, dispatch) on every delivery —
// the route handler minus Next. Helpers read balances, subscription rows and the webhook log.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createUserWithAccount } from "../../lib/auth/users";
import { getActivePricing } from "../../lib/tokens/pricing-config";
import { startCheckout } from "../../lib/billing/checkout";
import type { BillingContext } from "../../lib/billing/context";
import { startStripeSimulator, type StripeSimulator } from "../../dev/stripe-simulator";
import { createStripeClient } from "../../lib/billing/stripe";
import { syncCatalog } from "../../lib/billing/sync-catalog";
import { handleStripeWebhook, type WebhookResponse } from "../../lib/billing/webhook";

export const TEST_STRIPE_KEY = "sk_test_tollgate_tests";

export interface Delivery {
  eventId: string;
  type: string;
  status: number;
  outcome: WebhookResponse["body"]["outcome"];
}

export interface BillingHarness {
  readonly t: TestDatabase;
  readonly sim: StripeSimulator;
  readonly ctx: BillingContext;
  readonly stripe: Stripe;
  /** Every delivery the receiver answered, in order. */
  readonly deliveries: Delivery[];
  /** When set, the receiver answers 200 without processing and keeps the raw deliveries here. */
  hold: { body: string; signature: string }[] | null;
  /** A user with a token account, signed up 3 days ago unless `signedUpAt` says otherwise. */
  newUser(label?: string, signedUpAt?: Date): Promise<{ id: string; email: string; name: string }>;
  buckets(userId: string): Promise<{ allowance: bigint; purchased: bigint; periodStart: Date; nextResetAt: Date }>;
  subscriptionRow(userId: string): Promise<Record<string, unknown> | undefined>;
  /** `user` subscribes to `planId` through Checkout and pays; resolves once every webhook was delivered. */
  subscribe(
    user: { id: string; email: string; name: string | null },
    planId: string,
  ): Promise<{ sessionId: string; subscriptionId: string; customerId: string }>;
  ledgerKeys(userId: string): Promise<string[]>;
  /** Signs `payload` like Stripe does and runs the webhook code on it directly. */
  deliver(
    payload: object,
    opts?: { secret?: string; timestamp?: number; signature?: string | null },
  ): Promise<WebhookResponse>;
}

let emailSeq = 0;

export interface BillingHarnessOptions {
  /** Connections of the test database's pool (default 20). */
  poolMax?: number;
  /** The simulator's delay before every `/v1` response (default 0). */
  latencyMs?: number;
}

export function billingTestHarness({ poolMax, latencyMs }: BillingHarnessOptions = {}): BillingHarness {
  let t: TestDatabase | undefined;
  let sim: StripeSimulator | undefined;
  let server: Server | undefined;
  let ctx: BillingContext | undefined;
  const deliveries: Delivery[] = [];
  const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;

  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the billing harness is not ready (use it inside tests)");
    return value;
  };

  const harness: BillingHarness = {
    get t() {
      return need(t);
    },
    get sim() {
      return need(sim);
    },
    get ctx() {
      return need(ctx);
    },
    get stripe() {
      return need(ctx).stripe;
    },
    deliveries,
    hold: null,
    async newUser(label = "billing", signedUpAt = new Date(Date.now() - 3 * 86_400_000)) {
      const email = `${label}-${process.pid}-${++emailSeq}-${randomBytes(3).toString("hex")}@example.com`;
      const user = await createUserWithAccount(need(t).db, { email, name: "Ada" }, signedUpAt);
      return { id: user.id, email, name: "Ada" };
    },
    async buckets(userId) {
      const [row] = await need(t).sql<{
        allowance: string;
        purchased: string;
        period_start: Date;
        next_reset_at: Date;
      }>(
        "SELECT allowance::text, purchased::text, period_start, next_reset_at FROM user_token_balance WHERE user_id = $1",
        [userId],
      );
      if (!row) throw new Error(`no balance for ${userId}`);
      return {
        allowance: BigInt(row.allowance),
        purchased: BigInt(row.purchased),
        periodStart: row.period_start,
        nextResetAt: row.next_reset_at,
      };
    },
    async subscriptionRow(userId) {
      const [row] = await need(t).sql(
        `SELECT stripe_customer_id, stripe_subscription_id, plan_id, status::text, current_period_start, current_period_end,
                cancel_at_period_end FROM user_subscriptions WHERE user_id = $1`,
        [userId],
      );
      return row;
    },
    async subscribe(user, planId) {
      const destination = await startCheckout(harness.ctx, user, { kind: "plan", id: planId });
      if (destination.kind !== "checkout") throw new Error(`expected a checkout, got ${destination.kind}`);
      await harness.sim.completeCheckout(destination.sessionId, "paid");
      await harness.sim.settled();
      const row = await harness.subscriptionRow(user.id);
      return {
        sessionId: destination.sessionId,
        subscriptionId: row!.stripe_subscription_id as string,
        customerId: row!.stripe_customer_id as string,
      };
    },
    async ledgerKeys(userId) {
      const rows = await need(t).sql<{ idempotency_key: string }>(
        "SELECT idempotency_key FROM token_transactions WHERE user_id = $1 ORDER BY id",
        [userId],
      );
      return rows.map((r) => r.idempotency_key);
    },
    async deliver(payload, { secret = webhookSecret, timestamp, signature } = {}) {
      const body = JSON.stringify(payload);
      const header =
        signature !== undefined
          ? signature
          : need(ctx).stripe.webhooks.generateTestHeaderString({
              payload: body,
              secret,
              ...(timestamp ? { timestamp } : {}),
            });
      return handleStripeWebhook(need(ctx), body, header, { log: () => {} });
    },
  };

  beforeAll(async () => {
    t = await createTestDatabase(poolMax ? { poolMax } : {});
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const signature = (req.headers["stripe-signature"] as string | undefined) ?? null;
        if (harness.hold) {
          harness.hold.push({ body, signature: signature ?? "" });
          res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
          return;
        }
        handleStripeWebhook(need(ctx), body, signature, { log: () => {} })
          .then((result) => {
            const event = JSON.parse(body) as { id: string; type: string };
            deliveries.push({
              eventId: event.id,
              type: event.type,
              status: result.status,
              outcome: result.body.outcome,
            });
            res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
          })
          .catch((error: unknown) => {
            res.writeHead(500).end(String(error));
          });
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    sim = await startStripeSimulator({
      port: 0,
      webhookUrl: `http://127.0.0.1:${port}/api/stripe/webhook`,
      webhookSecret,
      asyncPaymentDelayMs: null,
      ...(latencyMs ? { latencyMs } : {}),
    });
    const stripe = createStripeClient({ secretKey: TEST_STRIPE_KEY, apiBase: sim.url });
    ctx = { db: t.db, stripe, appUrl: "http://localhost:3999", webhookSecret };
    await syncCatalog(stripe, await getActivePricing(t.db));
  });

  afterAll(async () => {
    await sim?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.drop();
  });

  return harness;
}
