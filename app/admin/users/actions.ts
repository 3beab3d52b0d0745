"use server";
// Server actions of the admin's user page: a manual grant or deduction, and the user's spend limit.
// Each checks the admin role itself (a server action is reachable without its page), validates the
// form with zod, and writes through lib/admin/adjustments (the ledger's adjust(): one `adjustment`
// row naming the admin) or lib/tokens/spend-limit (the cap, naming the admin).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adjustmentSchema, applyAdjustment } from "@/lib/admin/adjustments";
import { requireAdmin } from "@/lib/auth/admin";
import { notifyLedgerChange } from "@/lib/billing/auto-topup/app";
import { db } from "@/lib/db/client";
import { formatTokensExact, formatTokensWithUnit, DEFAULT_LOCALE } from "@/lib/format";
import { MAX_SPEND_CAP_TOKENS, setAdminSpendLimit, spendCapTokensSchema, tokensToCap } from "@/lib/tokens/spend-limit";

export interface AdjustState {
  ok?: boolean;
  message?: string;
}

export async function adjustTokens(_previous: AdjustState, formData: FormData): Promise<AdjustState> {
  const admin = await requireAdmin("/admin/users");
  const parsed = adjustmentSchema.safeParse({
    userId: formData.get("userId") ?? undefined,
    direction: formData.get("direction") ?? undefined,
    amount: formData.get("amount") ?? undefined,
    reason: formData.get("reason") ?? undefined,
    nonce: formData.get("nonce") ?? undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${String(issue.path[0] ?? "form")}: ${issue.message}` };
  }
  const result = await applyAdjustment(db(), admin.id, parsed.data);
  if (!result.ok) {
    switch (result.error) {
      case "user_not_found":
        return { ok: false, message: "This user has no token account." };
      case "insufficient":
        return {
          ok: false,
          message: `Not deducted: the user has ${formatTokensExact(result.available)} tokens available, less than ${formatTokensExact(parsed.data.amount)}. Nothing was written.`,
        };
      case "nonce_reused":
        return { ok: false, message: "This form was already used. Reload the page and try again." };
    }
  }
  // A deduction may take the balance below the user's auto top-up threshold (detached, never awaited).
  if (parsed.data.direction !== "grant") notifyLedgerChange(parsed.data.userId);
  revalidatePath(`/admin/users/${parsed.data.userId}`);
  const verb = parsed.data.direction === "grant" ? "Granted" : "Deducted";
  return {
    ok: true,
    message: `${verb} ${formatTokensWithUnit(parsed.data.amount, DEFAULT_LOCALE)}${result.duplicate ? " (already applied — a repeated submit changed nothing)" : ""}.`,
  };
}

export interface SpendCapState {
  ok?: boolean;
  message?: string;
}

const spendCapForm = z.object({
  userId: z.string().min(1).max(64),
  intent: z.enum(["save", "remove"]),
  cap: z.string().optional(),
});

/**
 * An admin sets (or lifts) a user's spend limit per period. Checks the admin role itself, validates
 * the form, and writes through lib/tokens/spend-limit, which records the admin: the user cannot
 * change that cap. Lifting it removes the cap altogether and gives the user back the choice.
 */
export async function setSpendCap(_previous: SpendCapState, formData: FormData): Promise<SpendCapState> {
  const admin = await requireAdmin("/admin/users");
  const parsed = spendCapForm.safeParse({
    userId: formData.get("userId") ?? undefined,
    intent: formData.get("intent") ?? undefined,
    cap: formData.get("cap") ?? undefined,
  });
  if (!parsed.success) return { ok: false, message: "The form is invalid. Reload the page and try again." };
  let cap: bigint | null = null;
  if (parsed.data.intent === "save") {
    const tokens = spendCapTokensSchema.safeParse(parsed.data.cap ?? "");
    if (!tokens.success)
      return { ok: false, message: `The cap must be a whole number of tokens from 1 to ${MAX_SPEND_CAP_TOKENS}.` };
    cap = tokensToCap(tokens.data);
  }
  const result = await setAdminSpendLimit(db(), { userId: parsed.data.userId, adminId: admin.id, cap });
  if (!result.ok) return { ok: false, message: "This user has no token account." };
  revalidatePath(`/admin/users/${parsed.data.userId}`);
  return {
    ok: true,
    message:
      cap === null
        ? "Spend limit lifted: the user has no cap and may set their own."
        : `Spend limit set to ${formatTokensWithUnit(cap, DEFAULT_LOCALE)} per period. The user cannot change it.`,
  };
}
