// The app's process-wide metering singletons: the ledger pipeline and the cost engine of the active
// pricing version. Apart from ./metered.ts (which binds them to the session for withTokens) so that
// the feature definitions, the realtime meter and the registry can use them without pulling in the
// session and auth modules.
import { db, pool } from "../db/client";
import { env } from "../env";
import { LedgerPipeline } from "../tokens/ledger";
import { costEngine, type BoundCostEngine } from "../tokens/cost";
import { activePricingCached } from "../tokens/metering/pricing-cache";

let engineCache: { version: number; engine: BoundCostEngine } | null = null;

/** The cost engine of the active pricing version (cached per version): what the routes price with. */
export async function currentCostEngine(): Promise<BoundCostEngine> {
  return (await activePricing()).engine;
}

/** The active pricing version and its cost engine (cached per version), as withTokens reads them. */
export async function activePricing(): Promise<{ context: { version: number }; engine: BoundCostEngine }> {
  const pricing = await activePricingCached(db());
  if (engineCache?.version !== pricing.version) engineCache = { version: pricing.version, engine: costEngine(pricing) };
  return { context: { version: engineCache.version }, engine: engineCache.engine };
}

const globalForLedger = globalThis as unknown as { tollgateLedger?: LedgerPipeline };

/** The process-wide ledger pipeline: metered calls' reserve, settle and release, group-committed. */
export function ledger(): LedgerPipeline {
  globalForLedger.tollgateLedger ??= new LedgerPipeline({ pool: pool(), db: db(), lanes: env().LEDGER_LANES });
  return globalForLedger.tollgateLedger;
}
