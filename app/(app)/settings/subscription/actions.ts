"use server";
// Server actions of the subscription page. Each checks the session itself, validates its input with
// zod, and redirects to Stripe (Checkout or the Customer Portal); all Stripe work is in lib/billing.
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { CatalogNotSynced, CatalogPriceMismatch } from "@/lib/billing/catalog";
import { startCheckout as beginCheckout, NoTokenAccount, UnknownCatalogItem } from "@/lib/billing/checkout";
import { BILLING_INTERVALS } from "@/lib/tokens/pricing-config";
import { billingContext } from "@/lib/billing/context";
import { openPortal as portalFor } from "@/lib/billing/portal";
import { requestLocale } from "@/lib/i18n/request-locale";
import { SETTINGS_PATH } from "@/lib/billing/urls";
import { logger } from "@/lib/log";
import { notifyLedgerChange } from "@/lib/billing/auto-topup/app";
import { NoSavedCard, saveAutoTopUp, UnknownPack } from "@/lib/billing/auto-topup/settings";

const log = logger("billing");

const checkoutSchema = z.object({
  kind: z.enum(["plan", "pack"], { error: "kind must be plan or pack" }),
  id: z.string().regex(/^[a-z0-9_]{1,40}$/, "id must be a plan or pack id"),
  interval: z.enum(BILLING_INTERVALS, { error: "interval must be month or year" }).default("month"),
});

/** Back to the page with an error code (the page owns the wording; no free text in URLs). */
function back(error: "invalid" | "unknown_item" | "unavailable" | "price_changed" | "unverified"): never {
  redirect(`${SETTINGS_PATH}?error=${error}`);
}

/** Form fields `kind` (plan | pack), `id` and, for a plan, `interval` (month | year): to Stripe Checkout, or to the portal for a plan change. */
export async function startCheckout(formData: FormData): Promise<void> {
  const user = await requireUser(SETTINGS_PATH);
  const parsed = checkoutSchema.safeParse({
    kind: formData.get("kind"),
    id: formData.get("id"),
    interval: formData.get("interval") ?? undefined,
  });
  if (!parsed.success) back("invalid");
  let url: string;
  try {
    url = (await beginCheckout(billingContext(), user, parsed.data, (await requestLocale()).locale)).url;
  } catch (error) {
    if (error instanceof UnknownCatalogItem) back("unknown_item");
    if (error instanceof NoTokenAccount) back("unverified");
    if (error instanceof CatalogPriceMismatch) {
      // Stripe still sells another price than the catalog shows: charge nothing until stripe:sync ran.
      log.error({ event: "catalog_price_mismatch", err: error });
      back("price_changed");
    }
    if (error instanceof CatalogNotSynced) {
      log.error({ event: "catalog_not_synced", err: error });
      back("unavailable");
    }
    throw error;
  }
  redirect(url);
}

export async function openPortal(): Promise<void> {
  const user = await requireUser(SETTINGS_PATH);
  redirect(await portalFor(billingContext(), user, (await requestLocale()).locale));
}

const autoTopUpForm = z.object({
  enabled: z.literal("on").optional(),
  packId: z.string().regex(/^[a-z0-9_]{1,40}$/),
  thresholdTokens: z.coerce.number().int().min(1).max(1_000_000),
  maxPerPeriod: z.coerce.number().int().min(1).max(20),
});

/** Back to the auto top-up section with a notice code (the page owns the wording). */
function autoTopUpBack(notice: "saved" | "off" | "no_card" | "unknown_pack" | "invalid" | "unavailable"): never {
  redirect(`${SETTINGS_PATH}?autotopup=${notice}#auto-top-up`);
}

/**
 * Form fields `enabled` (checkbox), `packId` (a pack of the catalog), `thresholdTokens`,
 * `maxPerPeriod`: saves the signed-in user's auto top-up (lib/billing/auto-topup/settings.ts checks
 * the pack and, to turn it on, the saved card). Turned on below the threshold, it buys at once.
 */
export async function saveAutoTopUpSettings(formData: FormData): Promise<void> {
  const user = await requireUser(SETTINGS_PATH);
  const parsed = autoTopUpForm.safeParse({
    enabled: formData.get("enabled") ?? undefined,
    packId: formData.get("packId"),
    thresholdTokens: formData.get("thresholdTokens"),
    maxPerPeriod: formData.get("maxPerPeriod"),
  });
  if (!parsed.success) autoTopUpBack("invalid");
  const enabled = parsed.data.enabled === "on";
  try {
    await saveAutoTopUp(billingContext(), user.id, { ...parsed.data, enabled });
  } catch (error) {
    if (error instanceof NoSavedCard) autoTopUpBack("no_card");
    if (error instanceof UnknownPack) autoTopUpBack("unknown_pack");
    log.error({ event: "auto_topup_save_failed", userId: user.id, err: error });
    autoTopUpBack("unavailable");
  }
  if (enabled) notifyLedgerChange(user.id); // already below the threshold: top up now (detached)
  autoTopUpBack(enabled ? "saved" : "off");
}
