"use server";
// Pricing server actions. Each checks the admin role itself (a server action is reachable by a POST
// from anywhere), validates the form, saves a new pricing version and syncs it to Stripe.
import { revalidatePath } from "next/cache";
import { addTier, saveEdit, syncToStripe, type PricingEditResult } from "@/lib/admin/pricing";
import { parseEditForm, parseTierForm } from "@/lib/admin/pricing-form";
import { requireAdmin } from "@/lib/auth/admin";
import { stripe } from "@/lib/billing/stripe";
import { db } from "@/lib/db/client";
import type { PricingActionState } from "@/components/admin/pricing-forms";

async function finish(result: PricingEditResult): Promise<PricingActionState> {
  if (!result.ok) return { status: "error", message: result.error.message };
  revalidatePath("/admin", "layout");
  let client;
  try {
    client = stripe();
  } catch (error) {
    return {
      status: "saved",
      message: `Saved pricing version ${result.pricing.version}.`,
      sync: { ok: false, summary: `Not synced to Stripe: ${(error as Error).message.split("\n")[0]}`, lines: [] },
    };
  }
  const sync = await syncToStripe(client, result.pricing);
  return {
    status: "saved",
    message: `Saved pricing version ${result.pricing.version}.`,
    sync: sync.ok
      ? {
          ok: true,
          summary: `Stripe: ${sync.summary}.`,
          lines: sync.actions
            .filter((a) => !a.action.endsWith("_unchanged"))
            .map((a) =>
              "lookupKey" in a
                ? `${a.action.replace("_", " ")}: ${a.lookupKey} (${a.priceId})`
                : `${a.action.replace("_", " ")}: ${"productId" in a ? a.productId : a.configurationId}`,
            ),
        }
      : { ok: false, summary: sync.message, lines: [] },
  };
}

export async function savePricingAction(_prev: PricingActionState, form: FormData): Promise<PricingActionState> {
  const admin = await requireAdmin("/admin/pricing");
  const parsed = parseEditForm(form);
  if (!parsed.ok) return { status: "error", message: parsed.message };
  return finish(await saveEdit(db(), parsed.value, admin.id));
}

export async function addTierAction(_prev: PricingActionState, form: FormData): Promise<PricingActionState> {
  const admin = await requireAdmin("/admin/pricing");
  const parsed = parseTierForm(form);
  if (!parsed.ok) return { status: "error", message: parsed.message };
  return finish(await addTier(db(), parsed.value, admin.id));
}
