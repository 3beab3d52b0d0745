// The active pricing version, cached in memory for a few seconds: metered requests read it on every
// call, and a round trip for a value that changes a few times a year would double their database
// cost. A new version is picked up within `ttlMs` (ledger rows name the version actually used).
import type { DbTx } from "../../db/client";
import { getActivePricing, type PricingConfig } from "../pricing-config";

let cached: { value: PricingConfig; at: number } | null = null;
let inflight: Promise<PricingConfig> | null = null;

export async function activePricingCached(tx: DbTx, ttlMs = 15_000, now = Date.now()): Promise<PricingConfig> {
  if (cached && now - cached.at < ttlMs) return cached.value;
  inflight ??= getActivePricing(tx)
    .then((value) => {
      cached = { value, at: Date.now() };
      return value;
    })
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

/** Forget the cached version (after an admin creates a new one, and in tests). */
export function invalidatePricingCache(): void {
  cached = null;
}
