// `withTokens` for this app's route handlers: the metering wrapper (lib/tokens/metering) bound to
// our session, our database, the active pricing version, the cost engine priced by it, and OpenAI's
// stream chunks (./openai-usage.ts: the wrapper itself reads no provider's shapes).
import { sessionUserId } from "../auth/session";
import { db } from "../db/client";
import { env } from "../env";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import { createWithTokens } from "../tokens/metering/with-tokens";
import { chatChunkReader } from "./openai-usage";
import { activePricing, ledger } from "./singletons";

export { BadRequestError, UnusableAnswerError } from "../tokens/metering/with-tokens";
export { recordCompletion, recordOpenAIUsage } from "./openai-usage";
export { currentCostEngine, ledger } from "./singletons";

export const withTokens = createWithTokens<Usage, BoundCostEngine>({
  db,
  ledger,
  currentUserId: sessionUserId,
  appOrigin: () => env().APP_URL,
  pricing: activePricing,
  upgradeUrl: "/settings/subscription",
  chunkReader: chatChunkReader,
  rateLimit: () => {
    const perMinute = env().METER_RATE_LIMIT_PER_MINUTE;
    return perMinute > 0 ? { limit: perMinute, windowMs: 60_000 } : false;
  },
  log: (event, details) =>
    console.warn(JSON.stringify({ event: `metering.${event}`, ...details }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
});
