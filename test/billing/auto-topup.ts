// Shared set-up of auto top-up's integration tests (not a test file itself): users with a saved
// Stripe test card, the settings turned on, metered routes whose settles tell an auto top-up
// listener (one listener per simulated server instance), and reads of attempts, top-up grants,
// PaymentIntents and queued mails.
import { z } from "zod";
import type { BillingHarness } from "./harness";
import { LedgerPipeline } from "../../lib/tokens/ledger/pipeline";
import { createWithTokens } from "../../lib/tokens/metering/with-tokens";
import { wordCostEngine, type WordUsage } from "../metering/fixtures";
import { ensureCustomer } from "../../lib/billing/customer";
import { saveAutoTopUp, type AutoTopUpInput } from "../../lib/billing/auto-topup/settings";
import { autoTopUpListener } from "../../lib/billing/auto-topup/listener";

export type TestCard = "pm_card_visa" | "pm_card_chargeDeclined" | "pm_card_authenticationRequired";

export function autoTopUpHelpers(h: BillingHarness) {
  let pipeline: LedgerPipeline | undefined;
  const signedIn = { userId: null as string | null };
  const failures: unknown[] = [];

  const helpers = {
    failures,
    signedIn,
    /** A verified user (100 free tokens) whose Stripe customer has `card` saved. */
    async userWithCard(card: TestCard | null = "pm_card_visa", label = "topup") {
      const user = await h.newUser(label);
      const customerId = await ensureCustomer(h.ctx, user);
      if (card) await h.stripe.paymentMethods.attach(card, { customer: customerId });
      return { ...user, customerId };
    },
    async enable(userId: string, input: Partial<AutoTopUpInput> = {}) {
      return saveAutoTopUp(h.ctx, userId, {
        enabled: true,
        packId: "basic",
        thresholdTokens: 80,
        maxPerPeriod: 3,
        ...input,
      });
    },
    /** A metered route charging 1 token a call (500 input + 50 output words), told to its own listener. */
    route() {
      const listener = autoTopUpListener({
        context: () => h.ctx,
        queued: () => {},
        failed: (error) => failures.push(error),
      });
      const withTokens = createWithTokens<WordUsage>({
        db: () => h.t.db,
        ledger: () => (pipeline ??= new LedgerPipeline({ pool: h.t.pool, db: h.t.db })),
        currentUserId: async () => signedIn.userId,
        pricing: async () => ({ context: { version: 1 }, engine: wordCostEngine }),
        upgradeUrl: "/settings/subscription",
        rateLimit: false,
        onSettled: listener.onSettled,
      });
      return withTokens(
        "test",
        async ({ meter }) => {
          meter.recordText("test-model", { inputTokens: 500, outputTokens: 50 });
          return { ok: true };
        },
        { input: z.object({ prompt: z.string() }), estimate: () => ({ model: "test-model", worstCase: 2_000n }) },
      );
    },
    call(handler: (r: Request) => Promise<Response>) {
      return handler(
        new Request("http://localhost/api/ai/test", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "spend" }),
        }),
      );
    },
    async attempts(userId: string) {
      return h.t.sql<{
        status: string;
        idempotency_key: string;
        payment_intent_id: string | null;
        failure_code: string | null;
      }>(
        "SELECT status::text, idempotency_key, payment_intent_id, failure_code FROM auto_topup_attempts WHERE user_id = $1 ORDER BY created_at",
        [userId],
      );
    },
    async topUpGrants(userId: string) {
      return h.t.sql<{ idempotency_key: string; purchased_delta: string }>(
        "SELECT idempotency_key, purchased_delta::text FROM token_transactions WHERE user_id = $1 AND idempotency_key LIKE 'topup:%' ORDER BY id",
        [userId],
      );
    },
    async settings(userId: string) {
      const [row] = await h.t.sql<{ enabled: boolean; disabled_reason: string | null; generation: number }>(
        "SELECT enabled, disabled_reason, generation FROM auto_topup_settings WHERE user_id = $1",
        [userId],
      );
      return row;
    },
    async mails(userId: string, template: string) {
      return h.t.sql<{ idempotency_key: string; data: Record<string, unknown> }>(
        "SELECT idempotency_key, data FROM mail_outbox WHERE user_id = $1 AND template = $2",
        [userId, template],
      );
    },
    /** The simulator's auto top-up PaymentIntents of a customer. */
    intents(customerId: string) {
      return h.sim
        .objects("payment_intent")
        .filter(
          (pi) => pi.customer === customerId && (pi.metadata as Record<string, string>).tollgate_kind === "auto_topup",
        );
    },
    charges(intentId: string) {
      return h.sim.objects("charge").filter((c) => c.payment_intent === intentId);
    },
    async eventually(check: () => Promise<boolean>, ms = 10_000) {
      const end = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > end) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  return helpers;
}
