// `withTokens` for this app's route handlers: the metering wrapper (lib/tokens/metering) bound to
// our session, our database, the active pricing version, the cost engine priced by it, and OpenAI's
// stream chunks (./openai-usage.ts: the wrapper itself reads no provider's shapes).
import { sessionUserId } from "../auth/session";
import { db, pool } from "../db/client";
import { env } from "../env";
import { eventLog, logger } from "../log";
import { LedgerPipeline } from "../tokens/ledger";
import { costEngine, type BoundCostEngine, type Usage } from "../tokens/cost";
import { activePricingCached } from "../tokens/metering/pricing-cache";
import { createWithTokens } from "../tokens/metering/with-tokens";
import { chatChunkReader } from "./openai-usage";

export { BadRequestError, UnusableAnswerError } from "../tokens/metering/with-tokens";
export { recordCompletion, recordOpenAIUsage } from "./openai-usage";

/**
 * The wrapper's events that mean something was lost or broke (a charge, a stored answer, the
 * wrapper itself) are errors; the others (retries, outages, refusals, a client leaving) warnings.
 */
export const METERING_ERROR_EVENTS = ["internal_error", "settle_failed", "idempotency_store_failed", "stream_failed"];

let engineCache: { version: number; engine: BoundCostEngine } | null = null;

/** The cost engine of the active pricing version (cached per version): what the routes price with. */
export async function currentCostEngine(): Promise<BoundCostEngine> {
  const pricing = await activePricingCached(db());
  if (engineCache?.version !== pricing.version) engineCache = { version: pricing.version, engine: costEngine(pricing) };
  return engineCache.engine;
}

const globalForLedger = globalThis as unknown as { tollgateLedger?: LedgerPipeline };

/** The process-wide ledger pipeline: metered calls' reserve, settle and release, group-committed. */
export function ledger(): LedgerPipeline {
  globalForLedger.tollgateLedger ??= new LedgerPipeline({ pool: pool(), db: db(), lanes: env().LEDGER_LANES });
  return globalForLedger.tollgateLedger;
}

export const withTokens = createWithTokens<Usage, BoundCostEngine>({
  db,
  ledger,
  currentUserId: sessionUserId,
  appOrigin: () => env().APP_URL,
  async pricing() {
    const engine = await currentCostEngine();
    return { context: { version: engineCache!.version }, engine };
  },
  upgradeUrl: "/settings/subscription",
  chunkReader: chatChunkReader,
  rateLimit: () => {
    const perMinute = env().METER_RATE_LIMIT_PER_MINUTE;
    return perMinute > 0 ? { limit: perMinute, windowMs: 60_000 } : false;
  },
  // Each event a line of the "metering" logger, with the call's requestId (lib/log.ts: bigints as strings).
  log: eventLog(logger("metering"), { errors: METERING_ERROR_EVENTS }),
});
