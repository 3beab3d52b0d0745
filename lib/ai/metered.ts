// `withTokens` for this app's route handlers: the metering wrapper (lib/tokens/metering) bound to
// our session, our database, the active pricing version, the cost engine priced by it, and OpenAI's
// stream chunks (./openai-usage.ts: the wrapper itself reads no provider's shapes).
import { sessionClaims, sessionUserId } from "../auth/session";
import { autoTopUp } from "../billing/auto-topup/app";
import { db } from "../db/client";
import { env } from "../env";
import { eventLog, logger } from "../log";
import { sendSoon } from "../mail/deliver";
import { balanceNotifier } from "../mail/notifications/balance";
import { usageAlertNotifier } from "../mail/notifications/usage-alerts";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import type { BalanceEvent, SpendLimitEvent } from "../tokens/metering/types";
import { createWithTokens } from "../tokens/metering/with-tokens";
import { deliverWebhooksSoon } from "../webhooks/deliver-soon";
import { emitSpendLimitReached } from "../webhooks/spend-limit-reached";
import { chatChunkReader } from "./openai-usage";
import { activePricing, ledger } from "./singletons";

export { BadRequestError, UnusableAnswerError } from "../tokens/metering/with-tokens";
export { recordCompletion, recordOpenAIUsage } from "./openai-usage";
export { currentCostEngine, ledger } from "./singletons";

/**
 * The wrapper's events that mean something was lost or broke (a charge, a stored answer, the
 * wrapper itself) are errors; the others (retries, outages, refusals, a client leaving) warnings.
 */
export const METERING_ERROR_EVENTS = ["internal_error", "settle_failed", "idempotency_store_failed", "stream_failed"];

// The low-balance and "tokens ran out" mails and webhooks (lib/mail/notifications/balance.ts), told
// by the wrapper after a settle lands or a call is refused — never on the call's path.
const notifier = balanceNotifier({
  db,
  percent: () => env().LOW_BALANCE_PERCENT,
  queued: sendSoon,
  emitted: deliverWebhooksSoon,
  failed: (error) => logger("mail").warn({ event: "balance_mail_failed", err: error }),
});

// The usage-alert mails (lib/mail/notifications/usage-alerts.ts): told after each settle, with the
// period's spend; a settle below the next threshold costs no query.
const usageAlerts = usageAlertNotifier({
  db,
  queued: sendSoon,
  failed: (error) => logger("mail").warn({ event: "usage_alert_mail_failed", err: error }),
});

// Each listener returns at once; its work is detached (never on the call's path).
function settled(event: BalanceEvent): void {
  notifier.onSettled(event);
  usageAlerts.onSettled(event);
  autoTopUp().onSettled(event);
}

/**
 * The one place where "a call was refused by the user's spend limit" is told to the app (the
 * wrapper calls it, not awaited, once per refused call; docs/SPEND_LIMITS.md): the log line, and
 * the outgoing `spend_limit.reached` webhook (once per period, lib/webhooks/spend-limit-reached.ts).
 */
export function spendLimitReached(event: SpendLimitEvent): void {
  logger("metering").info({
    event: "spend_limit_reached",
    userId: event.userId,
    feature: event.feature,
    cap: String(event.cap),
    spent: String(event.spent),
    held: String(event.held),
    required: String(event.required),
  });
  void emitSpendLimitReached(db(), event)
    .then((emitted) => emitted && deliverWebhooksSoon())
    .catch((error) => logger("webhooks").warn({ event: "spend_limit_webhook_failed", err: error }));
}

export const withTokens = createWithTokens<Usage, BoundCostEngine>({
  db,
  ledger,
  currentUserId: sessionUserId,
  // The session version is checked in the hold's own statement: two round trips a call, not three.
  currentSession: sessionClaims,
  appOrigin: () => env().APP_URL,
  pricing: activePricing,
  upgradeUrl: "/settings/subscription",
  limitsUrl: "/settings/limits",
  chunkReader: chatChunkReader,
  onSettled: settled,
  onRefused: notifier.onRefused,
  onSpendLimitReached: spendLimitReached,
  rateLimit: () => {
    const perMinute = env().METER_RATE_LIMIT_PER_MINUTE;
    return perMinute > 0 ? { limit: perMinute, windowMs: 60_000 } : false;
  },
  // Each event a line of the "metering" logger, with the call's requestId (lib/log.ts: bigints as strings).
  log: eventLog(logger("metering"), { errors: METERING_ERROR_EVENTS }),
});
