// The hold: the worst case of the call, estimated before it is made and reserved in the ledger — or
// a refusal that holds nothing: 402 insufficient_tokens with what is required and what is available
// (in tokens), 402 spend_limit_reached when the user's spend limit refuses it (the cap, what is
// spent and held), 403 for a user without a token account, 400 when the estimate itself refuses the
// input (BadRequestError), 401 when the session was revoked.
//
// The session: when admission left its check to the hold (`sessionVersion`), the reserve carries the
// token's version and `ledger_apply` holds only while it is the user's current one — checked in the
// hold's own statement, before the balance, so a revoked token is refused without a round trip of
// its own and learns nothing of the balance; the 400 of an estimate checks it first (`verifySession`).
//
// Before a 402, the user's expired holds (left by a process that died) are swept and the reserve is
// tried once more, so they can never lock the user out (nor count against their cap). A hold is at least 1 millitoken. Every
// refusal, and an estimate that throws, frees the Idempotency-Key first (`forgetClaim`); an
// unreachable database is thrown to the wrapper (503, nothing held).
import type { Db } from "../../db/client";
import { timeOrderedId } from "../ids";
import { sweepExpiredReservations, type HotLedger, type ReserveResult, type SpendLimitReached } from "../ledger";
import { unauthorized } from "./admission";
import { BadRequestError } from "./errors";
import type { CostEngine } from "./meter";
import { apiError } from "../../http/api-error";
import { tokens } from "./respond";
import type { Estimate, MeteringConfig, MeteringLog, PricingContext, WithTokensOptions } from "./types";

/** How long a hold lives before the sweep may return it, when the route does not say. */
export const DEFAULT_HOLD_TTL_MS = 120_000;

export type Held = Extract<ReserveResult, { ok: true }>;

export interface Hold<E> {
  estimate: Estimate;
  pricing: PricingContext;
  engine: E;
  /** Time-ordered, like the reservation id: the request id's unique index (and the ledger key `call:<request id>`) grows at its end. */
  requestId: string;
  held: Held;
}

export async function holdWorstCase<TInput, U, E extends CostEngine<U>>(
  {
    feature,
    userId,
    input,
    sessionVersion,
    verifySession,
  }: {
    feature: string;
    userId: string;
    input: TInput;
    /** The token's session version, when the hold is to check it (admission did not). */
    sessionVersion?: number;
    /** Whether the session is current, before an answer that is not the hold's (default: it is). */
    verifySession?: () => Promise<boolean>;
  },
  {
    db,
    ledger,
    config,
    options,
    log,
  }: {
    db: Db;
    ledger: HotLedger;
    config: Pick<MeteringConfig<U, E>, "pricing" | "upgradeUrl" | "onRefused" | "onSpendLimitReached" | "limitsUrl">;
    options: WithTokensOptions<TInput, U, E>;
    log: MeteringLog;
  },
  forgetClaim: () => Promise<void>,
): Promise<{ response: Response } | { hold: Hold<E> }> {
  const { context: pricing, engine } = await config.pricing();
  let estimate: Estimate;
  try {
    estimate = await options.estimate(input, { userId, pricing, engine });
  } catch (error) {
    await forgetClaim();
    if (error instanceof BadRequestError)
      return {
        response: (await (verifySession?.() ?? true)) ? apiError("invalid_request", error.message) : unauthorized(),
      };
    throw error;
  }
  const requestId = timeOrderedId();
  const reserve = () =>
    ledger.reserve({
      userId,
      amount: estimate.worstCase > 0n ? estimate.worstCase : 1n,
      feature,
      requestId,
      ttlMs: options.ttlMs ?? DEFAULT_HOLD_TTL_MS,
      pricingVersion: pricing.version,
      ...(sessionVersion !== undefined && { sessionVersion }),
    });
  let held = await reserve();
  if (!held.ok && (held.error.type === "InsufficientTokens" || held.error.type === "SpendLimitReached")) {
    // Before refusing: holds left by a process that died are returned first (they expire after
    // their time to live), so they can never lock the user out.
    const swept = await sweepExpiredReservations(db, new Date(), { userId });
    if (swept.expired > 0) held = await reserve();
  }
  if (held.ok) return { hold: { estimate, pricing, engine, requestId, held } };

  await forgetClaim();
  if (held.error.type === "InsufficientTokens") {
    try {
      config.onRefused?.({ userId });
    } catch (error) {
      log("refused_listener_failed", { feature, userId, message: (error as Error)?.message });
    }
    const available = held.error.available > 0n ? held.error.available : 0n;
    return {
      response: apiError("insufficient_tokens", undefined, {
        extra: { required: tokens(held.error.required), available: tokens(available), upgradeUrl: config.upgradeUrl },
        headers: { "x-tokens-remaining": String(tokens(available)) },
      }),
    };
  }
  if (held.error.type === "SpendLimitReached") return spendLimitReached(held.error, { feature, userId, config, log });
  if (held.error.type === "SessionRevoked") {
    // Read once more so this instance knows the token is revoked: its next requests stop at
    // admission, before the rate limit (a copied cookie cannot use up its owner's requests).
    await verifySession?.().catch(() => false);
    return { response: unauthorized() };
  }
  log("reserve_failed", { feature, userId, error: held.error });
  return { response: apiError("no_token_account", "Your account has no token balance.") };
}

/**
 * The 402 of a call the spend limit refused: `spent` is what counts against the cap (charged this
 * period + held by calls in flight), in tokens. This is the one place the wrapper learns "the cap
 * refused a call"; its listener (`onSpendLimitReached`) is told here, not awaited.
 */
function spendLimitReached<U, E extends CostEngine<U>>(
  error: SpendLimitReached,
  {
    feature,
    userId,
    config,
    log,
  }: {
    feature: string;
    userId: string;
    config: Pick<MeteringConfig<U, E>, "onSpendLimitReached" | "limitsUrl">;
    log: MeteringLog;
  },
): { response: Response } {
  try {
    config.onSpendLimitReached?.({
      userId,
      feature,
      cap: error.cap,
      spent: error.spent,
      held: error.held,
      required: error.required,
    });
  } catch (failure) {
    log("spend_limit_listener_failed", { feature, userId, message: (failure as Error)?.message });
  }
  const counted = error.spent + error.held;
  const cap = tokens(error.cap);
  return {
    response: apiError(
      "spend_limit_reached",
      `This request may cost up to ${tokens(error.required)} tokens, which would take this period's spending past your limit of ${cap} tokens (${tokens(counted)} spent or in use).`,
      {
        extra: {
          cap,
          spent: tokens(counted),
          held: tokens(error.held),
          required: tokens(error.required),
          ...(config.limitsUrl && { limitsUrl: config.limitsUrl }),
        },
        headers: { "x-tokens-remaining": String(tokens(error.available > 0n ? error.available : 0n)) },
      },
    ),
  };
}
