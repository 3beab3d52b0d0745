// `withTokens` for this app's route handlers: the metering wrapper (lib/tokens/metering) bound to
// our session, our database, the active pricing version, the cost engine priced by it, and OpenAI's
// stream chunks (./openai-usage.ts: the wrapper itself reads no provider's shapes).
import { sessionUserId } from "../auth/session";
import { autoTopUp } from "../billing/auto-topup/app";
import { db } from "../db/client";
import { env } from "../env";
import { eventLog, logger } from "../log";
import { sendSoon } from "../mail/deliver";
import { balanceNotifier } from "../mail/notifications/balance";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import { createWithTokens } from "../tokens/metering/with-tokens";
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

// The low-balance and "tokens ran out" mails (lib/mail/notifications/balance.ts), told by the
// wrapper after a settle lands or a call is refused — never on the call's path.
const notifier = balanceNotifier({
  db,
  percent: () => env().LOW_BALANCE_PERCENT,
  queued: sendSoon,
  failed: (error) => logger("mail").warn({ event: "balance_mail_failed", err: error }),
});

export const withTokens = createWithTokens<Usage, BoundCostEngine>({
  db,
  ledger,
  currentUserId: sessionUserId,
  appOrigin: () => env().APP_URL,
  pricing: activePricing,
  upgradeUrl: "/settings/subscription",
  chunkReader: chatChunkReader,
  // Both listeners return at once; their work is detached (never on the call's path).
  onSettled: (event) => {
    notifier.onSettled(event);
    autoTopUp().onSettled(event);
  },
  onRefused: notifier.onRefused,
  rateLimit: () => {
    const perMinute = env().METER_RATE_LIMIT_PER_MINUTE;
    return perMinute > 0 ? { limit: perMinute, windowMs: 60_000 } : false;
  },
  // Each event a line of the "metering" logger, with the call's requestId (lib/log.ts: bigints as strings).
  log: eventLog(logger("metering"), { errors: METERING_ERROR_EVENTS }),
});
