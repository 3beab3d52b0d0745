// Auto top-up settings (docs/AUTO_TOPUP.md): which pack, below which balance, how many per period.
// The pack is named by its catalog id and charged at its Stripe price found by lookup key when the
// top-up runs (./charge.ts) — never an amount or a price from the browser. Turning it on needs a
// saved card (./saved-card.ts).
import { z } from "zod";
import type { Db } from "../../db/client";
import { getActivePricing } from "../../tokens/pricing-config";
import { MILLITOKENS_PER_TOKEN } from "../../tokens/units";
import type { BillingContext } from "../context";
import { savedCard, type SavedCard } from "./saved-card";

export const MAX_THRESHOLD_TOKENS = 1_000_000;
export const MAX_TOPUPS_PER_PERIOD = 20;
export const DEFAULT_TOPUPS_PER_PERIOD = 3;

/** What the settings form sends (validated on the server; the bounds are also CHECK constraints). */
export const autoTopUpInput = z.object({
  enabled: z.boolean(),
  packId: z.string().regex(/^[a-z0-9_]{1,40}$/, "packId must be a pack id"),
  thresholdTokens: z.number().int().min(1).max(MAX_THRESHOLD_TOKENS),
  maxPerPeriod: z.number().int().min(1).max(MAX_TOPUPS_PER_PERIOD).default(DEFAULT_TOPUPS_PER_PERIOD),
});
export type AutoTopUpInput = z.input<typeof autoTopUpInput>;

export class UnknownPack extends Error {
  constructor(readonly packId: string) {
    super(`no pack "${packId}" in the active pricing`);
  }
}

/** Turning auto top-up on without a card saved on the user's Stripe customer. */
export class NoSavedCard extends Error {
  constructor(readonly userId: string) {
    super(`user ${userId} has no saved card`);
  }
}

export interface AutoTopUpSettingsView {
  enabled: boolean;
  packId: string;
  thresholdMillitokens: bigint;
  maxPerPeriod: number;
  generation: number;
  disabledReason: string | null;
  disabledAt: Date | null;
}

export async function readAutoTopUp(db: Db, userId: string): Promise<AutoTopUpSettingsView | null> {
  return db.autoTopUpSettings.findUnique({
    where: { userId },
    select: {
      enabled: true,
      packId: true,
      thresholdMillitokens: true,
      maxPerPeriod: true,
      generation: true,
      disabledReason: true,
      disabledAt: true,
    },
  });
}

/** The Stripe customer of `userId`, if one was ever created. */
export async function customerOfUser(db: Db, userId: string): Promise<string | null> {
  const row = await db.userSubscription.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  return row?.stripeCustomerId ?? null;
}

/** The card auto top-up would charge for `userId` (Stripe read), or null. */
export async function savedCardOfUser(ctx: BillingContext, userId: string): Promise<SavedCard | null> {
  const customerId = await customerOfUser(ctx.db, userId);
  return customerId ? savedCard(ctx, customerId) : null;
}

/**
 * Saves the user's settings. Turning it on checks the pack against the active catalog
 * (UnknownPack) and that a card is saved (NoSavedCard), then writes in one upsert: turning it on
 * from off clears the stored failure and bumps `generation` (a new threshold crossing, so a new
 * attempt may be made); saving it while on, or twice at once, changes no generation — the upsert
 * locks the row, so concurrent saves serialise and the last one wins.
 */
export async function saveAutoTopUp(
  ctx: BillingContext,
  userId: string,
  raw: AutoTopUpInput,
): Promise<AutoTopUpSettingsView> {
  const input = autoTopUpInput.parse(raw);
  const pricing = await getActivePricing(ctx.db);
  if (!pricing.packs.some((p) => p.id === input.packId)) throw new UnknownPack(input.packId);
  if (input.enabled && !(await savedCardOfUser(ctx, userId))) throw new NoSavedCard(userId);
  const threshold = BigInt(input.thresholdTokens) * MILLITOKENS_PER_TOKEN;
  await ctx.db.$executeRaw`
    INSERT INTO auto_topup_settings (user_id, enabled, pack_id, threshold_millitokens, max_per_period, updated_at)
    VALUES (${userId}, ${input.enabled}, ${input.packId}, ${threshold}, ${input.maxPerPeriod}, now())
    ON CONFLICT (user_id) DO UPDATE SET
      enabled = excluded.enabled,
      pack_id = excluded.pack_id,
      threshold_millitokens = excluded.threshold_millitokens,
      max_per_period = excluded.max_per_period,
      generation = auto_topup_settings.generation
        + CASE WHEN excluded.enabled AND NOT auto_topup_settings.enabled THEN 1 ELSE 0 END,
      disabled_reason = CASE WHEN excluded.enabled THEN NULL ELSE auto_topup_settings.disabled_reason END,
      disabled_at = CASE WHEN excluded.enabled THEN NULL ELSE auto_topup_settings.disabled_at END,
      disabled_payment_intent = CASE WHEN excluded.enabled THEN NULL ELSE auto_topup_settings.disabled_payment_intent END,
      updated_at = now()`;
  return (await readAutoTopUp(ctx.db, userId))!;
}
