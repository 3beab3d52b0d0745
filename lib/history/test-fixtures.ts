// Test fixtures for the history module: a ledger row with every field set to a neutral value.
import type { LedgerRow } from "../tokens/ledger";
import { DEFAULT_PRICING } from "../tokens/pricing-config";
import { planNameResolver } from "./plans";

/** Plan names of the default pricing, as version 1. */
export const defaultPlans = planNameResolver([{ version: 1, plans: DEFAULT_PRICING.plans }]);

/** A consume row of 0 tokens at 2026-03-01T12:34:56.789Z, with `overrides` applied. */
export function ledgerRow(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id: 42n,
    userId: "u1",
    kind: "consume",
    allowanceDelta: 0n,
    purchasedDelta: 0n,
    allowanceAfter: 0n,
    purchasedAfter: 0n,
    shortfall: 0n,
    sourceType: null,
    sourceRef: null,
    feature: null,
    pricingVersion: 1,
    usage: null,
    costMicroUsd: null,
    actorId: null,
    reason: null,
    idempotencyKey: "k",
    createdAt: new Date("2026-03-01T12:34:56.789Z"),
    ...overrides,
  };
}
