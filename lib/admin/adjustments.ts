// Manual grants and deductions by an admin: an `adjustment` ledger row naming the admin and a
// required reason, written by the ledger's `adjust()` (one statement; nothing else writes balances).
//
// The form's amount is in tokens with up to 3 decimals and becomes exact millitokens by string
// arithmetic (never through a float). The form carries a nonce made when it was rendered; it is the
// idempotency key, so a double submit — or a retried request — applies once.
import { z } from "zod";
import type { Db } from "../db/client";
import { adjust, type LedgerRow } from "../tokens/ledger";

/** The largest single adjustment, in tokens: a typo guard (a whole plan's year is far below it). */
export const MAX_ADJUSTMENT_TOKENS = 10_000_000;

/** "10" → 10000n, "0.5" → 500n, "1.234" → 1234n millitokens. Only for strings the schema accepted. */
export function tokensToMillitokens(text: string): bigint {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole!) * 1000n + BigInt(fraction.padEnd(3, "0"));
}

export const adjustmentSchema = z.object({
  userId: z.string().min(1).max(64),
  direction: z.enum(["grant", "deduct"], { error: "choose grant or deduct" }),
  amount: z
    .string({ error: "enter an amount in tokens" })
    .trim()
    .regex(/^\d{1,9}(\.\d{1,3})?$/, "the amount is a number of tokens with at most 3 decimals, such as 10 or 2.5")
    .transform(tokensToMillitokens)
    .refine((mt) => mt > 0n, "the amount must be more than 0")
    .refine(
      (mt) => mt <= BigInt(MAX_ADJUSTMENT_TOKENS) * 1000n,
      `the amount is at most ${MAX_ADJUSTMENT_TOKENS.toLocaleString("en-US")} tokens`,
    ),
  reason: z
    .string({ error: "a reason is required" })
    .trim()
    .min(3, "a reason is required (at least 3 characters): it is kept on the ledger row")
    .max(500, "the reason is at most 500 characters"),
  nonce: z.uuid({ error: "this form has expired; reload the page" }),
});
export type AdjustmentInput = z.infer<typeof adjustmentSchema>;

export type AdjustmentResult =
  | { ok: true; row: LedgerRow; duplicate: boolean }
  | { ok: false; error: "user_not_found" }
  | { ok: false; error: "insufficient"; available: bigint }
  | { ok: false; error: "nonce_reused" };

export function adjustmentKey(input: Pick<AdjustmentInput, "userId" | "nonce">): string {
  return `admin-adjust:${input.userId}:${input.nonce}`;
}

/** Applies a validated adjustment once per nonce; a deduction above what is available writes nothing. */
export async function applyAdjustment(db: Db, actorId: string, input: AdjustmentInput): Promise<AdjustmentResult> {
  const result = await adjust(db, {
    userId: input.userId,
    amount: input.direction === "grant" ? input.amount : -input.amount,
    reason: input.reason,
    actorId,
    idempotencyKey: adjustmentKey(input),
  });
  if (result.ok) return { ok: true, row: result.row, duplicate: result.duplicate };
  switch (result.error.type) {
    case "AccountNotFound":
      return { ok: false, error: "user_not_found" };
    case "InsufficientTokens":
      return { ok: false, error: "insufficient", available: result.error.available };
    case "IdempotencyKeyReused":
      return { ok: false, error: "nonce_reused" };
  }
}
