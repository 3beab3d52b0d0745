// Test fixtures for the history module: a ledger row with every field set to a neutral value.
import type { LedgerRow } from "../../lib/tokens/ledger";
import { DEFAULT_PRICING } from "../../lib/tokens/pricing-config";
import { planNameResolver } from "../../lib/history/plans";

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

/**
 * A minimal RFC 4180 parser, to check that what we write reads back field for field. Records end
 * with CRLF; an unterminated last record is not returned.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  return records;
}
