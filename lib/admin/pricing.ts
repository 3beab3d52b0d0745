// The admin console's pricing edits. A change never updates a pricing row: it inserts the next
// version (createdBy = the admin, with a note), so every ledger row keeps naming the version it was
// priced with. Edits are optimistic: the admin edits the version they saw (`baseVersion`), and a
// save made on top of a version that is no longer the newest is refused as a conflict instead of
// silently overwriting someone else's change. Versions are numbered under a transaction-scoped
// advisory lock, and `version` is the primary key, so two saves can never share a number.
import type Stripe from "stripe";
import { z } from "zod";
import type { Db, DbTx } from "../db/client";
import { summarize, syncCatalog, type CatalogAction } from "../billing/sync-catalog";
import { CATALOGUE_VERSION, InvalidPriceOverridesError, parseModelPriceOverrides } from "../tokens/cost";
import {
  getActivePricing,
  packSchema,
  parsePricingRow,
  planSchema,
  type Pack,
  type Plan,
  type PricingConfig,
} from "../tokens/pricing-config";
import { tokensToMillitokens } from "../tokens/units";

/** Stripe lookup keys of new tiers follow the catalogue's convention. */
export const planLookupKey = (id: string) => `tollgate_plan_${id}_monthly`;
export const packLookupKey = (id: string) => `tollgate_pack_${id}`;

const note = z.string().trim().min(3, "say why (at least 3 characters)").max(500);

const editablePlan = planSchema.omit({ lookupKey: true, yearlyLookupKey: true });
const editablePack = packSchema.omit({ lookupKey: true });

/** An edit of the whole catalogue: prices, allowances, the free tier, the token's value, model prices. */
export const pricingEditSchema = z.object({
  baseVersion: z.number().int().positive(),
  microUsdPerToken: z.number().int().min(1).max(1_000_000),
  freeTierTokens: z.number().int().min(0).max(1_000_000_000),
  plans: z.array(editablePlan).min(1),
  packs: z.array(editablePack),
  /** Model id → price, validated by the cost engine's overrides schema. */
  modelPriceOverrides: z.record(z.string(), z.unknown()),
  note,
});
export type PricingEdit = z.infer<typeof pricingEditSchema>;

/** A new plan or pack, added to the catalogue of `baseVersion`. */
export const newTierSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("plan"), baseVersion: z.number().int().positive(), tier: editablePlan, note }),
  z.object({ kind: z.literal("pack"), baseVersion: z.number().int().positive(), tier: editablePack, note }),
]);
export type NewTier = z.infer<typeof newTierSchema>;

export type PricingEditError =
  | { type: "Conflict"; baseVersion: number; activeVersion: number; message: string }
  | { type: "Invalid"; message: string };

export type PricingEditResult = { ok: true; pricing: PricingConfig } | { ok: false; error: PricingEditError };

export interface PricingVersionSummary {
  version: number;
  createdAt: Date;
  createdBy: string | null;
  createdByEmail: string | null;
  note: string | null;
  /** The model-price catalogue the version was made with; null before it was recorded. */
  catalogueVersion: string | null;
  pricing: PricingConfig;
}

/** Every version, newest first, with who made it. */
export async function pricingHistory(tx: DbTx): Promise<PricingVersionSummary[]> {
  const rows = await tx.tokenPricingConfig.findMany({ orderBy: { version: "desc" } });
  const ids = [...new Set(rows.map((r) => r.createdBy).filter((id): id is string => Boolean(id)))];
  const users = ids.length
    ? await tx.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })
    : [];
  const email = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((row) => ({
    version: row.version,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    createdByEmail: row.createdBy ? (email.get(row.createdBy) ?? null) : null,
    note: row.note,
    catalogueVersion: row.catalogueVersion,
    pricing: parsePricingRow(row),
  }));
}

const invalid = (message: string): PricingEditResult => ({ ok: false, error: { type: "Invalid", message } });

/**
 * Inserts `next` as the version after `baseVersion`, or refuses with a Conflict when another
 * version was saved since. One transaction: the advisory lock serialises concurrent saves, so of
 * two saves on the same base exactly one wins and the other gets a Conflict naming the new version;
 * saves on successive bases get successive numbers. Never updates an existing row.
 */
async function insertNextVersion(
  db: Db,
  baseVersion: number,
  build: (active: PricingConfig) => PricingConfig | string,
  meta: { createdBy: string; note: string },
): Promise<PricingEditResult> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('tollgate:pricing-version', 0))`;
    const active = await getActivePricing(tx);
    if (active.version !== baseVersion) {
      return {
        ok: false,
        error: {
          type: "Conflict",
          baseVersion,
          activeVersion: active.version,
          message: `Version ${active.version} was saved after the version ${baseVersion} you edited. Reload the page and make your change again.`,
        },
      } as const;
    }
    const next = build(active);
    if (typeof next === "string") return invalid(next);
    const version = active.version + 1;
    const row = await tx.tokenPricingConfig.create({
      data: {
        version,
        microUsdPerToken: next.microUsdPerToken,
        freeTierMillitokens: next.freeTierMillitokens,
        currency: next.currency,
        subscriptionPlans: next.plans,
        tokenPacks: next.packs,
        modelPriceOverrides: next.modelPriceOverrides as object,
        // The catalogue this build prices with: what every price without an override comes from.
        catalogueVersion: CATALOGUE_VERSION,
        note: meta.note,
        createdBy: meta.createdBy,
      },
    });
    // Re-parse what was stored: the same validation every reader applies.
    return { ok: true, pricing: parsePricingRow(row) } as const;
  });
}

function checkOverrides(raw: unknown): string | null {
  try {
    parseModelPriceOverrides(raw);
    return null;
  } catch (error) {
    if (error instanceof InvalidPriceOverridesError) return error.message;
    throw error;
  }
}

/**
 * Saves an edit of the catalogue as a new version. Tiers keep their ids and lookup keys (Stripe
 * finds prices by them); a tier cannot be removed or renamed to another id here, because active
 * subscribers and the Stripe catalogue refer to it.
 */
export async function saveEdit(db: Db, input: PricingEdit, createdBy: string): Promise<PricingEditResult> {
  const overridesProblem = checkOverrides(input.modelPriceOverrides);
  if (overridesProblem) return invalid(overridesProblem);
  return insertNextVersion(
    db,
    input.baseVersion,
    (active) => {
      const sameIds = (a: { id: string }[], b: { id: string }[]) =>
        a.length === b.length &&
        a
          .map((x) => x.id)
          .sort()
          .join() ===
          b
            .map((x) => x.id)
            .sort()
            .join();
      if (!sameIds(active.plans, input.plans) || !sameIds(active.packs, input.packs)) {
        return "An edit must keep every plan and pack of the version it edits (add a tier with “Add a tier”; tiers cannot be removed here).";
      }
      // Lookup keys never change in an edit (the yearly one too, when a version named its own).
      const plans: Plan[] = input.plans.map((p) => {
        const current = active.plans.find((a) => a.id === p.id)!;
        return {
          ...p,
          lookupKey: current.lookupKey,
          ...(current.yearlyLookupKey ? { yearlyLookupKey: current.yearlyLookupKey } : {}),
        };
      });
      const packs: Pack[] = input.packs.map((p) => ({
        ...p,
        lookupKey: active.packs.find((a) => a.id === p.id)!.lookupKey,
      }));
      return {
        ...active,
        microUsdPerToken: input.microUsdPerToken,
        freeTierMillitokens: tokensToMillitokens(input.freeTierTokens),
        plans,
        packs,
        modelPriceOverrides: input.modelPriceOverrides,
      };
    },
    { createdBy, note: input.note },
  );
}

/** Saves the catalogue of `baseVersion` plus one new plan or pack (with its lookup key) as a new version. */
export async function addTier(db: Db, input: NewTier, createdBy: string): Promise<PricingEditResult> {
  return insertNextVersion(
    db,
    input.baseVersion,
    (active) => {
      const id = input.tier.id;
      if ([...active.plans, ...active.packs].some((t) => t.id === id))
        return `A plan or pack with the id "${id}" already exists.`;
      if (input.kind === "plan") {
        return { ...active, plans: [...active.plans, { ...input.tier, lookupKey: planLookupKey(id) }] };
      }
      return { ...active, packs: [...active.packs, { ...input.tier, lookupKey: packLookupKey(id) }] };
    },
    { createdBy, note: input.note },
  );
}

export type StripeSyncReport = { ok: true; summary: string; actions: CatalogAction[] } | { ok: false; message: string };

/**
 * Makes Stripe sell the catalogue of `pricing` (idempotent, by lookup key; see sync-catalog.ts).
 * Runs after the version is committed: a failed sync leaves the version in place and says how to
 * finish it (`npm run stripe:sync` converges to the active version).
 */
export async function syncToStripe(stripe: Stripe, pricing: PricingConfig): Promise<StripeSyncReport> {
  try {
    const actions = await syncCatalog(stripe, pricing);
    return { ok: true, summary: summarize(actions), actions };
  } catch (error) {
    return {
      ok: false,
      message: `Version ${pricing.version} is saved, but syncing it to Stripe failed (${(error as Error).message}). Run \`npm run stripe:sync\` to finish.`,
    };
  }
}
