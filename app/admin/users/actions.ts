"use server";
// Server action of the admin's user page: a manual grant or deduction. Checks the admin role itself
// (a server action is reachable without its page), validates the form with zod, and writes through
// lib/admin/adjustments (the ledger's adjust(): one `adjustment` row naming the admin).
import { revalidatePath } from "next/cache";
import { adjustmentSchema, applyAdjustment } from "@/lib/admin/adjustments";
import { requireAdmin } from "@/lib/auth/admin";
import { notifyLedgerChange } from "@/lib/billing/auto-topup/app";
import { db } from "@/lib/db/client";
import { formatTokensExact, formatTokensWithUnit, DEFAULT_LOCALE } from "@/lib/format";

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
